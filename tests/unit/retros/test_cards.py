"""Writing cards: who writes, edits and deletes what, in which phase, within which limits."""

from __future__ import annotations

from uuid import uuid4

import pytest

from aluzio.domain.errors import DomainError, InvalidInput
from aluzio.domain.retros.cards import (
    MAX_CARDS_PER_RETRO,
    add_card,
    card_body,
    delete_card,
    edit_card,
)
from aluzio.domain.retros.errors import (
    CardNotFound,
    NotCardAuthor,
    PhaseNotAllowed,
    RetroCardLimit,
    RetroClosed,
)
from aluzio.domain.retros.model import Phase, Viewer, freeze_sections
from tests.unit.retros.builders import BOARD_SECTIONS, START, RetroWorld, new_world

# The author is a plain member; "member" is another one.
KINDS = ["author", "facilitator", "member", "admin", "owner"]


def _phase_refusal(phase: Phase) -> type[DomainError] | None:
    if phase is Phase.CLOSED:
        return RetroClosed
    return None if phase in (Phase.REFLECT, Phase.GROUP) else PhaseNotAllowed


def _try_add(world: RetroWorld, by: Viewer, card_count: int = 0, body: str = " Hello ") -> None:
    topic, card = add_card(
        world.retro,
        author=by,
        section_id=world.sections[1].id,
        body=body,
        sections=world.sections,
        card_count=card_count,
        card_id=uuid4(),
        topic_id=uuid4(),
        now=START,
    )
    assert (card.topic_id, card.position, card.body) == (topic.id, 0, "Hello")
    assert (card.author_id, card.section_id) == (by.user_id, world.sections[1].id)
    assert topic.retro_id == card.retro_id == world.retro.id
    assert topic.title is None


@pytest.mark.parametrize("kind", KINDS[1:])
@pytest.mark.parametrize("phase", list(Phase))
def test_who_may_write_in_which_phase(phase: Phase, kind: str) -> None:
    world = new_world(phase=Phase.REFLECT)
    world.retro.phase = phase
    version = world.retro.version
    refusal = _phase_refusal(phase)
    if refusal is None:
        _try_add(world, getattr(world, kind))
        assert world.retro.version == version + 1
    else:
        with pytest.raises(refusal):
            _try_add(world, getattr(world, kind))
        assert world.retro.version == version


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("phase", list(Phase))
def test_who_may_edit_in_which_phase(phase: Phase, kind: str) -> None:
    world = new_world(phase=Phase.REFLECT)
    card = world.write(world.other, "Before")
    world.retro.phase = phase
    by = world.other if kind == "author" else getattr(world, kind)
    version = world.retro.version
    refusal = _phase_refusal(phase)
    if refusal is None and kind != "author":
        # Someone else's card is invisible while writing is hidden, and theirs alone to edit.
        refusal = CardNotFound if phase is Phase.REFLECT else NotCardAuthor
    if refusal is None:
        edit_card(world.retro, card, by=by, body=" After\n", now=START)
        assert (card.body, card.updated_at) == ("After", START)
        assert world.retro.version == version + 1
    else:
        with pytest.raises(refusal):
            edit_card(world.retro, card, by=by, body="After", now=START)
        assert card.body == "Before"
        assert world.retro.version == version


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("phase", list(Phase))
def test_who_may_delete_in_which_phase(phase: Phase, kind: str) -> None:
    world = new_world(phase=Phase.REFLECT)
    card = world.write(world.other)
    world.retro.phase = phase
    by = world.other if kind == "author" else getattr(world, kind)
    refusal = _phase_refusal(phase)
    if refusal is None and kind != "author":
        refusal = CardNotFound if phase is Phase.REFLECT else NotCardAuthor
    if refusal is None:
        removal = delete_card(
            world.retro, card, by=by, cards=world.cards.values(), now=world.tick()
        )
        assert removal.emptied_topic_id == card.topic_id
        assert removal.moved == ()
    else:
        with pytest.raises(refusal):
            delete_card(world.retro, card, by=by, cards=world.cards.values(), now=world.tick())


