"""Discussion notes: what was said about a topic. Any participant writes them in discuss;
their author edits and deletes them until the retro is closed. Everyone sees every note;
in an anonymous retro, as with cards, no one else learns who wrote one. Notes go with their
topic if it disappears (regrouping after going back).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from aluzio.domain.retros.errors import (
    NoteNotFound,
    NotNoteAuthor,
    RetroNoteLimit,
    TopicNotFound,
)
from aluzio.domain.retros.model import Phase, Retro, Topic, Viewer
from aluzio.domain.retros.text import body_text


@dataclass(eq=False)
class Note:
    id: UUID
    retro_id: UUID
    topic_id: UUID
    # Stored for the author's own use, never shown to others in an anonymous retro.
    author_id: UUID
    body: str
    created_at: datetime
    updated_at: datetime


MAX_NOTES_PER_RETRO = 1000
MAX_NOTE_LENGTH = 2000


def note_body(raw: str) -> str:
    """A note's text: the card rules (trimmed, 1 to 2000 characters, line breaks kept)."""
    return body_text(raw, limit=MAX_NOTE_LENGTH, field="body")


def add_note(
    retro: Retro,
    topic: Topic,
    *,
    author: Viewer,
    body: str,
    note_count: int,
    note_id: UUID,
    now: datetime,
) -> Note:
    """Any participant notes something about one of the retro's topics, in discuss.
    ``note_count``: the notes the retro holds, read under the retro's lock."""
    retro.check_phase({Phase.DISCUSS})
    if topic.retro_id != retro.id:
        raise TopicNotFound()
    text = note_body(body)
    if note_count >= MAX_NOTES_PER_RETRO:
        raise RetroNoteLimit(f"A retro holds at most {MAX_NOTES_PER_RETRO} notes.")
    retro.record_change(now)
    return Note(
        id=note_id,
        retro_id=retro.id,
        topic_id=topic.id,
        author_id=author.user_id,
        body=text,
        created_at=now,
        updated_at=now,
    )


def edit_note(retro: Retro, note: Note, *, by: Viewer, body: str, now: datetime) -> bool:
    """The author rewrites their note while the retro is open; answers whether the text
    changed."""
    _check_authorship(retro, note, by)
    text = note_body(body)
    if text == note.body:
        return False
    note.body = text
    note.updated_at = now
    retro.record_change(now)
    return True


def delete_note(retro: Retro, note: Note, *, by: Viewer, now: datetime) -> None:
    """The author deletes their note while the retro is open."""
    _check_authorship(retro, note, by)
    retro.record_change(now)


def _check_authorship(retro: Retro, note: Note, viewer: Viewer) -> None:
    retro.check_not_closed()
    if note.retro_id != retro.id:
        raise NoteNotFound()
    if note.author_id != viewer.user_id:
        raise NotNoteAuthor()
