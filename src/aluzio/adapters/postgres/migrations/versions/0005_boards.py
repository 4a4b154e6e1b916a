"""Boards and their ordered sections.

Deleting an organization deletes its boards; deleting a board deletes its sections. Erasing
a user leaves the boards they created to their team, without a creator (``SET NULL``).

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-28
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The palette of domain/boards/model.py (SECTION_COLORS) when this revision was written.
_COLORS = "('gray', 'red', 'orange', 'yellow', 'green', 'teal', 'blue', 'indigo', 'purple', 'pink')"


def upgrade() -> None:
    op.create_table(
        "boards",
        sa.Column("id", postgresql.UUID(as_uuid=True), nullable=False),
        sa.Column("organization_id", postgresql.UUID(as_uuid=True), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("created_by", postgresql.UUID(as_uuid=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "char_length(name) BETWEEN 1 AND 100", name=op.f("ck_boards_name_length")
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_boards_organization_id_organizations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["created_by"],
            ["users.id"],
            name=op.f("fk_boards_created_by_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_boards")),
    )
    op.create_index(
        op.f("ix_boards_organization_id_created_at"), "boards", ["organization_id", "created_at"]
    )
    op.create_index(op.f("ix_boards_created_by"), "boards", ["created_by"])
    op.create_table(
        "board_sections",
        sa.Column("id", postgresql.UUID(as_uuid=True), nullable=False),
        sa.Column("board_id", postgresql.UUID(as_uuid=True), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("prompt", sa.Text(), nullable=True),
        sa.Column("color", sa.Text(), nullable=True),
        sa.CheckConstraint(
            "position BETWEEN 0 AND 11", name=op.f("ck_board_sections_position_range")
        ),
        sa.CheckConstraint(
            "char_length(title) BETWEEN 1 AND 60", name=op.f("ck_board_sections_title_length")
        ),
        sa.CheckConstraint(
            "char_length(prompt) <= 200", name=op.f("ck_board_sections_prompt_length")
        ),
        sa.CheckConstraint(f"color IN {_COLORS}", name=op.f("ck_board_sections_color")),
        sa.ForeignKeyConstraint(
            ["board_id"],
            ["boards.id"],
            name=op.f("fk_board_sections_board_id_boards"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_board_sections")),
        sa.UniqueConstraint(
            "board_id", "position", name=op.f("uq_board_sections_board_id_position")
        ),
    )


def downgrade() -> None:
    op.drop_table("board_sections")
    op.drop_index(op.f("ix_boards_created_by"), table_name="boards")
    op.drop_index(op.f("ix_boards_organization_id_created_at"), table_name="boards")
    op.drop_table("boards")
