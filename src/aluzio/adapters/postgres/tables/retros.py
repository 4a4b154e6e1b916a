"""Retros and what is written in them: phase history, frozen sections, participants,
topics, cards and votes.

Deleting a board or an organization deletes its retros and everything in them. A card is
its author's data: erasing the author erases their cards (and their participation). A
retro does not belong to its facilitator or creator: erasing them leaves the retro, the
team's record, without one (``SET NULL``), so an erasure is never blocked.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    DateTime,
    ForeignKey,
    ForeignKeyConstraint,
    Identity,
    Index,
    Integer,
    Table,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.dialects.postgresql import UUID
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator

from aluzio.adapters.postgres.mapping import metadata
from aluzio.domain.retros.closing import CLOSABLE_WHEN_IDLE
from aluzio.domain.retros.model import Phase

PHASES = tuple(phase.value for phase in Phase)
MAX_CARD_BODY = 2000
IDLE_CLOSABLE = "phase IN ({})".format(
    ", ".join(f"'{p.value}'" for p in Phase if p in CLOSABLE_WHEN_IDLE)
)
MAX_TOPIC_TITLE = 100


class PhaseText(TypeDecorator[Phase]):
    """A phase stored as its name, read back as the domain's :class:`Phase`."""

    impl = Text
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> str | None:
        return None if value is None else Phase(value).value

    def process_result_value(self, value: Any, dialect: Dialect) -> Phase | None:
        return None if value is None else Phase(value)


def _user(name: str, *, erased: str) -> Column[Any]:
    return Column(
        name,
        UUID(as_uuid=True),
        ForeignKey("users.id", ondelete=erased),
        nullable=erased == "SET NULL",
    )


retros = Table(
    "retros",
    metadata,
    Column("id", UUID(as_uuid=True), primary_key=True),
    Column(
        "board_id", UUID(as_uuid=True), ForeignKey("boards.id", ondelete="CASCADE"), nullable=False
    ),
    Column(
        "organization_id",
        UUID(as_uuid=True),
        ForeignKey("organizations.id", ondelete="CASCADE"),
        nullable=False,
    ),
    Column("title", Text, nullable=True),
    _user("facilitator_id", erased="SET NULL"),
    Column("vote_budget", Integer, nullable=False),
    Column("max_votes_per_topic", Integer, nullable=False),
    Column("anonymous", Boolean, nullable=False),
    Column("phase", PhaseText, nullable=False),
    # Incremented by every change, in the change's transaction (real time detects gaps).
    Column("version", Integer, nullable=False),
    _user("created_by", erased="SET NULL"),
    Column("created_at", DateTime(timezone=True), nullable=False),
    # When ``version`` last moved (the retro's last change): idle retros are closed by it.
    Column("changed_at", DateTime(timezone=True), nullable=False),
    # The topic under discussion; a topic that disappears (emptied after going back to
    # group) leaves no cursor. ``use_alter``: topics refer to retros too.
    Column(
        "discussion_topic_id",
        UUID(as_uuid=True),
        ForeignKey("topics.id", ondelete="SET NULL", use_alter=True),
        nullable=True,
    ),
    # When the facilitator's countdown ends (server time).
    Column("timer_ends_at", DateTime(timezone=True), nullable=True),
    CheckConstraint(f"phase IN {PHASES!r}", name="phase"),
    CheckConstraint("vote_budget BETWEEN 1 AND 20", name="vote_budget"),
    CheckConstraint("max_votes_per_topic BETWEEN 1 AND vote_budget", name="max_votes_per_topic"),
    Index(None, "board_id", "created_at"),
    Index(None, "organization_id"),
    Index(None, "facilitator_id"),
    Index(None, "created_by"),
    Index(None, "discussion_topic_id"),
    # The idle-closing job's scan: started retros by their last change.
    Index("ix_retros_idle", "changed_at", postgresql_where=text(IDLE_CLOSABLE)),
)

