"""Postgres stores for erasure, retention and policy notices.

Erasing a user deletes their row; every table that holds their id references ``users``
with ``ON DELETE CASCADE`` (or ``SET NULL`` where the row belongs to others), so the rows
go with it. What holds only their address (invitations, mail sent before they had an
account) is deleted by address.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from uuid import UUID

from sqlalchemy import delete, exists, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from aluzio.adapters.postgres.accounts import UserRecord
from aluzio.adapters.postgres.tables.accounts import account_tokens, auth_sessions, users
from aluzio.adapters.postgres.tables.mail import mail_outbox
from aluzio.adapters.postgres.tables.organizations import org_invitations
from aluzio.adapters.postgres.tables.privacy import policy_notices
from aluzio.adapters.postgres.unit_of_work import PostgresRepositories, SessionScope
from aluzio.application.privacy.ports import (
    ERASURES,
    MAIL_HISTORY,
    POLICY_NOTICES,
    RETENTION,
    SentMail,
)
from aluzio.domain.accounts.user import User


class PostgresErasureStore:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def claim_due(self, now: datetime, limit: int) -> Sequence[User]:
        result = await self._session.execute(
            select(UserRecord)
            .where(users.c.purge_after <= now)
            .order_by(users.c.purge_after)
            .limit(limit)
            .with_for_update(skip_locked=True)
            .execution_options(populate_existing=True)
        )
        return list(result.scalars())

    async def lock(self, user_id: UUID) -> User | None:
        result = await self._session.execute(
            select(UserRecord)
            .where(users.c.id == user_id)
            .with_for_update()
            .execution_options(populate_existing=True)
        )
        return result.scalar_one_or_none()

    async def erase(self, user: User) -> None:
        await self._session.flush()  # changes made before (an heir's new role) go first
        await self._session.execute(
            delete(org_invitations).where(org_invitations.c.email == user.email)
        )
        await self._session.execute(
            delete(mail_outbox).where(
                (mail_outbox.c.user_id == user.id) | (mail_outbox.c.recipient == user.email)
            )
        )
        await self._session.execute(delete(users).where(users.c.id == user.id))
        # The loaded record is gone from the database: the session must not write it back.
        self._session.expunge(user)


class PostgresRetentionStore:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def delete_expired_sessions(self, now: datetime) -> int:
        result = await self._session.execute(
            delete(auth_sessions).where(
                (auth_sessions.c.idle_expires_at <= now) | (auth_sessions.c.expires_at <= now)
            )
        )
        return int(getattr(result, "rowcount", 0))

    async def delete_expired_tokens(self, now: datetime) -> int:
        result = await self._session.execute(
            delete(account_tokens).where(account_tokens.c.expires_at <= now)
        )
        return int(getattr(result, "rowcount", 0))

    async def delete_expired_invitations(self, now: datetime) -> int:
        result = await self._session.execute(
            delete(org_invitations).where(org_invitations.c.expires_at <= now)
        )
        return int(getattr(result, "rowcount", 0))


class PostgresPolicyNoticeStore:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def unnotified(self, version: str, limit: int) -> Sequence[User]:
        told = exists().where(
            policy_notices.c.user_id == users.c.id, policy_notices.c.version == version
        )
        result = await self._session.execute(
            select(UserRecord)
            .where(
                users.c.email_verified_at.is_not(None),
                users.c.purge_after.is_(None),
                ~told,
            )
            .order_by(users.c.id)
            .limit(limit)
        )
        return list(result.scalars())

    async def record(self, user_id: UUID, version: str, now: datetime) -> bool:
        # A concurrent run recording the same user waits here for the other to commit,
        # then records nothing.
        result = await self._session.execute(
            insert(policy_notices)
            .values(user_id=user_id, version=version, sent_at=now)
            .on_conflict_do_nothing()
            .returning(policy_notices.c.user_id)
        )
        return result.first() is not None


class PostgresMailHistory:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def of_user(self, user_id: UUID) -> Sequence[SentMail]:
        result = await self._session.execute(
            select(
                mail_outbox.c.category,
                mail_outbox.c.state,
                mail_outbox.c.created_at,
                mail_outbox.c.sent_at,
            )
            .where(mail_outbox.c.user_id == user_id)
            .order_by(mail_outbox.c.created_at, mail_outbox.c.id)
        )
        return [SentMail(*row) for row in result.all()]


def register_postgres_privacy(repositories: PostgresRepositories) -> None:
    def erasures(scope: SessionScope) -> PostgresErasureStore:
        return PostgresErasureStore(scope.session)

    def retention(scope: SessionScope) -> PostgresRetentionStore:
        return PostgresRetentionStore(scope.session)

    def notices(scope: SessionScope) -> PostgresPolicyNoticeStore:
        return PostgresPolicyNoticeStore(scope.session)

    repositories.register(ERASURES, erasures)
    repositories.register(RETENTION, retention)
    repositories.register(POLICY_NOTICES, notices)
    repositories.register(MAIL_HISTORY, lambda scope: PostgresMailHistory(scope.session))
