"""The ports the account use cases need."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Protocol
from uuid import UUID

from aluzio.application.pagination import Page, Paged
from aluzio.application.ports.mail import MAIL_OUTBOX
from aluzio.application.ports.unit_of_work import FeatureWork, Repository, RepositoryKey
from aluzio.domain.accounts.sessions import LoginSession
from aluzio.domain.accounts.throttling import Throttle
from aluzio.domain.accounts.tokens import AccountToken, TokenPurpose
from aluzio.domain.accounts.user import User


class UserRepository(Protocol):
    async def add(self, data: User) -> User: ...

    async def find(self, user_id: UUID) -> User | None: ...

    async def find_by_email(self, email: str) -> User | None:
        """The user whose (normalised) email is ``email``."""
        ...


class SessionStore(Protocol):
    async def add(self, data: LoginSession) -> LoginSession: ...

    async def find_active(self, token_hash: str, now: datetime) -> LoginSession | None:
        """The session with this token hash, if it has not expired at ``now``."""
        ...

    async def find_active_with_user(
        self, token_hash: str, now: datetime
    ) -> tuple[LoginSession, User] | None:
        """:meth:`find_active` and the session's user, in one lookup (every request's)."""
        ...

    async def list_active(self, user_id: UUID, now: datetime) -> Sequence[LoginSession]:
        """The user's live sessions, newest first."""
        ...

    async def page_active(self, user_id: UUID, now: datetime, page: Page) -> Paged[LoginSession]:
        """One page of :meth:`list_active`, with the number of live sessions."""
        ...

    async def end(self, session_id: UUID) -> None: ...

    async def end_all(self, user_id: UUID, *, keep: UUID | None = None) -> None:
        """End every session of the user, except ``keep``; expired ones go too."""
        ...

    async def purge_expired(self, user_id: UUID, now: datetime) -> None:
        """Delete the user's sessions that expired before ``now``."""
        ...


class AccountTokenRepository(Protocol):
    async def add(self, data: AccountToken) -> AccountToken: ...

    async def peek(self, token_hash: str, purpose: TokenPurpose) -> AccountToken | None:
        """The token, left in place (to check it before slow work)."""
        ...

    async def take(self, token_hash: str, purpose: TokenPurpose) -> AccountToken | None:
        """Remove the token and return it (single use); None when there is no such token."""
        ...

    async def revoke(self, user_id: UUID, purpose: TokenPurpose) -> None:
        """Remove every outstanding token of this purpose for the user."""
        ...

    async def issue_to_email(
        self, email: str, *, id: UUID, purpose: TokenPurpose, token_hash: str, now: datetime
    ) -> None:
        """Store a token for the account whose email is ``email``, replacing its earlier
        tokens of this purpose; with no such account nothing is stored, by the same
        statements (the time taken does not tell whether the account exists)."""
        ...

    async def revoke_all(self, user_id: UUID) -> None:
        """Remove every outstanding token of the user, whatever its purpose."""
        ...


class ThrottleStore(Protocol):
    async def acquire(self, key: str, now: datetime) -> Throttle:
        """The throttle for ``key`` (new if none), locked against other writers until the
        unit of work ends."""
        ...

    async def purge_stale(self, before: datetime) -> None:
        """Delete throttles whose window started before ``before`` and that lock nothing."""
        ...

    async def clear(self, key_prefix: str) -> None:
        """Delete every throttle whose key starts with ``key_prefix``: its count and lock."""
        ...


USERS: RepositoryKey[UserRepository] = RepositoryKey("accounts.users")
SESSIONS: RepositoryKey[SessionStore] = RepositoryKey("accounts.sessions")
ACCOUNT_TOKENS: RepositoryKey[AccountTokenRepository] = RepositoryKey("accounts.tokens")
THROTTLES: RepositoryKey[ThrottleStore] = RepositoryKey("accounts.throttles")


class AccountsUnitOfWork(FeatureWork):
    """What the account use cases reach inside one transaction."""

    users = Repository(USERS)
    sessions = Repository(SESSIONS)
    account_tokens = Repository(ACCOUNT_TOKENS)
    throttles = Repository(THROTTLES)
    outbox = Repository(MAIL_OUTBOX)


class SessionLookup(Protocol):
    """Every signed-in request's read, made outside any unit of work: one statement with no
    transaction around it (see docs/architecture.md, D11). Entities it returns are not
    tracked; a change to them goes through a unit of work."""

    async def find_active_with_user(
        self, token_hash: str, now: datetime
    ) -> tuple[LoginSession, User] | None:
        """The live session with this token hash and its user, as committed."""
        ...


class PasswordHasher(Protocol):
    """A slow, salted password hash. Work runs off the event loop with bounded concurrency."""

    async def hash(self, password: str) -> str: ...

    async def verify(self, password_hash: str, password: str) -> bool: ...

    async def verify_dummy(self, password: str) -> None:
        """Spend the time of a verification when there is no user, so timing reveals nothing."""
        ...

    def needs_rehash(self, password_hash: str) -> bool: ...


class TokenGenerator(Protocol):
    def new_token(self) -> str:
        """A fresh URL-safe random token of at least 256 bits."""
        ...
