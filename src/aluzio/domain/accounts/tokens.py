"""Single-use tokens sent by email (verification, password reset, email change).

The raw token travels only in the link; the database keeps its SHA-256.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from uuid import UUID

from aluzio.domain.accounts.errors import InvalidToken

TOKEN_BYTES = 32  # 256 bits of randomness, for links and for sessions alike


class TokenPurpose(StrEnum):
    EMAIL_VERIFICATION = "email-verification"
    PASSWORD_RESET = "password-reset"  # noqa: S105  (a name, not a secret)
    EMAIL_CHANGE = "email-change"
    DELETION_CANCEL = "deletion-cancel"


LIFETIMES: dict[TokenPurpose, timedelta] = {
    TokenPurpose.EMAIL_VERIFICATION: timedelta(hours=48),
    TokenPurpose.PASSWORD_RESET: timedelta(minutes=30),
    TokenPurpose.EMAIL_CHANGE: timedelta(hours=48),
    # Issued with the purge time as its expiry; this is only the longest it can live.
    TokenPurpose.DELETION_CANCEL: timedelta(days=30),
}


def token_digest(token: str) -> str:
    """What is stored for a token: its SHA-256, hex encoded."""
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(eq=False)
class AccountToken:
    id: UUID
    user_id: UUID
    purpose: str
    token_hash: str
    created_at: datetime
    expires_at: datetime
    new_email: str | None = None

    @classmethod
    def issue(
        cls,
        *,
        id: UUID,
        user_id: UUID,
        purpose: TokenPurpose,
        token: str,
        now: datetime,
        new_email: str | None = None,
        expires_at: datetime | None = None,
    ) -> AccountToken:
        """``expires_at`` shortens the purpose's lifetime (never lengthens it)."""
        longest = now + LIFETIMES[purpose]
        return cls(
            id=id,
            user_id=user_id,
            purpose=purpose.value,
            token_hash=token_digest(token),
            created_at=now,
            expires_at=longest if expires_at is None else min(expires_at, longest),
            new_email=new_email,
        )

    def check_usable(self, now: datetime) -> None:
        if now >= self.expires_at:
            raise InvalidToken()
