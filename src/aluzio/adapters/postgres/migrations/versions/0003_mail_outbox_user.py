"""Mail outbox: the recipient's user id, so export and erasure reach a user's mail by id.

A message to an account's user (verification, reset, email change) records that user;
operator test messages have none. Deleting a user deletes the mail queued or kept for them.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-28
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("mail_outbox", sa.Column("user_id", postgresql.UUID(as_uuid=True)))
    op.create_foreign_key(
        "fk_mail_outbox_user_id_users",
        "mail_outbox",
        "users",
        ["user_id"],
        ["id"],
        ondelete="CASCADE",
    )
    op.create_index("ix_mail_outbox_user_id", "mail_outbox", ["user_id"])


def downgrade() -> None:
    op.drop_index("ix_mail_outbox_user_id", table_name="mail_outbox")
    op.drop_constraint("fk_mail_outbox_user_id_users", "mail_outbox", type_="foreignkey")
    op.drop_column("mail_outbox", "user_id")
