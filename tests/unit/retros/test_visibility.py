"""What each person sees of a retro: hidden writing, anonymity, and one rule for a card, a
topic and the whole retro."""

from __future__ import annotations

import dataclasses
import itertools
import random
from uuid import UUID

import pytest

from aluzio.domain.retros.cards import rename_topic
from aluzio.domain.retros.model import Card, Phase, Viewer, freeze_sections
from aluzio.domain.retros.visibility import (
    AuthorView,
    CardView,
    HiddenCard,
    RetroView,
    card_view,
    retro_view,
    topic_view,
)
from tests.unit.retros.builders import BOARD_SECTIONS, RetroWorld, new_world

CARD_PHASES = [Phase.REFLECT, Phase.GROUP, Phase.VOTE, Phase.DISCUSS, Phase.CLOSED]
VIEWERS = ["author", "participant", "facilitator", "admin", "owner"]
SECRET = "Our deploys scare me"


def _names(world: RetroWorld) -> dict[UUID, str]:
    return {
        world.member.user_id: "Ada Author",
        world.other.user_id: "Pat Participant",
        world.facilitator.user_id: "Fay Facilitator",
        world.admin.user_id: "Alan Admin",
        world.owner.user_id: "Olga Owner",
    }


def _viewer(world: RetroWorld, kind: str) -> Viewer:
    """The author is ``world.member``; the others are everyone else around the retro."""
    return {
        "author": world.member,
        "participant": world.other,
        "facilitator": world.facilitator,
        "admin": world.admin,
        "owner": world.owner,
    }[kind]


def _world_with_a_card(phase: Phase, *, anonymous: bool) -> tuple[RetroWorld, Card]:
    world = new_world(anonymous=anonymous, phase=Phase.REFLECT)
    world.join_everyone()
    card = world.write(world.member, SECRET, section=1)
    world.go_to(phase)
    return world, card


@pytest.mark.parametrize("anonymous", [True, False])
@pytest.mark.parametrize("kind", VIEWERS)
@pytest.mark.parametrize("phase", CARD_PHASES)
def test_what_each_viewer_sees_of_a_card(phase: Phase, kind: str, anonymous: bool) -> None:
    world, card = _world_with_a_card(phase, anonymous=anonymous)
    viewer = _viewer(world, kind)
    seen = card_view(viewer, world.retro, card, _names(world))
    if phase is Phase.REFLECT and kind != "author":
        assert seen == HiddenCard(section_id=world.sections[1].id)
        return
    assert isinstance(seen, CardView)
    assert (seen.id, seen.body, seen.topic_id, seen.position) == (
        card.id, SECRET, card.topic_id, 0,
    )  # fmt: skip
    assert (seen.section_id, seen.created_at, seen.updated_at) == (
        card.section_id, card.created_at, card.updated_at,
    )  # fmt: skip
    assert seen.mine is (kind == "author")
    if anonymous:
        assert seen.author is None
    else:
        assert seen.author == AuthorView(world.member.user_id, "Ada Author")


@pytest.mark.parametrize("anonymous", [True, False])
@pytest.mark.parametrize("kind", VIEWERS[1:])
@pytest.mark.parametrize("phase", CARD_PHASES)
def test_the_whole_retro_never_leaks_what_the_card_hides(
    phase: Phase, kind: str, anonymous: bool
) -> None:
    """Everything a non-author receives, apart from the participant list (who is present
    is not who wrote what), holds no trace the card rule hides."""
    world, card = _world_with_a_card(phase, anonymous=anonymous)
    view = _view(world, _viewer(world, kind))
    shown = repr([view.topics, view.sections])
    hidden_text = phase is Phase.REFLECT
    assert (SECRET in shown) is not hidden_text
    assert (str(card.id) in shown) is not hidden_text
    assert (str(card.topic_id) in shown) is not hidden_text
    author_shown = not anonymous and not hidden_text
    assert (str(world.member.user_id) in shown) is author_shown
    assert ("Ada Author" in shown) is author_shown
    assert view.sections[1].hidden_cards == (1 if hidden_text else 0)


