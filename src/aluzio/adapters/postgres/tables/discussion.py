"""What a retro's discussion produces: notes on topics and action items.

A note is its author's data: erasing the author erases their notes. An action item stays
when its assignee is erased or its topic disappears (``SET NULL``) and goes with its retro,
board or organization; the purge deletes the items a person created before their row goes
(``adapters/postgres/privacy.py``), so ``SET NULL`` on the creator is only a safety net.
"""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Table,
    Text,
)
from sqlalchemy.dialects.postgresql import UUID

from aluzio.adapters.postgres.mapping import metadata
from aluzio.domain.retros.action_items import MAX_ACTION_ITEM_TITLE_LENGTH
from aluzio.domain.retros.notes import MAX_NOTE_LENGTH


def _fk(name: str, target: str, *, ondelete: str, nullable: bool = False) -> Column[object]:
    return Column(
        name, UUID(as_uuid=True), ForeignKey(target, ondelete=ondelete), nullable=nullable
    )


notes = Table(
    "notes",
    metadata,
    Column("id", UUID(as_uuid=True), primary_key=True),
    _fk("retro_id", "retros.id", ondelete="CASCADE"),
    _fk("topic_id", "topics.id", ondelete="CASCADE"),
    # Kept in anonymous retros too (editing, erasure); never shown to others there.
    _fk("author_id", "users.id", ondelete="CASCADE"),
    Column("body", Text, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    CheckConstraint(f"char_length(body) BETWEEN 1 AND {MAX_NOTE_LENGTH}", name="body_length"),
    Index(None, "retro_id"),
    Index(None, "topic_id"),
    Index(None, "author_id"),
)

action_items = Table(
    "action_items",
    metadata,
    Column("id", UUID(as_uuid=True), primary_key=True),
    _fk("organization_id", "organizations.id", ondelete="CASCADE"),
    _fk("board_id", "boards.id", ondelete="CASCADE"),
    _fk("retro_id", "retros.id", ondelete="CASCADE"),
    _fk("topic_id", "topics.id", ondelete="SET NULL", nullable=True),
    Column("title", Text, nullable=False),
    _fk("assignee_id", "users.id", ondelete="SET NULL", nullable=True),
    Column("due_on", Date, nullable=True),
    Column("done", Boolean, nullable=False),
    _fk("created_by", "users.id", ondelete="SET NULL", nullable=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    Column("done_at", DateTime(timezone=True), nullable=True),
    CheckConstraint(
        f"char_length(title) BETWEEN 1 AND {MAX_ACTION_ITEM_TITLE_LENGTH}", name="title_length"
    ),
    Index(None, "retro_id"),
    # A board's list and a new retro's carried-over items: the board's, open or done.
    Index(None, "board_id", "done"),
    Index(None, "organization_id"),
    Index(None, "topic_id"),
    Index(None, "assignee_id"),
    Index(None, "created_by"),
)
