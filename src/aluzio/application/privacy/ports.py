"""The ports the privacy use cases need (erasure, retention, policy notices)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol
from uuid import UUID

from aluzio.application.accounts.ports import AccountsUnitOfWork
from aluzio.application.organizations.ports import INVITATIONS, MEMBERSHIPS, ORGANIZATIONS
from aluzio.application.ports.unit_of_work import Repository, RepositoryKey
from aluzio.domain.accounts.user import User


class ErasureStore(Protocol):
    async def claim_due(self, now: datetime, limit: int) -> Sequence[User]:
        """Up to ``limit`` accounts whose purge time has come, locked until the unit of work
        ends; accounts another worker holds are skipped, not waited for."""
        ...

    async def lock(self, user_id: UUID) -> User | None:
        """The user, locked until the unit of work ends (waits for a purge in progress)."""
        ...

    async def erase(self, user: User) -> None:
        """Delete the user and every row that refers to them: invitations and mail to their
        address, and, through the foreign keys, every row holding their id."""
        ...


class RetentionStore(Protocol):
    async def delete_expired_sessions(self, now: datetime) -> int: ...

    async def delete_expired_tokens(self, now: datetime) -> int: ...

    async def delete_expired_invitations(self, now: datetime) -> int: ...


@dataclass(frozen=True, slots=True)
class SentMail:
    """What an export tells of one email to the user: never its address or content."""

    category: str
    state: str
    created_at: datetime | None
    sent_at: datetime | None


class MailHistory(Protocol):
    async def of_user(self, user_id: UUID) -> Sequence[SentMail]:
        """The mail queued or kept for the user, oldest first."""
        ...


class PolicyNoticeStore(Protocol):
    async def unnotified(self, version: str, limit: int) -> Sequence[User]:
        """Up to ``limit`` users with a verified address, no deletion pending and no notice
        of ``version`` recorded, by id."""
        ...

    async def record(self, user_id: UUID, version: str, now: datetime) -> bool:
        """Record the notice; False when it was recorded already (by a concurrent run)."""
        ...


ERASURES: RepositoryKey[ErasureStore] = RepositoryKey("privacy.erasures")
RETENTION: RepositoryKey[RetentionStore] = RepositoryKey("privacy.retention")
POLICY_NOTICES: RepositoryKey[PolicyNoticeStore] = RepositoryKey("privacy.policy_notices")
MAIL_HISTORY: RepositoryKey[MailHistory] = RepositoryKey("privacy.mail_history")


class PrivacyUnitOfWork(AccountsUnitOfWork):
    """The account repositories, the user's organizations, and the privacy stores."""

    organizations = Repository(ORGANIZATIONS)
    memberships = Repository(MEMBERSHIPS)
    invitations = Repository(INVITATIONS)
    mail_history = Repository(MAIL_HISTORY)
    erasures = Repository(ERASURES)
    retention = Repository(RETENTION)
    policy_notices = Repository(POLICY_NOTICES)
