"""Postgres repositories for accounts.

The domain's dataclasses stay free of SQLAlchemy. Each is mapped through a *record*: an
adapter-side subclass with no fields of its own, mapped imperatively onto its table, that
declares the ``__table__``/``__mapper__`` class attributes advanced-alchemy's model protocol
asks for, so its repositories type-check without escapes. A record *is* the domain object
(the use cases change it in place and the session writes the change on commit); a new
entity is copied into its record when it is added. See docs/architecture.md.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, ClassVar, TypeVar
from uuid import UUID

from advanced_alchemy.filters import LimitOffset, OrderBy
from advanced_alchemy.repository import SQLAlchemyAsyncRepository
from sqlalchemy import FromClause, delete, literal, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession
from sqlalchemy.orm import Mapper, registry

from aluzio.adapters.postgres.driver import adopt, fetch_pooled_row, fetch_row
from aluzio.adapters.postgres.faults import is_unavailable
from aluzio.adapters.postgres.records import as_record
from aluzio.adapters.postgres.tables.accounts import (
    account_tokens,
    auth_sessions,
    auth_throttles,
    users,
)
from aluzio.adapters.postgres.unit_of_work import PostgresRepositories, SessionScope
from aluzio.application.accounts.ports import ACCOUNT_TOKENS, SESSIONS, THROTTLES, USERS
from aluzio.application.pagination import Page, Paged
from aluzio.application.ports.unit_of_work import DatabaseUnavailable
from aluzio.domain.accounts.sessions import LoginSession
from aluzio.domain.accounts.throttling import Throttle
from aluzio.domain.accounts.tokens import LIFETIMES, AccountToken, TokenPurpose
from aluzio.domain.accounts.user import User


class UserRecord(User):
    """A :class:`User` as stored in ``users``."""

    __table__: ClassVar[FromClause]
    __mapper__: ClassVar[Mapper[Any]]


class LoginSessionRecord(LoginSession):
    __table__: ClassVar[FromClause]
    __mapper__: ClassVar[Mapper[Any]]


class AccountTokenRecord(AccountToken):
    __table__: ClassVar[FromClause]
    __mapper__: ClassVar[Mapper[Any]]


class ThrottleRecord(Throttle):
    __table__: ClassVar[FromClause]
    __mapper__: ClassVar[Mapper[Any]]


def map_accounts(mappers: registry) -> None:
    mappers.map_imperatively(UserRecord, users)
    mappers.map_imperatively(LoginSessionRecord, auth_sessions)
    mappers.map_imperatively(AccountTokenRecord, account_tokens)
    mappers.map_imperatively(ThrottleRecord, auth_throttles)


class _Users(SQLAlchemyAsyncRepository[UserRecord]):
    model_type = UserRecord


class _Sessions(SQLAlchemyAsyncRepository[LoginSessionRecord]):
    model_type = LoginSessionRecord


class _Tokens(SQLAlchemyAsyncRepository[AccountTokenRecord]):
    model_type = AccountTokenRecord


class PostgresUserRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._rows = _Users(session=session)

    async def add(self, data: User) -> User:
        return await self._rows.add(as_record(UserRecord, data))

    async def find(self, user_id: UUID) -> User | None:
        return await self._rows.get_one_or_none(users.c.id == user_id)

    async def find_by_email(self, email: str) -> User | None:
        return await self._rows.get_one_or_none(users.c.email == email)


# Every authenticated request looks up its session and user: one statement, one round trip,
# written once here and sent through the driver (no ORM statement building, and no BEGIN or
# ROLLBACK around a lone read). Its columns are the tables' own, so a new column is read too.
_SESSION_COLUMNS = tuple(column.name for column in auth_sessions.c)
_USER_COLUMNS = tuple(column.name for column in users.c)
_SELECTED = ", ".join(
    [f"s.{name}" for name in _SESSION_COLUMNS] + [f"u.{name}" for name in _USER_COLUMNS]
)
_S = TypeVar("_S", bound=LoginSession)
_U = TypeVar("_U", bound=User)
ACTIVE_SESSION_WITH_USER_SQL = (
    f"SELECT {_SELECTED} FROM auth_sessions AS s JOIN users AS u ON u.id = s.user_id"  # noqa: S608
    " WHERE s.token_hash = $1 AND s.idle_expires_at > $2 AND s.expires_at > $2"
)


def _session_and_user(
    row: tuple[Any, ...], session_type: type[_S], user_type: type[_U]
) -> tuple[_S, _U]:
    split = len(_SESSION_COLUMNS)
    return (
        session_type(**dict(zip(_SESSION_COLUMNS, row[:split], strict=True))),
        user_type(**dict(zip(_USER_COLUMNS, row[split:], strict=True))),
    )


class PostgresSessionLookup:
    """The request path's read (:class:`SessionLookup`): the joined statement on a connection
    borrowed from the pool for it alone, outside any unit of work. It returns plain domain
    objects, not records: nothing tracks them, so building them costs no more than a
    dataclass each."""

    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    async def find_active_with_user(
        self, token_hash: str, now: datetime
    ) -> tuple[LoginSession, User] | None:
        try:
            row = await fetch_pooled_row(
                self._engine, ACTIVE_SESSION_WITH_USER_SQL, token_hash, now
            )
        except Exception as exc:
            # What a unit of work's exit does for its own statements.
            if is_unavailable(exc):
                raise DatabaseUnavailable() from exc
            raise
        return None if row is None else _session_and_user(row, LoginSession, User)


class PostgresSessionStore:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session
        self._rows = _Sessions(session=session)

    async def add(self, data: LoginSession) -> LoginSession:
        return await self._rows.add(as_record(LoginSessionRecord, data))

    async def find_active(self, token_hash: str, now: datetime) -> LoginSession | None:
        return await self._rows.get_one_or_none(
            auth_sessions.c.token_hash == token_hash,
            auth_sessions.c.idle_expires_at > now,
            auth_sessions.c.expires_at > now,
        )

    async def find_active_with_user(
        self, token_hash: str, now: datetime
    ) -> tuple[LoginSession, User] | None:
        row = await fetch_row(self._session, ACTIVE_SESSION_WITH_USER_SQL, token_hash, now)
        if row is None:
            return None
        login, user = _session_and_user(row, LoginSessionRecord, UserRecord)
        # Tracked like loaded rows: a change to either is written on commit.
        return adopt(self._session, login), adopt(self._session, user)

    async def list_active(self, user_id: UUID, now: datetime) -> Sequence[LoginSession]:
        return await self._rows.get_many(
            auth_sessions.c.user_id == user_id,
            auth_sessions.c.idle_expires_at > now,
            auth_sessions.c.expires_at > now,
            OrderBy(field_name="created_at", sort_order="desc"),
        )

    async def page_active(self, user_id: UUID, now: datetime, page: Page) -> Paged[LoginSession]:
        live = (
            auth_sessions.c.user_id == user_id,
            auth_sessions.c.idle_expires_at > now,
            auth_sessions.c.expires_at > now,
        )
        items, total = await self._rows.get_many_and_count(
            *live,
            OrderBy(field_name="created_at", sort_order="desc"),
            LimitOffset(limit=page.limit, offset=page.offset),
        )
        if not items and page.offset:
            # Past the last page the windowed count has no row to ride on.
            total = await self._rows.count(*live)
        return Paged(items=items, total=total)

    async def end(self, session_id: UUID) -> None:
        await self._session.execute(delete(auth_sessions).where(auth_sessions.c.id == session_id))

    async def end_all(self, user_id: UUID, *, keep: UUID | None = None) -> None:
        statement = delete(auth_sessions).where(auth_sessions.c.user_id == user_id)
        if keep is not None:
            statement = statement.where(auth_sessions.c.id != keep)
        await self._session.execute(statement)

    async def purge_expired(self, user_id: UUID, now: datetime) -> None:
        await self._session.execute(
            delete(auth_sessions).where(
                auth_sessions.c.user_id == user_id,
                (auth_sessions.c.idle_expires_at <= now) | (auth_sessions.c.expires_at <= now),
            )
        )


class PostgresAccountTokenRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session
        self._rows = _Tokens(session=session)

    async def add(self, data: AccountToken) -> AccountToken:
        return await self._rows.add(as_record(AccountTokenRecord, data))

    async def peek(self, token_hash: str, purpose: TokenPurpose) -> AccountToken | None:
        return await self._rows.get_one_or_none(
            account_tokens.c.token_hash == token_hash,
            account_tokens.c.purpose == purpose.value,
        )

    async def take(self, token_hash: str, purpose: TokenPurpose) -> AccountToken | None:
        # Row-locked, then deleted: of two concurrent redemptions only one gets the token.
        token = await self._rows.get_one_or_none(
            account_tokens.c.token_hash == token_hash,
            account_tokens.c.purpose == purpose.value,
            with_for_update=True,
        )
        if token is not None:
            await self._session.delete(token)
            await self._session.flush()
        return token

    async def revoke(self, user_id: UUID, purpose: TokenPurpose) -> None:
        await self._session.execute(
            delete(account_tokens).where(
                account_tokens.c.user_id == user_id, account_tokens.c.purpose == purpose.value
            )
        )

    async def issue_to_email(
        self, email: str, *, id: UUID, purpose: TokenPurpose, token_hash: str, now: datetime
    ) -> None:
        account = select(users.c.id).where(users.c.email == email).scalar_subquery()
        await self._session.execute(
            delete(account_tokens).where(
                account_tokens.c.user_id == account, account_tokens.c.purpose == purpose.value
            )
        )
        await self._session.execute(
            insert(account_tokens).from_select(
                ["id", "user_id", "purpose", "token_hash", "created_at", "expires_at"],
                select(
                    literal(id, account_tokens.c.id.type),
                    users.c.id,
                    literal(purpose.value, account_tokens.c.purpose.type),
                    literal(token_hash, account_tokens.c.token_hash.type),
                    literal(now, account_tokens.c.created_at.type),
                    literal(now + LIFETIMES[purpose], account_tokens.c.expires_at.type),
                ).where(users.c.email == email),
            )
        )

    async def revoke_all(self, user_id: UUID) -> None:
        await self._session.execute(
            delete(account_tokens).where(account_tokens.c.user_id == user_id)
        )


class PostgresThrottleStore:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def acquire(self, key: str, now: datetime) -> Throttle:
        await self._session.execute(
            insert(auth_throttles)
            .values(key=key, attempts=0, window_started_at=now, locked_until=None)
            .on_conflict_do_nothing(index_elements=[auth_throttles.c.key])
        )
        # populate_existing: another transaction may have changed the row since it was
        # last loaded into this session.
        result = await self._session.execute(
            select(ThrottleRecord)
            .where(auth_throttles.c.key == key)
            .with_for_update()
            .execution_options(populate_existing=True)
        )
        return result.scalar_one()

    async def purge_stale(self, before: datetime) -> None:
        # SKIP LOCKED: a row another request is counting on is left alone (no waiting, so
        # no deadlock with that request's own lock order).
        stale = (
            select(auth_throttles.c.key)
            .where(
                auth_throttles.c.window_started_at < before,
                auth_throttles.c.locked_until.is_(None) | (auth_throttles.c.locked_until < before),
            )
            .with_for_update(skip_locked=True)
        )
        await self._session.execute(delete(auth_throttles).where(auth_throttles.c.key.in_(stale)))

    async def clear(self, key_prefix: str) -> None:
        await self._session.execute(
            delete(auth_throttles).where(
                auth_throttles.c.key.startswith(key_prefix, autoescape=True)
            )
        )


def register_postgres_accounts(repositories: PostgresRepositories) -> None:
    def users(scope: SessionScope) -> PostgresUserRepository:
        return PostgresUserRepository(scope.session)

    def sessions(scope: SessionScope) -> PostgresSessionStore:
        return PostgresSessionStore(scope.session)

    def tokens(scope: SessionScope) -> PostgresAccountTokenRepository:
        return PostgresAccountTokenRepository(scope.session)

    def throttles(scope: SessionScope) -> PostgresThrottleStore:
        return PostgresThrottleStore(scope.session)

    repositories.register(USERS, users)
    repositories.register(SESSIONS, sessions)
    repositories.register(ACCOUNT_TOKENS, tokens)
    repositories.register(THROTTLES, throttles)
