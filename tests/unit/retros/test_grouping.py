"""Grouping cards into topics in group: moves, order, empty topics, topic names."""

from __future__ import annotations

import random
from uuid import uuid4

import pytest

from aluzio.domain.errors import InvalidInput
from aluzio.domain.retros.cards import move_card, rename_topic, topic_title
from aluzio.domain.retros.errors import (
    CardNotFound,
    PhaseNotAllowed,
    RetroClosed,
    TopicNotFound,
)
from aluzio.domain.retros.model import Card, Phase
from tests.unit.retros.builders import START, RetroWorld, new_world


def _grouping(cards: int = 4) -> tuple[RetroWorld, list[Card]]:
    world = new_world(phase=Phase.REFLECT)
    written = [
        world.write(world.member if i % 2 else world.other, f"card {i}") for i in range(cards)
    ]
    world.go_to(Phase.GROUP)
    return world, written


def assert_invariants(world: RetroWorld) -> None:
    """Every card is in a topic of its retro; every topic has cards; positions are 0..n-1."""
    used = {card.topic_id for card in world.cards.values()}
    assert used == set(world.topics), "a topic without cards, or a card without a topic"
    for topic_id in world.topics:
        assert [c.position for c in world.topic_cards(topic_id)] == list(
            range(len(world.topic_cards(topic_id)))
        )


def test_every_card_starts_in_its_own_topic() -> None:
    world, cards = _grouping()
    assert len({c.topic_id for c in cards}) == len(cards) == len(world.topics)
    assert_invariants(world)


def test_merging_appends_and_empties_the_source() -> None:
    world, (a, b, c, _) = _grouping()
    target = world.topics[a.topic_id]
    old_topic = b.topic_id
    version = world.retro.version
    move = world.move(b, target)
    assert move.changed
    assert move.created_topic is None
    assert move.emptied_topic_id == old_topic
    assert old_topic not in world.topics
    assert move.moved == (b,)
    assert world.topic_cards(target.id) == [a, b]
    assert world.retro.version == version + 1
    world.move(c, target, position=0)
    assert world.topic_cards(target.id) == [c, a, b]
    assert_invariants(world)


def test_moving_to_a_position_keeps_the_others_in_order() -> None:
    world, (a, b, c, d) = _grouping()
    topic = world.topics[a.topic_id]
    for card in (b, c):
        world.move(card, topic)
    world.move(d, topic, position=1)
    assert world.topic_cards(topic.id) == [a, d, b, c]
    world.move(a, topic, position=99)  # past the end: the end
    assert world.topic_cards(topic.id) == [d, b, c, a]
    world.move(c, topic, position=-5)  # before the start: the start
    assert world.topic_cards(topic.id) == [c, d, b, a]
    move = world.move(b, topic)  # within a topic, without a position: to the end
    assert world.topic_cards(topic.id) == [c, d, a, b]
    assert set(move.moved) == {a, b}
    assert move.emptied_topic_id is None
    assert_invariants(world)


def test_taking_a_card_out_makes_a_topic_of_its_own() -> None:
    world, (a, b, c, _) = _grouping()
    topic = world.topics[a.topic_id]
    world.move(b, topic)
    world.move(c, topic)
    move = world.move(b, None)
    assert move.created_topic is not None
    assert move.created_topic.title is None
    assert move.created_topic.created_at > START
    assert move.emptied_topic_id is None
    assert b.topic_id == move.created_topic.id
    assert b.position == 0
    assert world.topic_cards(topic.id) == [a, c]
    assert set(move.moved) == {b, c}
    assert_invariants(world)


def test_a_card_alone_stays_where_it_is() -> None:
    world, (a, *_) = _grouping()
    version, topic_id = world.retro.version, a.topic_id
    for target in (None, world.topics[topic_id]):
        move = world.move(a, target)
        assert not move.changed
        assert move.created_topic is None
        assert move.emptied_topic_id is None
    assert (a.topic_id, a.position, world.retro.version) == (topic_id, 0, version)


def test_a_move_to_the_same_place_changes_nothing() -> None:
    world, (a, b, *_) = _grouping()
    topic = world.topics[a.topic_id]
    world.move(b, topic)
    version = world.retro.version
    assert not world.move(b, topic).changed
    assert not world.move(a, topic, position=0).changed
    assert world.retro.version == version


