"""Organizations, memberships and roles, invitations and join links, and the role rules."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from uuid import UUID

from aluzio.domain.accounts.tokens import token_digest
from aluzio.domain.errors import InvalidInput
from aluzio.domain.organizations.errors import (
    AdminRoleRequired,
    InvalidInvitation,
    OwnerRoleRequired,
    RoleRequired,
)

MAX_NAME_LENGTH = 100
MIN_SLUG_LENGTH = 3
MAX_SLUG_LENGTH = 40
SLUG_PATTERN = r"^[a-z0-9]+(-[a-z0-9]+)*$"
_SLUG = re.compile(SLUG_PATTERN)
# Slugs that are, or may become, paths of the app itself.
RESERVED_SLUGS = frozenset(
    {
        "about", "account", "admin", "api", "app", "auth", "billing", "dashboard", "docs",
        "help", "healthz", "invitations", "join", "login", "logout", "me", "new", "org",
        "orgs", "readyz", "register", "schema", "settings", "signup", "static", "support",
        "www",
    }
)  # fmt: skip
INVITATION_LIFETIME = timedelta(days=7)


class Role(StrEnum):
    MEMBER = "member"
    ADMIN = "admin"
    OWNER = "owner"

    @property
    def rank(self) -> int:
        return _RANKS[self]

    def at_least(self, other: Role) -> bool:
        return self.rank >= other.rank


_RANKS = {Role.MEMBER: 0, Role.ADMIN: 1, Role.OWNER: 2}


def role_required(role: Role) -> RoleRequired:
    """The 403 that names ``role``."""
    return OwnerRoleRequired() if role is Role.OWNER else AdminRoleRequired()


def require_role(held: Role, needed: Role) -> None:
    if not held.at_least(needed):
        raise role_required(needed)


def check_role_change(actor: Role, current: Role, new: Role) -> None:
    """Owners set any role; admins turn members into admins and back, never touch owners."""
    require_role(actor, Role.ADMIN)
    if Role.OWNER in (current, new):
        require_role(actor, Role.OWNER)


def check_removal(actor: Role, target: Role) -> None:
    """Admins remove members and admins; only owners remove owners."""
    require_role(actor, Role.ADMIN)
    if target is Role.OWNER:
        require_role(actor, Role.OWNER)


def check_invitation_role(actor: Role, invited: Role) -> None:
    """Admins and owners invite; only owners invite owners."""
    require_role(actor, Role.ADMIN)
    if invited is Role.OWNER:
        require_role(actor, Role.OWNER)


@dataclass(frozen=True, slots=True)
class OrganizationName:
    """1 to 100 characters after trimming, no control characters."""

    value: str

    def __post_init__(self) -> None:
        if self.value != self.value.strip() or not 1 <= len(self.value) <= MAX_NAME_LENGTH:
            raise InvalidInput(
                f"The name must be 1 to {MAX_NAME_LENGTH} characters long.", field="name"
            )
        if any(unicodedata.category(char) == "Cc" for char in self.value):
            raise InvalidInput("The name must not contain control characters.", field="name")

    @classmethod
    def parse(cls, raw: str) -> OrganizationName:
        return cls(raw.strip())


@dataclass(frozen=True, slots=True)
class Slug:
    """An organization's URL slug: lowercase ASCII letters, digits and single hyphens,
    3 to 40 characters, not reserved."""

    value: str

    def __post_init__(self) -> None:
        value = self.value
        if not MIN_SLUG_LENGTH <= len(value) <= MAX_SLUG_LENGTH or not _SLUG.match(value):
            raise InvalidInput(
                f"The slug must be {MIN_SLUG_LENGTH} to {MAX_SLUG_LENGTH} lowercase letters, "
                "digits and single hyphens, not starting or ending with a hyphen.",
                field="slug",
            )
        if value in RESERVED_SLUGS:
            raise InvalidInput("This slug is reserved.", field="slug")

    @classmethod
    def from_name(cls, name: str, random_suffix: str) -> Slug:
        """A slug for ``name``: accents transliterated, other characters become hyphens;
        a name with too few Latin letters or digits (emoji, other scripts) gets
        ``org-<random_suffix>``, as does a reserved word."""
        base = slug_base(name)
        if len(base) < MIN_SLUG_LENGTH or base in RESERVED_SLUGS:
            return cls(f"org-{random_suffix}")
        return cls(base)

    def with_suffix(self, suffix: str) -> Slug:
        """This slug with ``-<suffix>``, shortened to fit."""
        room = MAX_SLUG_LENGTH - len(suffix) - 1
        return Slug(f"{self.value[:room].rstrip('-')}-{suffix}")


# Latin letters that Unicode does not decompose into a base letter and an accent.
_LATIN_LETTERS = str.maketrans(
    {
        "ß": "ss",
        "æ": "ae",
        "ø": "o",
        "œ": "oe",
        "ð": "d",
        "þ": "th",
        "ł": "l",
        "đ": "d",
        "\u0131": "i",
    }
)


def slug_base(name: str) -> str:
    """``name`` in lowercase ASCII letters, digits and single hyphens (maybe too short)."""
    decomposed = unicodedata.normalize("NFKD", name.lower().translate(_LATIN_LETTERS))
    ascii_only = decomposed.encode("ascii", "ignore").decode().lower()
    hyphenated = re.sub(r"[^a-z0-9]+", "-", ascii_only).strip("-")
    return hyphenated[:MAX_SLUG_LENGTH].rstrip("-")


@dataclass(eq=False)
class Organization:
    id: UUID
    name: str
    slug: str
    created_at: datetime

    @classmethod
    def create(cls, *, id: UUID, name: OrganizationName, slug: Slug, now: datetime) -> Organization:
        return cls(id=id, name=name.value, slug=slug.value, created_at=now)


@dataclass(eq=False)
class Membership:
    organization_id: UUID
    user_id: UUID
    role: str
    joined_at: datetime

    @property
    def role_value(self) -> Role:
        return Role(self.role)


@dataclass(eq=False)
class Invitation:
    """An invitation by email; the raw token travels only in the link."""

    id: UUID
    organization_id: UUID
    email: str
    role: str
    token_hash: str
    invited_by: UUID | None
    created_at: datetime
    expires_at: datetime

    @classmethod
    def issue(
        cls,
        *,
        id: UUID,
        organization_id: UUID,
        email: str,
        role: Role,
        token: str,
        invited_by: UUID,
        now: datetime,
    ) -> Invitation:
        return cls(
            id=id,
            organization_id=organization_id,
            email=email,
            role=role.value,
            token_hash=token_digest(token),
            invited_by=invited_by,
            created_at=now,
            expires_at=now + INVITATION_LIFETIME,
        )

    def check_usable(self, now: datetime) -> None:
        if now >= self.expires_at:
            raise InvalidInvitation()


@dataclass(eq=False)
class JoinLink:
    """An organization's one join link; it grants ``member``."""

    organization_id: UUID
    token_hash: str
    created_by: UUID | None
    created_at: datetime
