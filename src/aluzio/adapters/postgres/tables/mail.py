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
    func,
    text,
)
from sqlalchemy.dialects.postgresql import UUID

from aluzio.adapters.postgres.mapping import metadata

MAIL_STATES = ("pending", "sending", "sent", "failed")

mail_outbox = Table(
    "mail_outbox",
    metadata,
    Column("id", UUID(as_uuid=True), primary_key=True, server_default=text("gen_random_uuid()")),
    Column("category", Text, nullable=False),
    # Whose mail this is, when it is a user's: export and erasure find it by id. Deleting
    # the user deletes it (the row holds their address and what was sent to them).
    Column(
        "user_id",
        UUID(as_uuid=True),
        ForeignKey("users.id", ondelete="CASCADE"),
        nullable=True,
        index=True,
    ),
    # The personal part: emptied once the message is delivered and the retention has passed.
    Column("recipient", Text, nullable=True),
    Column("subject", Text, nullable=True),
    Column("text_body", Text, nullable=True),
    Column("html_body", Text, nullable=True),
    Column("state", Text, nullable=False, server_default="pending"),
    Column("attempts", Integer, nullable=False, server_default="0"),
    Column("available_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("locked_until", DateTime(timezone=True), nullable=True),
    Column("last_error", Text, nullable=True),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("sent_at", DateTime(timezone=True), nullable=True),
    Column("failed_at", DateTime(timezone=True), nullable=True),
    CheckConstraint(f"state IN {MAIL_STATES!r}", name="state"),
    Index(None, "state", "available_at"),
)
