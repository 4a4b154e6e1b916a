"""Boards and their ordered sections.

Deleting an organization deletes its boards; deleting a board deletes its sections (and its
retros). Erasing a user leaves the boards they created to their team, without a creator.
"""

from __future__ import annotations

from sqlalchemy import (
    CheckConstraint,
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.dialects.postgresql import UUID

from aluzio.adapters.postgres.mapping import metadata
from aluzio.domain.boards.model import SECTION_COLORS

boards = Table(
    "boards",
    metadata,
    Column("id", UUID(as_uuid=True), primary_key=True),
    Column(
        "organization_id",
        UUID(as_uuid=True),
        ForeignKey("organizations.id", ondelete="CASCADE"),
        nullable=False,
    ),
    Column("name", Text, nullable=False),
    Column(
        "created_by", UUID(as_uuid=True), ForeignKey("users.id", ondelete="SET NULL"), nullable=True
    ),
    Column("created_at", DateTime(timezone=True), nullable=False),
    CheckConstraint("char_length(name) BETWEEN 1 AND 100", name="name_length"),
    Index(None, "organization_id", "created_at"),
    Index(None, "created_by"),
)

board_sections = Table(
    "board_sections",
    metadata,
    Column("id", UUID(as_uuid=True), primary_key=True),
    Column(
        "board_id", UUID(as_uuid=True), ForeignKey("boards.id", ondelete="CASCADE"), nullable=False
    ),
    Column("position", Integer, nullable=False),
    Column("title", Text, nullable=False),
    Column("prompt", Text, nullable=True),
    Column("color", Text, nullable=True),
    CheckConstraint("position BETWEEN 0 AND 11", name="position_range"),
    CheckConstraint("char_length(title) BETWEEN 1 AND 60", name="title_length"),
    CheckConstraint("char_length(prompt) <= 200", name="prompt_length"),
    CheckConstraint(f"color IN {SECTION_COLORS!r}", name="color"),
    UniqueConstraint("board_id", "position"),
)
