"""Postgres stores for erasure, retention and policy notices.

Erasing a user deletes what they wrote in retros by hand (see ``_erase_retro_content``),
then their row; every other table that holds their id references ``users`` with
``ON DELETE CASCADE`` (or ``SET NULL`` where the row belongs to others), so the rows go
with it. What holds only their address (invitations, mail sent before they had an
account) is deleted by address.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from uuid import UUID

from sqlalchemy import delete, exists, select, union, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from aluzio.adapters.postgres.accounts import UserRecord
from aluzio.adapters.postgres.privacy_content import register_postgres_personal_content
from aluzio.adapters.postgres.tables.accounts import account_tokens, auth_sessions, users
from aluzio.adapters.postgres.tables.discussion import action_items, notes
from aluzio.adapters.postgres.tables.mail import mail_outbox
from aluzio.adapters.postgres.tables.organizations import org_invitations
from aluzio.adapters.postgres.tables.privacy import policy_notices
from aluzio.adapters.postgres.tables.retros import cards, retros, topics, votes
from aluzio.adapters.postgres.unit_of_work import PostgresRepositories, SessionScope
from aluzio.application.privacy.ports import (
    ERASURES,
    MAIL_HISTORY,
    POLICY_NOTICES,
    RETENTION,
    RetroVersion,
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

    async def erase(self, user: User) -> Sequence[RetroVersion]:
        await self._session.flush()  # changes made before (an heir's new role) go first
        changed = await self._erase_retro_content(user.id)
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
        return changed

    async def _erase_retro_content(self, user_id: UUID) -> Sequence[RetroVersion]:
        """The user's cards, notes, votes and action items, deleted by hand (the foreign keys
        would leave their action items, and the topics emptied of cards, behind), with each
        retro they were in bumped once so that viewers re-read it."""
        touched = union(
            select(cards.c.retro_id).where(cards.c.author_id == user_id),
            select(notes.c.retro_id).where(notes.c.author_id == user_id),
            select(votes.c.retro_id).where(votes.c.voter_id == user_id),
            select(action_items.c.retro_id).where(
                (action_items.c.created_by == user_id) | (action_items.c.assignee_id == user_id)
            ),
        )
        retro_ids = list((await self._session.execute(touched)).scalars())
        if not retro_ids:
            return []
        # Retros locked in id order, as every change to a retro takes its row first.
        await self._session.execute(
            select(retros.c.id)
            .where(retros.c.id.in_(retro_ids))
            .order_by(retros.c.id)
            .with_for_update()
        )
        await self._session.execute(
            delete(action_items).where(action_items.c.created_by == user_id)
        )
        await self._session.execute(
            update(action_items)
            .where(action_items.c.assignee_id == user_id)
            .values(assignee_id=None)
        )
        await self._session.execute(delete(votes).where(votes.c.voter_id == user_id))
        await self._session.execute(delete(notes).where(notes.c.author_id == user_id))
        await self._session.execute(delete(cards).where(cards.c.author_id == user_id))
        # A topic left without cards goes, as when its last card is deleted, with the votes
        # and notes others put on it (what they were about is gone); action items on it stay.
        await self._session.execute(
            delete(topics).where(
                topics.c.retro_id.in_(retro_ids),
                ~exists().where(cards.c.topic_id == topics.c.id),
            )
        )
        bumped = await self._session.execute(
            update(retros)
            .where(retros.c.id.in_(retro_ids))
            # changed_at stays: an erasure is not the team's activity (see auto-close).
            .values(version=retros.c.version + 1)
            .returning(retros.c.id, retros.c.version)
        )
        return sorted(RetroVersion(*row) for row in bumped.all())


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
    register_postgres_personal_content(repositories)
