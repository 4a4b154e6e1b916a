from __future__ import annotations

from sqlalchemy import Column, DateTime, ForeignKey, Table, Text
from sqlalchemy.dialects.postgresql import UUID

from aluzio.adapters.postgres.mapping import metadata

# One row per user and policy version whose change notice was queued for them: the notice
# command skips these, so a run that is interrupted and started again sends no duplicate.
policy_notices = Table(
    "policy_notices",
    metadata,
    Column(
        "user_id",
        UUID(as_uuid=True),
        ForeignKey("users.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("version", Text, primary_key=True),
    Column("sent_at", DateTime(timezone=True), nullable=False),
)
