"""Notes on topics and action items.

A note goes with its topic, its retro, and its author's account. An action item goes with
its retro, board or organization; it stays, without them, when its topic disappears or its
assignee's or creator's account is erased (``SET NULL``).

Revision ID: 0008
Revises: 0006
Create Date: 2026-11-30
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _uuid(name: str, *, nullable: bool = False) -> sa.Column[object]:
    return sa.Column(name, postgresql.UUID(as_uuid=True), nullable=nullable)


def _fk(table: str, column: str, target: str, ondelete: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column],
        [f"{target}.id"],
        name=op.f(f"fk_{table}_{column}_{target}"),
        ondelete=ondelete,
    )


def upgrade() -> None:
    op.create_table(
        "notes",
        _uuid("id"),
        _uuid("retro_id"),
        _uuid("topic_id"),
        _uuid("author_id"),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "char_length(body) BETWEEN 1 AND 2000", name=op.f("ck_notes_body_length")
        ),
        _fk("notes", "retro_id", "retros", "CASCADE"),
        _fk("notes", "topic_id", "topics", "CASCADE"),
        _fk("notes", "author_id", "users", "CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notes")),
    )
    for column in ("retro_id", "topic_id", "author_id"):
        op.create_index(op.f(f"ix_notes_{column}"), "notes", [column])

    op.create_table(
        "action_items",
        _uuid("id"),
        _uuid("organization_id"),
        _uuid("board_id"),
        _uuid("retro_id"),
        _uuid("topic_id", nullable=True),
        sa.Column("title", sa.Text(), nullable=False),
        _uuid("assignee_id", nullable=True),
        sa.Column("due_on", sa.Date(), nullable=True),
        sa.Column("done", sa.Boolean(), nullable=False),
        _uuid("created_by", nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("done_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "char_length(title) BETWEEN 1 AND 200", name=op.f("ck_action_items_title_length")
        ),
        _fk("action_items", "organization_id", "organizations", "CASCADE"),
        _fk("action_items", "board_id", "boards", "CASCADE"),
        _fk("action_items", "retro_id", "retros", "CASCADE"),
        _fk("action_items", "topic_id", "topics", "SET NULL"),
        _fk("action_items", "assignee_id", "users", "SET NULL"),
        _fk("action_items", "created_by", "users", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_action_items")),
    )
    op.create_index(op.f("ix_action_items_retro_id"), "action_items", ["retro_id"])
    op.create_index(op.f("ix_action_items_board_id_done"), "action_items", ["board_id", "done"])
    for column in ("organization_id", "topic_id", "assignee_id", "created_by"):
        op.create_index(op.f(f"ix_action_items_{column}"), "action_items", [column])


def downgrade() -> None:
    op.drop_table("action_items")
    op.drop_table("notes")
