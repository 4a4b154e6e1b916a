"""Retros: when each last changed (``changed_at``, stamped with every version bump), for
the job that closes idle retros.

Existing retros start from the latest time anything in them records.

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-28
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_LAST_CHANGE = """
UPDATE retros r SET changed_at = GREATEST(
    r.created_at,
    (SELECT max(changed_at) FROM retro_phase_changes WHERE retro_id = r.id),
    (SELECT max(joined_at) FROM retro_participants WHERE retro_id = r.id),
    (SELECT max(updated_at) FROM cards WHERE retro_id = r.id),
    (SELECT max(cast_at) FROM votes WHERE retro_id = r.id),
    (SELECT max(updated_at) FROM notes WHERE retro_id = r.id),
    (SELECT max(updated_at) FROM action_items WHERE retro_id = r.id)
)
"""


def upgrade() -> None:
    op.add_column("retros", sa.Column("changed_at", sa.DateTime(timezone=True), nullable=True))
    op.execute(_LAST_CHANGE)
    op.alter_column("retros", "changed_at", nullable=False)
    op.create_index(
        "ix_retros_idle",
        "retros",
        ["changed_at"],
        postgresql_where=sa.text("phase IN ('reflect', 'group', 'vote', 'discuss')"),
    )


def downgrade() -> None:
    op.drop_index("ix_retros_idle", table_name="retros")
    op.drop_column("retros", "changed_at")