def test_a_card_of_another_retro_is_not_found() -> None:
    world, elsewhere = new_world(phase=Phase.GROUP), new_world(phase=Phase.GROUP)
    card = elsewhere.write(elsewhere.member)
    with pytest.raises(CardNotFound):
        edit_card(world.retro, card, by=elsewhere.member, body="x", now=START)
    with pytest.raises(CardNotFound):
        delete_card(world.retro, card, by=elsewhere.member, cards=[card], now=world.tick())


def test_the_section_must_be_the_retros() -> None:
    world = new_world(phase=Phase.REFLECT)
    other = new_world(phase=Phase.REFLECT)
    for sections, section_id in [
        (world.sections, uuid4()),
        (other.sections, other.sections[0].id),  # the same board section, another retro's copy
    ]:
        with pytest.raises(InvalidInput) as refused:
            add_card(
                world.retro, author=world.member, section_id=section_id, body="x",
                sections=sections, card_count=0, card_id=uuid4(), topic_id=uuid4(), now=START,
            )  # fmt: skip
        assert refused.value.field == "sectionId"


def test_frozen_sections_are_the_retros_own() -> None:
    world = new_world(phase=Phase.REFLECT)
    other = new_world(phase=Phase.REFLECT)
    assert [s.id for s in world.sections] == [s.id for s in other.sections]
    assert freeze_sections(world.retro, BOARD_SECTIONS)[0].retro_id == world.retro.id


def test_at_most_500_cards() -> None:
    world = new_world(phase=Phase.REFLECT)
    _try_add(world, world.member, card_count=MAX_CARDS_PER_RETRO - 1)
    with pytest.raises(RetroCardLimit):
        _try_add(world, world.member, card_count=MAX_CARDS_PER_RETRO)


def test_the_limit_over_a_whole_retro() -> None:
    world = new_world(phase=Phase.REFLECT)
    for index in range(MAX_CARDS_PER_RETRO):
        world.write(world.member if index % 2 else world.other)
    with pytest.raises(RetroCardLimit):
        world.write(world.facilitator)
    world.delete(next(iter(world.cards.values())), by=world.other)
    world.write(world.facilitator)
    assert len(world.cards) == MAX_CARDS_PER_RETRO


@pytest.mark.parametrize(
    ("raw", "body"),
    [
        ("x", "x"),
        ("  padded  ", "padded"),
        ("line one\nline two\r\n\tindented", "line one\nline two\r\n\tindented"),
        ("x" * 2000, "x" * 2000),
        (" " + "x" * 2000 + "\n", "x" * 2000),
        ("😀" * 2000, "😀" * 2000),  # counted in characters, not bytes
    ],
)
def test_card_bodies(raw: str, body: str) -> None:
    assert card_body(raw) == body


@pytest.mark.parametrize("raw", ["", "   \n\t ", "x" * 2001, "nul\x00", "bell\x07", "esc\x1b[31m"])
def test_refused_card_bodies(raw: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        card_body(raw)
    assert refused.value.field == "body"


def test_an_invalid_body_changes_nothing() -> None:
    world = new_world(phase=Phase.GROUP)
    card = world.write(world.member, "Kept")
    version = world.retro.version
    with pytest.raises(InvalidInput):
        edit_card(world.retro, card, by=world.member, body=" ", now=START)
    assert (card.body, world.retro.version) == ("Kept", version)


def test_deleting_a_grouped_card_closes_the_gap() -> None:
    world = new_world(phase=Phase.REFLECT)
    first, second, third = (world.write(world.member, str(i)) for i in range(3))
    world.go_to(Phase.GROUP)
    topic = world.topics[first.topic_id]
    world.move(second, topic)
    world.move(third, topic)
    removal = delete_card(
        world.retro, second, by=world.member, cards=world.cards.values(), now=world.tick()
    )
    assert removal.emptied_topic_id is None
    assert removal.moved == (third,)
    assert [(c.body, c.position) for c in (first, third)] == [("0", 0), ("2", 1)]
