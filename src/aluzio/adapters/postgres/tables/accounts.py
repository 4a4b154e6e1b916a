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
    text,
)
from sqlalchemy.dialects.postgresql import UUID

from aluzio.adapters.postgres.mapping import metadata

TOKEN_PURPOSES = ("email-verification", "password-reset", "email-change", "deletion-cancel")

users = Table(
    "users",
    metadata,
    Column("id", UUID(as_uuid=True), primary_key=True),
    Column("name", Text, nullable=False),
    # Always the normal form (trimmed, lower case), so uniqueness ignores case.
    Column("email", Text, nullable=False, unique=True),
    # Argon2id PHC string; the password itself is never stored.
    Column("password_hash", Text, nullable=False),
    Column("adult_confirmed_at", DateTime(timezone=True), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("email_verified_at", DateTime(timezone=True), nullable=True),
    Column("last_login_at", DateTime(timezone=True), nullable=True),
    Column("last_active_at", DateTime(timezone=True), nullable=True),
    Column("accepted_policy_version", Text, nullable=True),
    # A requested deletion: sign-in is closed until it is cancelled or the purge runs.
    Column("deletion_requested_at", DateTime(timezone=True), nullable=True),
    Column("purge_after", DateTime(timezone=True), nullable=True),
    CheckConstraint("email = lower(btrim(email))", name="email_normalised"),
    CheckConstraint("char_length(name) BETWEEN 1 AND 100", name="name_length"),
    # The purge job looks for due accounts without a scan.
    Index("ix_users_purge_after", "purge_after", postgresql_where=text("purge_after IS NOT NULL")),
)

auth_sessions = Table(
    "auth_sessions",
    metadata,
    Column("id", UUID(as_uuid=True), primary_key=True),
    Column(
        "user_id", UUID(as_uuid=True), ForeignKey("users.id", ondelete="CASCADE"), nullable=False
    ),
    # SHA-256 of the cookie's token; the token itself is never stored.
    Column("token_hash", Text, nullable=False, unique=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("last_active_at", DateTime(timezone=True), nullable=False),
    Column("idle_expires_at", DateTime(timezone=True), nullable=False),
    Column("expires_at", DateTime(timezone=True), nullable=False),
    Column("user_agent", Text, nullable=False),
    Index(None, "user_id"),
)

account_tokens = Table(
    "account_tokens",
    metadata,
    Column("id", UUID(as_uuid=True), primary_key=True),
    Column(
        "user_id", UUID(as_uuid=True), ForeignKey("users.id", ondelete="CASCADE"), nullable=False
    ),
    Column("purpose", Text, nullable=False),
    Column("token_hash", Text, nullable=False, unique=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("expires_at", DateTime(timezone=True), nullable=False),
    Column("new_email", Text, nullable=True),
    CheckConstraint(f"purpose IN {TOKEN_PURPOSES!r}", name="purpose"),
    Index(None, "user_id", "purpose"),
)

auth_throttles = Table(
    "auth_throttles",
    metadata,
    # "<scope>:<HMAC of the email or address>": pseudonymous.
    Column("key", Text, primary_key=True),
    Column("attempts", Integer, nullable=False),
    Column("window_started_at", DateTime(timezone=True), nullable=False),
    Column("locked_until", DateTime(timezone=True), nullable=True),
    # Every successful sign-in purges throttles idle for a day: find them without a scan.
    Index(None, "window_started_at"),
)
