"""Privacy: account deletion with a grace period, the accepted policy version, and the
record of policy-change notices sent.

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-28
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_PURPOSES = "purpose IN ('email-verification', 'password-reset', 'email-change'{extra})"


def upgrade() -> None:
    op.add_column("users", sa.Column("accepted_policy_version", sa.Text(), nullable=True))
    op.add_column(
        "users", sa.Column("deletion_requested_at", sa.DateTime(timezone=True), nullable=True)
    )
    op.add_column("users", sa.Column("purge_after", sa.DateTime(timezone=True), nullable=True))
    op.create_index(
        "ix_users_purge_after",
        "users",
        ["purge_after"],
        postgresql_where=sa.text("purge_after IS NOT NULL"),
    )
    op.drop_constraint(op.f("ck_account_tokens_purpose"), "account_tokens", type_="check")
    op.create_check_constraint(
        op.f("ck_account_tokens_purpose"),
        "account_tokens",
        _PURPOSES.format(extra=", 'deletion-cancel'"),
    )
    op.create_table(
        "policy_notices",
        sa.Column("user_id", postgresql.UUID(as_uuid=True), nullable=False),
        sa.Column("version", sa.Text(), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_policy_notices_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("user_id", "version", name=op.f("pk_policy_notices")),
    )


def downgrade() -> None:
    op.drop_table("policy_notices")
    op.execute("DELETE FROM account_tokens WHERE purpose = 'deletion-cancel'")
    op.drop_constraint(op.f("ck_account_tokens_purpose"), "account_tokens", type_="check")
    op.create_check_constraint(
        op.f("ck_account_tokens_purpose"), "account_tokens", _PURPOSES.format(extra="")
    )
    op.drop_index("ix_users_purge_after", table_name="users")
    op.drop_column("users", "purge_after")
    op.drop_column("users", "deletion_requested_at")
    op.drop_column("users", "accepted_policy_version")
