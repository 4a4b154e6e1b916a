"""The ports the privacy use cases need (erasure, retention, policy notices)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
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

    async def erase(self, user: User) -> Sequence[RetroVersion]:
        """Delete the user and every row that refers to them: invitations and mail to their
        address; the cards, notes and votes they wrote or cast and the action items they
        created (a topic left without cards goes, with the votes and notes on it); their
        assignments to others' action items are emptied; and, through the foreign keys,
        every row holding their id.
        Returns each retro this changed, with its version bumped once."""
        ...


@dataclass(frozen=True, slots=True, order=True)
class RetroVersion:
    """A retro the purge changed, and its version after the change."""

    retro_id: UUID
    version: int


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


@dataclass(frozen=True, slots=True)
class OwnBoard:
    id: UUID
    name: str
    organization_slug: str
    created_at: datetime


@dataclass(frozen=True, slots=True)
class OwnCard:
    """A card the user wrote; ``anonymous`` when its retro hides authors from others."""

    id: UUID
    retro_id: UUID
    topic_id: UUID
    section_title: str
    body: str
    anonymous: bool
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class OwnNote:
    id: UUID
    retro_id: UUID
    topic_id: UUID
    body: str
    anonymous: bool
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class OwnVote:
    id: UUID
    retro_id: UUID
    topic_id: UUID
    cast_at: datetime


@dataclass(frozen=True, slots=True)
class OwnActionItem:
    """An action item the user created, or one assigned to them (or both)."""

    id: UUID
    retro_id: UUID
    title: str
    due_on: date | None
    done: bool
    created_by_user: bool
    assigned_to_user: bool
    created_at: datetime
    done_at: datetime | None


@dataclass(frozen=True, slots=True)
class FacilitatedRetro:
    id: UUID
    title: str | None
    board_name: str
    phase: str
    created_at: datetime
    last_phase_change_at: datetime | None


class PersonalContent(Protocol):
    """What the user made in retros, a page at a time: each method returns up to ``limit``
    rows with an id after ``after`` (all when ``None``), by id, so an export of any size is
    read in bounded memory."""

    async def boards(self, user_id: UUID, after: UUID | None, limit: int) -> Sequence[OwnBoard]:
        """Boards the user created."""
        ...

    async def cards(self, user_id: UUID, after: UUID | None, limit: int) -> Sequence[OwnCard]: ...

    async def notes(self, user_id: UUID, after: UUID | None, limit: int) -> Sequence[OwnNote]: ...

    async def votes(self, user_id: UUID, after: UUID | None, limit: int) -> Sequence[OwnVote]: ...

    async def action_items(
        self, user_id: UUID, after: UUID | None, limit: int
    ) -> Sequence[OwnActionItem]:
        """Action items the user created or is assigned."""
        ...

    async def retros_facilitated(
        self, user_id: UUID, after: UUID | None, limit: int
    ) -> Sequence[FacilitatedRetro]: ...


ERASURES: RepositoryKey[ErasureStore] = RepositoryKey("privacy.erasures")
RETENTION: RepositoryKey[RetentionStore] = RepositoryKey("privacy.retention")
POLICY_NOTICES: RepositoryKey[PolicyNoticeStore] = RepositoryKey("privacy.policy_notices")
MAIL_HISTORY: RepositoryKey[MailHistory] = RepositoryKey("privacy.mail_history")
PERSONAL_CONTENT: RepositoryKey[PersonalContent] = RepositoryKey("privacy.personal_content")


class PrivacyUnitOfWork(AccountsUnitOfWork):
    """The account repositories, the user's organizations, and the privacy stores."""

    organizations = Repository(ORGANIZATIONS)
    memberships = Repository(MEMBERSHIPS)
    invitations = Repository(INVITATIONS)
    mail_history = Repository(MAIL_HISTORY)
    erasures = Repository(ERASURES)
    retention = Repository(RETENTION)
    policy_notices = Repository(POLICY_NOTICES)
    personal_content = Repository(PERSONAL_CONTENT)
