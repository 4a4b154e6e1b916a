"""In-memory account repositories: the same contract as :mod:`..postgres.accounts`."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from uuid import UUID

from aluzio.adapters.memory.unit_of_work import MemoryRepositories, MemoryScope
from aluzio.application.accounts.ports import ACCOUNT_TOKENS, SESSIONS, THROTTLES, USERS
from aluzio.application.pagination import Page, Paged
from aluzio.domain.accounts.errors import EmailTaken
from aluzio.domain.accounts.sessions import LoginSession
from aluzio.domain.accounts.throttling import Throttle
from aluzio.domain.accounts.tokens import LIFETIMES, AccountToken, TokenPurpose
from aluzio.domain.accounts.user import User
from aluzio.domain.errors import Conflict, NotFound


class InMemoryUserRepository:
    def __init__(self, scope: MemoryScope) -> None:
        self._users: dict[UUID, User] = scope.state.table("users")

    async def add(self, data: User) -> User:
        if data.id in self._users:
            raise Conflict()
        if any(user.email == data.email for user in self._users.values()):
            raise EmailTaken()
        self._users[data.id] = data
        return data

    async def find(self, user_id: UUID) -> User | None:
        return self._users.get(user_id)

    async def find_by_email(self, email: str) -> User | None:
        return next((user for user in self._users.values() if user.email == email), None)


class InMemorySessionStore:
    def __init__(self, scope: MemoryScope) -> None:
        self._sessions: dict[UUID, LoginSession] = scope.state.table("auth_sessions")
        self._users: dict[UUID, User] = scope.state.table("users")

    async def add(self, data: LoginSession) -> LoginSession:
        if data.user_id not in self._users:
            raise NotFound("A record this change refers to does not exist.")
        if data.id in self._sessions or any(
            s.token_hash == data.token_hash for s in self._sessions.values()
        ):
            raise Conflict()
        self._sessions[data.id] = data
        return data

    async def find_active(self, token_hash: str, now: datetime) -> LoginSession | None:
        return next(
            (s for s in self._sessions.values() if s.token_hash == token_hash and _live(s, now)),
            None,
        )

    async def find_active_with_user(
        self, token_hash: str, now: datetime
    ) -> tuple[LoginSession, User] | None:
        session = await self.find_active(token_hash, now)
        user = None if session is None else self._users.get(session.user_id)
        return None if session is None or user is None else (session, user)

    async def list_active(self, user_id: UUID, now: datetime) -> Sequence[LoginSession]:
        found = [s for s in self._sessions.values() if s.user_id == user_id and _live(s, now)]
        return sorted(found, key=lambda s: s.created_at, reverse=True)

    async def page_active(self, user_id: UUID, now: datetime, page: Page) -> Paged[LoginSession]:
        found = await self.list_active(user_id, now)
        return Paged(items=found[page.offset : page.offset + page.limit], total=len(found))

    async def end(self, session_id: UUID) -> None:
        self._sessions.pop(session_id, None)

    async def end_all(self, user_id: UUID, *, keep: UUID | None = None) -> None:
        for session in list(self._sessions.values()):
            if session.user_id == user_id and session.id != keep:
                del self._sessions[session.id]

    async def purge_expired(self, user_id: UUID, now: datetime) -> None:
        for session in list(self._sessions.values()):
            if session.user_id == user_id and not _live(session, now):
                del self._sessions[session.id]


def _live(session: LoginSession, now: datetime) -> bool:
    return session.idle_expires_at > now and session.expires_at > now


class InMemoryAccountTokenRepository:
    def __init__(self, scope: MemoryScope) -> None:
        self._tokens: dict[UUID, AccountToken] = scope.state.table("account_tokens")
        self._users: dict[UUID, User] = scope.state.table("users")

    async def add(self, data: AccountToken) -> AccountToken:
        if data.user_id not in self._users:
            raise NotFound("A record this change refers to does not exist.")
        if data.id in self._tokens or any(
            t.token_hash == data.token_hash for t in self._tokens.values()
        ):
            raise Conflict()
        self._tokens[data.id] = data
        return data

    async def peek(self, token_hash: str, purpose: TokenPurpose) -> AccountToken | None:
        return next(
            (
                t
                for t in self._tokens.values()
                if t.token_hash == token_hash and t.purpose == purpose.value
            ),
            None,
        )

    async def take(self, token_hash: str, purpose: TokenPurpose) -> AccountToken | None:
        token = await self.peek(token_hash, purpose)
        if token is not None:
            del self._tokens[token.id]
        return token

    async def revoke(self, user_id: UUID, purpose: TokenPurpose) -> None:
        for token in list(self._tokens.values()):
            if token.user_id == user_id and token.purpose == purpose.value:
                del self._tokens[token.id]

    async def issue_to_email(
        self, email: str, *, id: UUID, purpose: TokenPurpose, token_hash: str, now: datetime
    ) -> None:
        owner = next((user for user in self._users.values() if user.email == email), None)
        if owner is None:
            return
        await self.revoke(owner.id, purpose)
        await self.add(
            AccountToken(
                id=id,
                user_id=owner.id,
                purpose=purpose.value,
                token_hash=token_hash,
                created_at=now,
                expires_at=now + LIFETIMES[purpose],
            )
        )

    async def revoke_all(self, user_id: UUID) -> None:
        for token in list(self._tokens.values()):
            if token.user_id == user_id:
                del self._tokens[token.id]


class InMemoryThrottleStore:
    def __init__(self, scope: MemoryScope) -> None:
        self._throttles: dict[str, Throttle] = scope.state.table("auth_throttles")

    async def acquire(self, key: str, now: datetime) -> Throttle:
        if key not in self._throttles:
            self._throttles[key] = Throttle(key=key, attempts=0, window_started_at=now)
        return self._throttles[key]

    async def purge_stale(self, before: datetime) -> None:
        for throttle in list(self._throttles.values()):
            unlocked = throttle.locked_until is None or throttle.locked_until < before
            if throttle.window_started_at < before and unlocked:
                del self._throttles[throttle.key]

    async def clear(self, key_prefix: str) -> None:
        for key in [key for key in self._throttles if key.startswith(key_prefix)]:
            del self._throttles[key]


def register_memory_accounts(repositories: MemoryRepositories) -> None:
    repositories.register(USERS, InMemoryUserRepository)
    repositories.register(SESSIONS, InMemorySessionStore)
    repositories.register(ACCOUNT_TOKENS, InMemoryAccountTokenRepository)
    repositories.register(THROTTLES, InMemoryThrottleStore)