# Who moved the retro from which phase to which, and when; ``seq`` orders the history.
retro_phase_changes = Table(
    "retro_phase_changes",
    metadata,
    Column("seq", Integer, Identity(always=True), primary_key=True),
    Column(
        "retro_id", UUID(as_uuid=True), ForeignKey("retros.id", ondelete="CASCADE"), nullable=False
    ),
    Column("from_phase", PhaseText, nullable=True),
    Column("to_phase", PhaseText, nullable=False),
    _user("changed_by", erased="SET NULL"),
    Column("changed_at", DateTime(timezone=True), nullable=False),
    Index(None, "retro_id", "seq"),
    Index(None, "changed_by"),
)

# The board's sections as they were when the retro started; ``id`` is the board section's.
retro_sections = Table(
    "retro_sections",
    metadata,
    Column(
        "retro_id",
        UUID(as_uuid=True),
        ForeignKey("retros.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("id", UUID(as_uuid=True), primary_key=True),
    Column("title", Text, nullable=False),
    Column("prompt", Text, nullable=True),
    Column("color", Text, nullable=True),
    Column("position", Integer, nullable=False),
)

retro_participants = Table(
    "retro_participants",
    metadata,
    Column(
        "retro_id",
        UUID(as_uuid=True),
        ForeignKey("retros.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column(
        "user_id", UUID(as_uuid=True), ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    ),
    Column("joined_at", DateTime(timezone=True), nullable=False),
    Index(None, "user_id"),
)

topics = Table(
    "topics",
    metadata,
    Column("id", UUID(as_uuid=True), primary_key=True),
    Column(
        "retro_id", UUID(as_uuid=True), ForeignKey("retros.id", ondelete="CASCADE"), nullable=False
    ),
    Column("title", Text, nullable=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    CheckConstraint(f"char_length(title) <= {MAX_TOPIC_TITLE}", name="title_length"),
    # The target of the cards' (retro, topic) key: a card's topic is in the card's retro.
    UniqueConstraint("retro_id", "id"),
)

cards = Table(
    "cards",
    metadata,
    Column("id", UUID(as_uuid=True), primary_key=True),
    Column(
        "retro_id", UUID(as_uuid=True), ForeignKey("retros.id", ondelete="CASCADE"), nullable=False
    ),
    Column("section_id", UUID(as_uuid=True), nullable=False),
    Column("topic_id", UUID(as_uuid=True), nullable=False),
    # Kept in anonymous retros too (editing, export, erasure); never shown to others there.
    _user("author_id", erased="CASCADE"),
    Column("body", Text, nullable=False),
    # The card's place in its topic.
    Column("position", Integer, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    CheckConstraint(f"char_length(body) BETWEEN 1 AND {MAX_CARD_BODY}", name="body_length"),
    ForeignKeyConstraint(
        ["retro_id", "section_id"],
        ["retro_sections.retro_id", "retro_sections.id"],
        ondelete="CASCADE",
    ),
    # Checked at commit: a move may create the card's new topic after pointing at it.
    ForeignKeyConstraint(
        ["retro_id", "topic_id"],
        ["topics.retro_id", "topics.id"],
        ondelete="CASCADE",
        deferrable=True,
        initially="DEFERRED",
    ),
    Index(None, "retro_id"),
    Index(None, "topic_id"),
    Index(None, "author_id"),
)

# One row per vote; a participant may put several on one topic. The budget and the cap are
# the domain's, decided under the retro's row lock. A vote is its voter's data: erasing
# them erases their votes; a topic that disappears takes its votes with it.
votes = Table(
    "votes",
    metadata,
    Column("id", UUID(as_uuid=True), primary_key=True),
    Column(
        "retro_id", UUID(as_uuid=True), ForeignKey("retros.id", ondelete="CASCADE"), nullable=False
    ),
    Column("topic_id", UUID(as_uuid=True), nullable=False),
    _user("voter_id", erased="CASCADE"),
    Column("cast_at", DateTime(timezone=True), nullable=False),
    # Checked at commit, as the cards' key: a vote's topic is in the vote's retro.
    ForeignKeyConstraint(
        ["retro_id", "topic_id"],
        ["topics.retro_id", "topics.id"],
        ondelete="CASCADE",
        deferrable=True,
        initially="DEFERRED",
    ),
    Index(None, "retro_id", "voter_id"),
    Index(None, "topic_id"),
    Index(None, "voter_id"),
)
