"""Discussion notes: written in discuss, changed by their author until the retro closes."""

from __future__ import annotations

from datetime import timedelta
from uuid import uuid4

import pytest

from aluzio.domain.errors import DomainError, InvalidInput
from aluzio.domain.retros.errors import (
    NoteNotFound,
    NotNoteAuthor,
    PhaseNotAllowed,
    RetroClosed,
    RetroNoteLimit,
    TopicNotFound,
)
from aluzio.domain.retros.model import Phase, Topic
from aluzio.domain.retros.notes import (
    MAX_NOTES_PER_RETRO,
    Note,
    add_note,
    delete_note,
    edit_note,
)
from tests.unit.retros.builders import START
from tests.unit.retros.deciding import deciding_world

KINDS = ["member", "other", "facilitator", "admin", "owner"]


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("phase", list(Phase))
def test_who_writes_a_note_in_which_phase(phase: Phase, kind: str) -> None:
    d = deciding_world(phase=Phase.DISCUSS)
    d.world.retro.phase = phase
    topic = d.topics()[0]
    version = d.world.retro.version
    author = getattr(d.world, kind)
    if phase is Phase.DISCUSS:
        note = d.note(author, topic, "  We agreed\non this  ")
        assert (note.retro_id, note.topic_id, note.author_id) == (
            d.world.retro.id, topic.id, author.user_id,
        )  # fmt: skip
        assert note.body == "We agreed\non this"
        assert note.created_at == note.updated_at
        assert d.world.retro.version == version + 1
    else:
        refusal = RetroClosed if phase is Phase.CLOSED else PhaseNotAllowed
        with pytest.raises(refusal):
            d.note(author, topic)
        assert d.world.retro.version == version


@pytest.mark.parametrize(
    ("body", "allowed"),
    [
        ("x", True),
        ("x" * 2000, True),
        ("é" * 2000, True),
        ("x" * 2001, False),
        ("", False),
        ("   \n ", False),
        ("tab\there", True),
        ("bell\x07", False),
    ],
)
def test_the_text_of_a_note(body: str, allowed: bool) -> None:
    d = deciding_world(phase=Phase.DISCUSS)
    if allowed:
        assert d.note(d.world.member, d.topics()[0], body).body == body.strip()
    else:
        with pytest.raises(InvalidInput) as refused:
            d.note(d.world.member, d.topics()[0], body)
        assert refused.value.field == "body"


def test_a_retro_holds_at_most_so_many_notes() -> None:
    d = deciding_world(phase=Phase.DISCUSS)

    def add(count: int) -> Note:
        return add_note(
            d.world.retro,
            d.topics()[0],
            author=d.world.member,
            body="x",
            note_count=count,
            note_id=uuid4(),
            now=START,
        )

    add(MAX_NOTES_PER_RETRO - 1)
    version = d.world.retro.version
    with pytest.raises(RetroNoteLimit, match=str(MAX_NOTES_PER_RETRO)):
        add(MAX_NOTES_PER_RETRO)
    assert d.world.retro.version == version


def test_only_on_a_topic_of_the_retro() -> None:
    d = deciding_world(phase=Phase.DISCUSS)
    with pytest.raises(TopicNotFound):
        d.note(d.world.member, Topic(uuid4(), uuid4(), None, START))


def _refusal(phase: Phase, kind: str) -> type[DomainError] | None:
    if phase is Phase.CLOSED:
        return RetroClosed
    return None if kind == "member" else NotNoteAuthor


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("phase", list(Phase))
def test_who_edits_a_note_in_which_phase(phase: Phase, kind: str) -> None:
    """The author, until the retro closes (a retro taken back to vote keeps its notes)."""
    d = deciding_world(phase=Phase.DISCUSS)
    note = d.note(d.world.member, d.topics()[0], "before")
    d.world.retro.phase = phase
    version = d.world.retro.version
    later = START + timedelta(days=1)
    refusal = _refusal(phase, kind)
    if refusal is None:
        assert edit_note(d.world.retro, note, by=getattr(d.world, kind), body=" after ", now=later)
        assert (note.body, note.updated_at) == ("after", later)
        assert d.world.retro.version == version + 1
    else:
        with pytest.raises(refusal):
            edit_note(d.world.retro, note, by=getattr(d.world, kind), body="after", now=later)
        assert note.body == "before"
        assert d.world.retro.version == version


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("phase", list(Phase))
def test_who_deletes_a_note_in_which_phase(phase: Phase, kind: str) -> None:
    d = deciding_world(phase=Phase.DISCUSS)
    note = d.note(d.world.member, d.topics()[0])
    d.world.retro.phase = phase
    version = d.world.retro.version
    refusal = _refusal(phase, kind)
    if refusal is None:
        delete_note(d.world.retro, note, by=getattr(d.world, kind), now=d.world.tick())
        assert d.world.retro.version == version + 1
    else:
        with pytest.raises(refusal):
            delete_note(d.world.retro, note, by=getattr(d.world, kind), now=d.world.tick())
        assert d.world.retro.version == version


def test_an_unchanged_text_is_no_change() -> None:
    d = deciding_world(phase=Phase.DISCUSS)
    note = d.note(d.world.member, d.topics()[0], "same")
    version, updated = d.world.retro.version, note.updated_at
    assert not edit_note(d.world.retro, note, by=d.world.member, body=" same ", now=START)
    assert (d.world.retro.version, note.updated_at) == (version, updated)


def test_an_edit_checks_the_text() -> None:
    d = deciding_world(phase=Phase.DISCUSS)
    note = d.note(d.world.member, d.topics()[0], "kept")
    with pytest.raises(InvalidInput):
        edit_note(d.world.retro, note, by=d.world.member, body=" ", now=START)
    assert note.body == "kept"


def test_a_note_of_another_retro_is_not_found() -> None:
    d = deciding_world(phase=Phase.DISCUSS)
    stranger = Note(uuid4(), uuid4(), uuid4(), d.world.member.user_id, "x", START, START)
    with pytest.raises(NoteNotFound):
        edit_note(d.world.retro, stranger, by=d.world.member, body="y", now=START)
    with pytest.raises(NoteNotFound):
        delete_note(d.world.retro, stranger, by=d.world.member, now=d.world.tick())
