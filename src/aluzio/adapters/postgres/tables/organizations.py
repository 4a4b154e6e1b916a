from __future__ import annotations

from sqlalchemy import CheckConstraint, Column, DateTime, ForeignKey, Index, Table, Text
from sqlalchemy.dialects.postgresql import UUID

from aluzio.adapters.postgres.mapping import metadata

ROLES = ("owner", "admin", "member")

organizations = Table(
    "organizations",
    metadata,
    Column("id", UUID(as_uuid=True), primary_key=True),
    Column("name", Text, nullable=False),
    Column("slug", Text, nullable=False, unique=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    CheckConstraint("char_length(name) BETWEEN 1 AND 100", name="name_length"),
    CheckConstraint(
        "slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$' AND char_length(slug) BETWEEN 3 AND 40",
        name="slug_shape",
    ),
)

# Deleting an organization deletes everything in it; deleting a user deletes their
# memberships (and the invitations and links they created lose their author).
org_memberships = Table(
    "org_memberships",
    metadata,
    Column(
        "organization_id",
        UUID(as_uuid=True),
        ForeignKey("organizations.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column(
        "user_id",
        UUID(as_uuid=True),
        ForeignKey("users.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("role", Text, nullable=False),
    Column("joined_at", DateTime(timezone=True), nullable=False),
    CheckConstraint(f"role IN {ROLES!r}", name="role"),
    Index(None, "user_id"),
)

org_invitations = Table(
    "org_invitations",
    metadata,
    Column("id", UUID(as_uuid=True), primary_key=True),
    Column(
        "organization_id",
        UUID(as_uuid=True),
        ForeignKey("organizations.id", ondelete="CASCADE"),
        nullable=False,
    ),
    # The invited address, in normal form (personal data of someone who may have no account).
    Column("email", Text, nullable=False),
    Column("role", Text, nullable=False),
    # SHA-256 of the link's token; the token itself is never stored.
    Column("token_hash", Text, nullable=False, unique=True),
    Column(
        "invited_by", UUID(as_uuid=True), ForeignKey("users.id", ondelete="SET NULL"), nullable=True
    ),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("expires_at", DateTime(timezone=True), nullable=False),
    CheckConstraint(f"role IN {ROLES!r}", name="role"),
    Index(None, "organization_id", "email", unique=True),
    Index(None, "email"),
)

org_join_links = Table(
    "org_join_links",
    metadata,
    Column(
        "organization_id",
        UUID(as_uuid=True),
        ForeignKey("organizations.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("token_hash", Text, nullable=False, unique=True),
    Column(
        "created_by", UUID(as_uuid=True), ForeignKey("users.id", ondelete="SET NULL"), nullable=True
    ),
    Column("created_at", DateTime(timezone=True), nullable=False),
)
