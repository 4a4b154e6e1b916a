"""Votes, the discussion cursor and the facilitator's timer.

A vote is its voter's data (erasing them erases their votes); a topic that disappears takes
its votes with it, and a cursor pointing at it is cleared (``SET NULL``).

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-28
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _uuid(name: str, *, nullable: bool = False) -> sa.Column[object]:
    return sa.Column(name, postgresql.UUID(as_uuid=True), nullable=nullable)


def upgrade() -> None:
    op.add_column("retros", _uuid("discussion_topic_id", nullable=True))
    op.add_column("retros", sa.Column("timer_ends_at", sa.DateTime(timezone=True), nullable=True))
    op.create_foreign_key(
        op.f("fk_retros_discussion_topic_id_topics"),
        "retros",
        "topics",
        ["discussion_topic_id"],
        ["id"],
        ondelete="SET NULL",
    )
    op.create_index(op.f("ix_retros_discussion_topic_id"), "retros", ["discussion_topic_id"])

    op.create_table(
        "votes",
        _uuid("id"),
        _uuid("retro_id"),
        _uuid("topic_id"),
        _uuid("voter_id"),
        sa.Column("cast_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["retro_id"], ["retros.id"], name=op.f("fk_votes_retro_id_retros"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["voter_id"], ["users.id"], name=op.f("fk_votes_voter_id_users"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["retro_id", "topic_id"],
            ["topics.retro_id", "topics.id"],
            name=op.f("fk_votes_retro_id_topics"),
            ondelete="CASCADE",
            deferrable=True,
            initially="DEFERRED",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_votes")),
    )
    op.create_index(op.f("ix_votes_retro_id_voter_id"), "votes", ["retro_id", "voter_id"])
    op.create_index(op.f("ix_votes_topic_id"), "votes", ["topic_id"])
    op.create_index(op.f("ix_votes_voter_id"), "votes", ["voter_id"])


def downgrade() -> None:
    op.drop_table("votes")
    op.drop_index(op.f("ix_retros_discussion_topic_id"), table_name="retros")
    op.drop_constraint(op.f("fk_retros_discussion_topic_id_topics"), "retros", type_="foreignkey")
    op.drop_column("retros", "timer_ends_at")
    op.drop_column("retros", "discussion_topic_id")