def test_a_merged_topic_keeps_its_name() -> None:
    world, (a, b, *_) = _grouping()
    topic = world.topics[a.topic_id]
    rename_topic(world.retro, topic, title="Deploys", now=world.tick())
    world.move(b, topic)
    assert world.topics[topic.id].title == "Deploys"
    assert world.topic_cards(topic.id) == [a, b]
    # The topic a card leaves keeps its name too; the new one has none.
    move = world.move(a, None)
    assert world.topics[topic.id].title == "Deploys"
    assert move.created_topic is not None
    assert move.created_topic.title is None
    assert_invariants(world)


@pytest.mark.parametrize("phase", [p for p in Phase if p is not Phase.GROUP])
def test_moves_and_names_in_group_only(phase: Phase) -> None:
    world, (a, b, *_) = _grouping()
    world.retro.phase = phase
    refusal = RetroClosed if phase is Phase.CLOSED else PhaseNotAllowed
    with pytest.raises(refusal):
        world.move(b, world.topics[a.topic_id])
    with pytest.raises(refusal):
        rename_topic(world.retro, world.topics[a.topic_id], title="x", now=world.tick())
    assert a.topic_id != b.topic_id
    assert world.topics[a.topic_id].title is None


def test_topics_and_cards_of_another_retro_are_not_found() -> None:
    world, (a, *_) = _grouping()
    other, (foreign, *_) = _grouping()
    with pytest.raises(TopicNotFound):
        world.move(a, other.topics[foreign.topic_id])
    with pytest.raises(CardNotFound):
        world.move(foreign, world.topics[a.topic_id])
    with pytest.raises(TopicNotFound):
        rename_topic(world.retro, other.topics[foreign.topic_id], title="x", now=world.tick())


@pytest.mark.parametrize(
    ("raw", "title"),
    [("  Deploys ", "Deploys"), ("", None), ("   ", None), (None, None), ("x" * 100, "x" * 100)],
)
def test_topic_titles(raw: str | None, title: str | None) -> None:
    world, (a, *_) = _grouping()
    version = world.retro.version
    rename_topic(world.retro, world.topics[a.topic_id], title=raw, now=world.tick())
    assert world.topics[a.topic_id].title == title == topic_title(raw)
    assert world.retro.version == version + 1


@pytest.mark.parametrize("raw", ["x" * 101, "two\nlines", "nul\x00"])
def test_refused_topic_titles(raw: str) -> None:
    world, (a, *_) = _grouping()
    with pytest.raises(InvalidInput) as refused:
        rename_topic(world.retro, world.topics[a.topic_id], title=raw, now=world.tick())
    assert refused.value.field == "title"
    assert world.topics[a.topic_id].title is None


@pytest.mark.parametrize("seed", range(20))
def test_random_grouping_keeps_every_invariant(seed: int) -> None:
    """Random moves, merges, splits, new cards and deletions: no card lost or duplicated,
    no empty topic, no gap in positions, and each move lands where it was asked to."""
    rng = random.Random(seed)
    world, _ = _grouping(cards=rng.randint(1, 12))
    for _ in range(60):
        action = rng.random()
        cards = list(world.cards.values())
        if action < 0.1 or not cards:
            world.write(rng.choice([world.member, world.other]), section=rng.randrange(3))
        elif action < 0.2:
            card = rng.choice(cards)
            world.delete(
                card, by=world.member if card.author_id == world.member.user_id else world.other
            )
        else:
            card = rng.choice(cards)
            target = None if rng.random() < 0.2 else world.topics[rng.choice(list(world.topics))]
            position = rng.choice([None, rng.randint(-1, 6)])
            others = (
                None
                if target is None
                else [c for c in world.topic_cards(target.id) if c is not card]
            )
            before = len(world.cards)
            world.move(card, target, position)
            assert len(world.cards) == before
            if target is not None and others is not None:
                expected = list(others)
                at = len(expected) if position is None else max(0, min(position, len(expected)))
                expected.insert(at, card)
                assert world.topic_cards(target.id) == expected
        assert_invariants(world)


def test_a_move_needs_only_the_two_topics_cards() -> None:
    world, (a, b, c, d) = _grouping()
    topic = world.topics[a.topic_id]
    move_card(world.retro, d, to_topic=topic, cards=[a, d], new_topic_id=uuid4(), now=START)
    assert (d.topic_id, d.position) == (topic.id, 1)
    assert (b.position, c.position) == (0, 0)