@pytest.mark.parametrize("kind", VIEWERS)
@pytest.mark.parametrize("anonymous", [True, False])
def test_hidden_writing_counts_others_cards_per_section(kind: str, anonymous: bool) -> None:
    world = new_world(anonymous=anonymous, phase=Phase.REFLECT)
    viewer = _viewer(world, kind)
    for author, index in [
        (world.member, 0), (world.member, 0), (world.member, 2), (world.other, 0),
        (world.facilitator, 1), (world.admin, 2), (world.owner, 2),
    ]:  # fmt: skip
        world.write(author, f"by {author.user_id}", section=index)
    view = _view(world, viewer)
    own = [c for c in world.cards.values() if c.author_id == viewer.user_id]
    assert sorted(c.id for t in view.topics for c in t.cards) == sorted(c.id for c in own)
    assert all(c.mine for t in view.topics for c in t.cards)
    for position, section in enumerate(view.sections):
        others = [
            c for c in world.cards.values()
            if c.section_id == section.id and c.author_id != viewer.user_id
        ]  # fmt: skip
        assert section.hidden_cards == len(others), position


def test_from_group_on_everyone_sees_every_card_and_no_count() -> None:
    world = new_world(phase=Phase.REFLECT)
    for author in (world.member, world.other, world.facilitator):
        world.write(author)
    world.go_to(Phase.GROUP)
    for kind in VIEWERS:
        view = _view(world, _viewer(world, kind))
        assert len([c for t in view.topics for c in t.cards]) == 3
        assert [s.hidden_cards for s in view.sections] == [0, 0, 0]


def test_going_back_to_reflect_hides_others_cards_again() -> None:
    world = new_world(phase=Phase.REFLECT)
    mine, theirs = world.write(world.member, "mine"), world.write(world.other, "theirs")
    world.go_to(Phase.GROUP)
    world.move(theirs, world.topics[mine.topic_id])
    rename_topic(world.retro, world.topics[mine.topic_id], title="Both", now=world.tick())
    world.go_back()
    view = _view(world, world.member)
    (topic,) = view.topics
    assert (topic.title, [c.body for c in topic.cards]) == ("Both", ["mine"])
    assert view.sections[0].hidden_cards == 1
    # A topic of others' cards alone is not shown at all while writing is hidden.
    assert (
        topic_view(world.admin, world.retro, world.topics[mine.topic_id], world.cards.values())
        is None
    )


def test_a_named_retro_without_a_known_name() -> None:
    world, card = _world_with_a_card(Phase.GROUP, anonymous=False)
    seen = card_view(world.other, world.retro, card)
    assert isinstance(seen, CardView)
    assert seen.author == AuthorView(world.member.user_id, None)


@pytest.mark.parametrize("anonymous", [True, False])
@pytest.mark.parametrize("phase", CARD_PHASES)
@pytest.mark.parametrize("seed", range(3))
def test_the_whole_retro_is_built_from_the_card_rule(
    phase: Phase, anonymous: bool, seed: int
) -> None:
    """What real time sends per card and what the read shows agree, for every viewer."""
    rng = random.Random(seed)
    world = new_world(anonymous=anonymous, phase=Phase.REFLECT)
    world.join_everyone()
    people = [_viewer(world, kind) for kind in VIEWERS]
    for _ in range(rng.randint(0, 25)):
        world.write(rng.choice(people), section=rng.randrange(3))
    if phase is not Phase.REFLECT:
        world.go_to(Phase.GROUP)
        for _ in range(rng.randint(0, 15)):
            card = rng.choice(list(world.cards.values()))
            world.move(card, world.topics[rng.choice(list(world.topics))])
        world.go_to(phase)
    names = _names(world)
    for viewer in people:
        view = _view(world, viewer)
        per_card = [card_view(viewer, world.retro, c, names) for c in world.cards.values()]
        shown = sorted((c for c in per_card if isinstance(c, CardView)), key=lambda c: c.id)
        assert sorted((c for t in view.topics for c in t.cards), key=lambda c: c.id) == shown
        hidden = [c.section_id for c in per_card if isinstance(c, HiddenCard)]
        assert {s.id: s.hidden_cards for s in view.sections} == {
            s.id: hidden.count(s.id) for s in world.sections
        }
        for topic in view.topics:
            assert [c.position for c in topic.cards] == sorted(c.position for c in topic.cards)
            assert {c.topic_id for c in topic.cards} == {topic.id}


