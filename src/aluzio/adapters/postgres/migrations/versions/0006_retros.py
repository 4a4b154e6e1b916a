"""Retros: phase history, frozen sections, participants, topics and cards.

Deleting a board or an organization deletes its retros and everything in them. Erasing a
user erases their cards and participations; retros they facilitated, created or moved
through phases stay, without them (``SET NULL``), so an erasure is never blocked.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-29
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_PHASES = "('draft', 'reflect', 'group', 'vote', 'discuss', 'closed')"


def _uuid(name: str, *, nullable: bool = False) -> sa.Column[object]:
    return sa.Column(name, postgresql.UUID(as_uuid=True), nullable=nullable)


def _user_fk(table: str, column: str, ondelete: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], ["users.id"], name=op.f(f"fk_{table}_{column}_users"), ondelete=ondelete
    )


def _retro_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["retro_id"], ["retros.id"], name=op.f(f"fk_{table}_retro_id_retros"), ondelete="CASCADE"
    )


def upgrade() -> None:
    op.create_table(
        "retros",
        _uuid("id"),
        _uuid("board_id"),
        _uuid("organization_id"),
        sa.Column("title", sa.Text(), nullable=True),
        _uuid("facilitator_id", nullable=True),
        sa.Column("vote_budget", sa.Integer(), nullable=False),
        sa.Column("max_votes_per_topic", sa.Integer(), nullable=False),
        sa.Column("anonymous", sa.Boolean(), nullable=False),
        sa.Column("phase", sa.Text(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        _uuid("created_by", nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(f"phase IN {_PHASES}", name=op.f("ck_retros_phase")),
        sa.CheckConstraint("vote_budget BETWEEN 1 AND 20", name=op.f("ck_retros_vote_budget")),
        sa.CheckConstraint(
            "max_votes_per_topic BETWEEN 1 AND vote_budget",
            name=op.f("ck_retros_max_votes_per_topic"),
        ),
        sa.ForeignKeyConstraint(
            ["board_id"], ["boards.id"], name=op.f("fk_retros_board_id_boards"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_retros_organization_id_organizations"),
            ondelete="CASCADE",
        ),
        _user_fk("retros", "facilitator_id", "SET NULL"),
        _user_fk("retros", "created_by", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_retros")),
    )
    op.create_index(op.f("ix_retros_board_id_created_at"), "retros", ["board_id", "created_at"])
    op.create_index(op.f("ix_retros_organization_id"), "retros", ["organization_id"])
    op.create_index(op.f("ix_retros_facilitator_id"), "retros", ["facilitator_id"])
    op.create_index(op.f("ix_retros_created_by"), "retros", ["created_by"])

    op.create_table(
        "retro_phase_changes",
        sa.Column("seq", sa.Integer(), sa.Identity(always=True), nullable=False),
        _uuid("retro_id"),
        sa.Column("from_phase", sa.Text(), nullable=True),
        sa.Column("to_phase", sa.Text(), nullable=False),
        _uuid("changed_by", nullable=True),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        _retro_fk("retro_phase_changes"),
        _user_fk("retro_phase_changes", "changed_by", "SET NULL"),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_retro_phase_changes")),
    )
    op.create_index(
        op.f("ix_retro_phase_changes_retro_id_seq"), "retro_phase_changes", ["retro_id", "seq"]
    )
    op.create_index(
        op.f("ix_retro_phase_changes_changed_by"), "retro_phase_changes", ["changed_by"]
    )

    op.create_table(
        "retro_sections",
        _uuid("retro_id"),
        _uuid("id"),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("prompt", sa.Text(), nullable=True),
        sa.Column("color", sa.Text(), nullable=True),
        sa.Column("position", sa.Integer(), nullable=False),
        _retro_fk("retro_sections"),
        sa.PrimaryKeyConstraint("retro_id", "id", name=op.f("pk_retro_sections")),
    )

    op.create_table(
        "retro_participants",
        _uuid("retro_id"),
        _uuid("user_id"),
        sa.Column("joined_at", sa.DateTime(timezone=True), nullable=False),
        _retro_fk("retro_participants"),
        _user_fk("retro_participants", "user_id", "CASCADE"),
        sa.PrimaryKeyConstraint("retro_id", "user_id", name=op.f("pk_retro_participants")),
    )
    op.create_index(op.f("ix_retro_participants_user_id"), "retro_participants", ["user_id"])

    op.create_table(
        "topics",
        _uuid("id"),
        _uuid("retro_id"),
        sa.Column("title", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("char_length(title) <= 100", name=op.f("ck_topics_title_length")),
        _retro_fk("topics"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_topics")),
        sa.UniqueConstraint("retro_id", "id", name=op.f("uq_topics_retro_id_id")),
    )

    op.create_table(
        "cards",
        _uuid("id"),
        _uuid("retro_id"),
        _uuid("section_id"),
        _uuid("topic_id"),
        _uuid("author_id"),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "char_length(body) BETWEEN 1 AND 2000", name=op.f("ck_cards_body_length")
        ),
        _retro_fk("cards"),
        _user_fk("cards", "author_id", "CASCADE"),
        sa.ForeignKeyConstraint(
            ["retro_id", "section_id"],
            ["retro_sections.retro_id", "retro_sections.id"],
            name=op.f("fk_cards_retro_id_retro_sections"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["retro_id", "topic_id"],
            ["topics.retro_id", "topics.id"],
            name=op.f("fk_cards_retro_id_topics"),
            ondelete="CASCADE",
            deferrable=True,
            initially="DEFERRED",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cards")),
    )
    op.create_index(op.f("ix_cards_retro_id"), "cards", ["retro_id"])
    op.create_index(op.f("ix_cards_topic_id"), "cards", ["topic_id"])
    op.create_index(op.f("ix_cards_author_id"), "cards", ["author_id"])


def downgrade() -> None:
    op.drop_table("cards")
    op.drop_table("topics")
    op.drop_table("retro_participants")
    op.drop_table("retro_sections")
    op.drop_table("retro_phase_changes")
    op.drop_table("retros")
