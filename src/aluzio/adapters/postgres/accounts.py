"""Postgres repositories for accounts: advanced-alchemy repositories over the domain's
imperatively mapped dataclasses."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from uuid import UUID

from advanced_alchemy.repository import SQLAlchemyAsyncRepository
from sqlalchemy import delete, literal, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import registry

from aluzio.adapters.postgres.tables.accounts import (
    account_tokens,
    auth_sessions,
    auth_throttles,
    users,
)
from aluzio.domain.accounts.sessions import LoginSession
from aluzio.domain.accounts.throttling import Throttle
from aluzio.domain.accounts.tokens import LIFETIMES, AccountToken, TokenPurpose
from aluzio.domain.accounts.user import User


def map_accounts(mappers: registry) -> None:
    mappers.map_imperatively(User, users)
    mappers.map_imperatively(LoginSession, auth_sessions)
    mappers.map_imperatively(AccountToken, account_tokens)
    mappers.map_imperatively(Throttle, auth_throttles)


# advanced-alchemy types its model parameter as a declaratively mapped class; the domain's
# dataclasses are mapped imperatively, which it supports at run time (hence the ignores).


class PostgresUserRepository(SQLAlchemyAsyncRepository[User]):  # type: ignore[type-var]
    model_type = User

    async def find(self, user_id: UUID) -> User | None:
        return await self.get_one_or_none(users.c.id == user_id)

    async def find_by_email(self, email: str) -> User | None:
        return await self.get_one_or_none(users.c.email == email)


class PostgresSessionStore(SQLAlchemyAsyncRepository[LoginSession]):  # type: ignore[type-var]
    model_type = LoginSession

    async def find_active(self, token_hash: str, now: datetime) -> LoginSession | None:
        return await self.get_one_or_none(
            auth_sessions.c.token_hash == token_hash,
            auth_sessions.c.idle_expires_at > now,
            auth_sessions.c.expires_at > now,
        )

    async def list_active(self, user_id: UUID, now: datetime) -> Sequence[LoginSession]:
        return await self.get_many(
            auth_sessions.c.user_id == user_id,
            auth_sessions.c.idle_expires_at > now,
            auth_sessions.c.expires_at > now,
            order_by=auth_sessions.c.created_at.desc(),
        )

    async def end(self, session_id: UUID) -> None:
        await self.session.execute(delete(auth_sessions).where(auth_sessions.c.id == session_id))

    async def end_all(self, user_id: UUID, *, keep: UUID | None = None) -> None:
        statement = delete(auth_sessions).where(auth_sessions.c.user_id == user_id)
        if keep is not None:
            statement = statement.where(auth_sessions.c.id != keep)
        await self.session.execute(statement)

    async def purge_expired(self, user_id: UUID, now: datetime) -> None:
        await self.session.execute(
            delete(auth_sessions).where(
                auth_sessions.c.user_id == user_id,
                (auth_sessions.c.idle_expires_at <= now) | (auth_sessions.c.expires_at <= now),
            )
        )


class PostgresAccountTokenRepository(SQLAlchemyAsyncRepository[AccountToken]):  # type: ignore[type-var]
    model_type = AccountToken

    async def peek(self, token_hash: str, purpose: TokenPurpose) -> AccountToken | None:
        return await self.get_one_or_none(
            account_tokens.c.token_hash == token_hash,
            account_tokens.c.purpose == purpose.value,
        )

    async def take(self, token_hash: str, purpose: TokenPurpose) -> AccountToken | None:
        # Row-locked, then deleted: of two concurrent redemptions only one gets the token.
        token = await self.get_one_or_none(
            account_tokens.c.token_hash == token_hash,
            account_tokens.c.purpose == purpose.value,
            with_for_update=True,
        )
        if token is not None:
            await self.session.delete(token)
            await self.session.flush()
        return token

    async def revoke(self, user_id: UUID, purpose: TokenPurpose) -> None:
        await self.session.execute(
            delete(account_tokens).where(
                account_tokens.c.user_id == user_id, account_tokens.c.purpose == purpose.value
            )
        )

    async def issue_to_email(
        self, email: str, *, id: UUID, purpose: TokenPurpose, token_hash: str, now: datetime
    ) -> None:
        account = select(users.c.id).where(users.c.email == email).scalar_subquery()
        await self.session.execute(
            delete(account_tokens).where(
                account_tokens.c.user_id == account, account_tokens.c.purpose == purpose.value
            )
        )
        await self.session.execute(
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
        await self.session.execute(
            delete(account_tokens).where(account_tokens.c.user_id == user_id)
        )


class PostgresThrottleStore(SQLAlchemyAsyncRepository[Throttle]):  # type: ignore[type-var]
    model_type = Throttle

    async def acquire(self, key: str, now: datetime) -> Throttle:
        await self.session.execute(
            insert(auth_throttles)
            .values(key=key, attempts=0, window_started_at=now, locked_until=None)
            .on_conflict_do_nothing(index_elements=[auth_throttles.c.key])
        )
        # populate_existing: another transaction may have changed the row since it was
        # last loaded into this session.
        result = await self.session.execute(
            select(Throttle)
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
        await self.session.execute(delete(auth_throttles).where(auth_throttles.c.key.in_(stale)))

    async def clear(self, key_prefix: str) -> None:
        await self.session.execute(
            delete(auth_throttles).where(
                auth_throttles.c.key.startswith(key_prefix, autoescape=True)
            )
        )
