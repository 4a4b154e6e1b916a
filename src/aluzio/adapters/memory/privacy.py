"""In-memory privacy stores: the same contract as :mod:`..postgres.privacy`.

Erasing a user here does by hand what the foreign keys do in Postgres.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any
from uuid import UUID

from aluzio.adapters.memory.mail import OUTBOX_TABLE, QueuedMessage
from aluzio.adapters.memory.unit_of_work import MemoryRepositories, MemoryScope
from aluzio.application.privacy.ports import (
    ERASURES,
    MAIL_HISTORY,
    POLICY_NOTICES,
    RETENTION,
    SentMail,
)
from aluzio.domain.accounts.sessions import LoginSession
from aluzio.domain.accounts.tokens import AccountToken
from aluzio.domain.accounts.user import User
from aluzio.domain.organizations.model import Invitation, JoinLink

NOTICES_TABLE = "policy_notices"


def _drop(table: dict[Any, Any], doomed: Any) -> int:
    keys = [key for key, row in table.items() if doomed(row)]
    for key in keys:
        del table[key]
    return len(keys)


class InMemoryErasureStore:
    def __init__(self, scope: MemoryScope) -> None:
        self._state = scope.state
        self._users: dict[UUID, User] = scope.state.table("users")

    async def claim_due(self, now: datetime, limit: int) -> Sequence[User]:
        due = [
            u for u in self._users.values() if u.purge_after is not None and u.purge_after <= now
        ]
        return sorted(due, key=lambda u: u.purge_after or now)[:limit]

    async def lock(self, user_id: UUID) -> User | None:
        return self._users.get(user_id)

    async def erase(self, user: User) -> None:
        table = self._state.table
        invitations: dict[UUID, Invitation] = table("org_invitations")
        _drop(invitations, lambda i: i.email == user.email)
        mail: dict[int, QueuedMessage] = table(OUTBOX_TABLE)
        _drop(mail, lambda m: m.user_id == user.id or m.message.to == user.email)
        # What ON DELETE CASCADE and SET NULL do in Postgres.
        sessions: dict[UUID, LoginSession] = table("auth_sessions")
        _drop(sessions, lambda s: s.user_id == user.id)
        tokens: dict[UUID, AccountToken] = table("account_tokens")
        _drop(tokens, lambda t: t.user_id == user.id)
        _drop(table("org_memberships"), lambda m: m.user_id == user.id)
        _drop(table(NOTICES_TABLE), lambda n: n[0] == user.id)
        for invitation in invitations.values():
            if invitation.invited_by == user.id:
                invitation.invited_by = None
        links: dict[UUID, JoinLink] = table("org_join_links")
        for link in links.values():
            if link.created_by == user.id:
                link.created_by = None
        self._users.pop(user.id, None)


class InMemoryRetentionStore:
    def __init__(self, scope: MemoryScope) -> None:
        self._state = scope.state

    async def delete_expired_sessions(self, now: datetime) -> int:
        sessions: dict[UUID, LoginSession] = self._state.table("auth_sessions")
        return _drop(sessions, lambda s: s.idle_expires_at <= now or s.expires_at <= now)

    async def delete_expired_tokens(self, now: datetime) -> int:
        tokens: dict[UUID, AccountToken] = self._state.table("account_tokens")
        return _drop(tokens, lambda t: t.expires_at <= now)

    async def delete_expired_invitations(self, now: datetime) -> int:
        invitations: dict[UUID, Invitation] = self._state.table("org_invitations")
        return _drop(invitations, lambda i: i.expires_at <= now)


class InMemoryPolicyNoticeStore:
    def __init__(self, scope: MemoryScope) -> None:
        self._users: dict[UUID, User] = scope.state.table("users")
        self._notices: dict[tuple[UUID, str], datetime] = scope.state.table(NOTICES_TABLE)

    async def unnotified(self, version: str, limit: int) -> Sequence[User]:
        found = [
            user
            for user in self._users.values()
            if user.email_verified
            and not user.deletion_pending
            and (user.id, version) not in self._notices
        ]
        return sorted(found, key=lambda user: user.id)[:limit]

    async def record(self, user_id: UUID, version: str, now: datetime) -> bool:
        if (user_id, version) in self._notices:
            return False
        self._notices[(user_id, version)] = now
        return True


class InMemoryMailHistory:
    """Memory keeps no delivery state or times: every message reads as pending."""

    def __init__(self, scope: MemoryScope) -> None:
        self._rows: dict[int, QueuedMessage] = scope.state.table(OUTBOX_TABLE)

    async def of_user(self, user_id: UUID) -> Sequence[SentMail]:
        return [
            SentMail(row.message.category, "pending", None, None)
            for _, row in sorted(self._rows.items())
            if row.user_id == user_id
        ]


def register_memory_privacy(repositories: MemoryRepositories) -> None:
    repositories.register(ERASURES, InMemoryErasureStore)
    repositories.register(RETENTION, InMemoryRetentionStore)
    repositories.register(POLICY_NOTICES, InMemoryPolicyNoticeStore)
    repositories.register(MAIL_HISTORY, InMemoryMailHistory)
