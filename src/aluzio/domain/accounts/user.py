from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from aluzio.domain.accounts.email import EmailAddress
from aluzio.domain.accounts.errors import AccountDeletionPending, EmailNotVerified
from aluzio.domain.errors import InvalidInput

MAX_NAME_LENGTH = 100
# Control characters; format controls such as bidi overrides (U+202E) and zero-width
# characters, which can disguise a name; line and paragraph separators.
_REFUSED_CATEGORIES = frozenset({"Cc", "Cf", "Zl", "Zp"})
# Letters and symbols that draw nothing (Hangul fillers, the blank Braille pattern).
_BLANK_CHARACTERS = frozenset("\u115f\u1160\u3164\uffa0\u2800")


@dataclass(frozen=True, slots=True)
class UserName:
    """A display name: 1 to 100 characters after trimming, at least one of them visible,
    and no control, format-control (bidi override, zero-width) or line-separator character."""

    value: str

    def __post_init__(self) -> None:
        if self.value != self.value.strip() or not 1 <= len(self.value) <= MAX_NAME_LENGTH:
            raise InvalidInput(
                f"The name must be 1 to {MAX_NAME_LENGTH} characters long.", field="name"
            )
        if any(unicodedata.category(char) in _REFUSED_CATEGORIES for char in self.value):
            raise InvalidInput(
                "The name must not contain control, invisible formatting or line-break characters.",
                field="name",
            )
        if not any(_is_visible(char) for char in self.value):
            raise InvalidInput("The name must contain a visible character.", field="name")

    @classmethod
    def parse(cls, raw: str) -> UserName:
        return cls(raw.strip())


def _is_visible(char: str) -> bool:
    """Letters, digits, punctuation and symbols draw something; spaces and lone combining
    marks do not."""
    return unicodedata.category(char)[0] in "LNPS" and char not in _BLANK_CHARACTERS


@dataclass(eq=False)
class User:
    """Someone with an account. ``email`` is always in normal form (see EmailAddress)."""

    id: UUID
    name: str
    email: str
    password_hash: str
    adult_confirmed_at: datetime
    created_at: datetime
    email_verified_at: datetime | None = None
    last_login_at: datetime | None = None
    last_active_at: datetime | None = None
    # The privacy policy version the user accepted when registering.
    accepted_policy_version: str | None = None
    # Set while a deletion the user asked for waits out its grace period.
    deletion_requested_at: datetime | None = None
    purge_after: datetime | None = None

    @classmethod
    def register(
        cls,
        *,
        id: UUID,
        name: UserName,
        email: EmailAddress,
        password_hash: str,
        now: datetime,
        policy_version: str | None = None,
    ) -> User:
        return cls(
            id=id,
            name=name.value,
            email=email.value,
            password_hash=password_hash,
            adult_confirmed_at=now,
            created_at=now,
            last_login_at=now,  # registering signs in
            accepted_policy_version=policy_version,
        )

    @property
    def email_verified(self) -> bool:
        return self.email_verified_at is not None

    def require_verified_email(self) -> None:
        """The reusable check for actions that need a verified address."""
        if not self.email_verified:
            raise EmailNotVerified()

    def mark_email_verified(self, now: datetime) -> None:
        if self.email_verified_at is None:
            self.email_verified_at = now

    def rename(self, name: UserName) -> None:
        self.name = name.value

    def change_email(self, email: EmailAddress, now: datetime) -> None:
        """The new address was confirmed through a link sent to it, so it is verified."""
        self.email = email.value
        self.email_verified_at = now

    @property
    def deletion_pending(self) -> bool:
        return self.purge_after is not None

    def require_no_pending_deletion(self) -> None:
        """Sign-in is closed while the account waits to be erased."""
        if self.deletion_pending:
            raise AccountDeletionPending()

    def request_deletion(self, now: datetime, purge_after: datetime) -> None:
        self.deletion_requested_at = now
        self.purge_after = purge_after

    def cancel_deletion(self) -> None:
        self.deletion_requested_at = None
        self.purge_after = None