def test_the_retro_as_read() -> None:
    world = new_world(anonymous=False, phase=Phase.REFLECT)
    world.join_everyone()
    first = world.write(world.member, "first")
    second = world.write(world.other, "second")
    world.go_to(Phase.GROUP)
    view = _view(world, world.other)
    assert (view.id, view.board_id, view.organization_id) == (
        world.retro.id, world.retro.board_id, world.retro.organization_id,
    )  # fmt: skip
    assert (view.title, view.phase, view.version) == ("Sprint 12", Phase.GROUP, world.retro.version)
    assert (view.vote_budget, view.max_votes_per_topic, view.anonymous) == (5, 3, False)
    assert view.facilitator_id == view.created_by == world.facilitator.user_id
    assert [(h.from_phase, h.to_phase) for h in view.history] == [
        (None, Phase.DRAFT), (Phase.DRAFT, Phase.REFLECT), (Phase.REFLECT, Phase.GROUP),
    ]  # fmt: skip
    assert [p.phase for p in view.phases] == [Phase.DRAFT, Phase.REFLECT, Phase.GROUP]
    assert view.phases[-1].ended_at is None
    assert [p.name for p in view.participants] == [
        "Fay Facilitator", "Ada Author", "Pat Participant", "Alan Admin", "Olga Owner",
    ]  # fmt: skip
    assert [s.title for s in view.sections] == [b.title for b in BOARD_SECTIONS]
    assert [[c.body for c in t.cards] for t in view.topics] == [["first"], ["second"]]
    assert [t.id for t in view.topics] == [first.topic_id, second.topic_id]
    assert (view.you_facilitate, view.you_may_facilitate) == (False, False)
    assert _view(world, world.facilitator).you_facilitate
    assert _view(world, world.admin).you_may_facilitate
    assert not _view(world, world.admin).you_facilitate


def test_a_draft_shows_the_boards_current_sections() -> None:
    world = new_world()
    world.join_everyone()
    view = retro_view(
        world.member,
        world.retro,
        history=world.history,
        participants=world.participants,
        sections=freeze_sections(world.retro, reversed(BOARD_SECTIONS)),
        topics=[],
        cards=[],
    )
    assert [s.title for s in view.sections] == [b.title for b in reversed(BOARD_SECTIONS)]
    assert [s.hidden_cards for s in view.sections] == [0, 0, 0]
    assert view.topics == ()
    assert [p.name for p in view.participants] == [None] * 5


def test_the_views_are_plain_frozen_data() -> None:
    world, _ = _world_with_a_card(Phase.GROUP, anonymous=True)
    view = _view(world, world.other)
    for item in itertools.chain([view], view.topics, view.sections, view.participants):
        assert dataclasses.is_dataclass(item)
        with pytest.raises(dataclasses.FrozenInstanceError):
            setattr(item, dataclasses.fields(item)[0].name, None)


def _view(world: RetroWorld, viewer: Viewer) -> RetroView:
    return retro_view(
        viewer,
        world.retro,
        history=list(reversed(world.history)),  # any order: the view sorts by time
        participants=list(reversed(world.participants)),
        sections=list(reversed(world.sections)),
        topics=list(reversed(world.topics.values())),
        cards=list(reversed(world.cards.values())),
        names=_names(world),
    )


def test_erased_people_leave_gaps_the_view_tolerates() -> None:
    """Erasing an author erases their cards (their topics may be left empty until storage
    tidies them); erasing the facilitator leaves the retro without one."""
    world = new_world(phase=Phase.REFLECT)
    kept = world.write(world.other, "kept")
    gone = world.write(world.member, "gone")
    world.go_to(Phase.GROUP)
    world.move(kept, world.topics[gone.topic_id], position=1)
    del world.cards[gone.id]  # as the database's cascade does, without the domain
    world.retro.facilitator_id = None
    world.history[0].changed_by = None
    view = _view(world, world.other)
    assert [[c.body for c in t.cards] for t in view.topics] == [["kept"]]
    assert view.facilitator_id is None
    assert view.history[0].changed_by is None
    assert not view.you_facilitate
