"""Access and portability: everything the service holds about the signed-in user, as one
document of a versioned schema (docs/privacy.md). Names of co-members are not included;
nothing of another user's is.

The account's own rows are few and read at once; what the user made in retros may be a lot,
so it is read a page at a time, each page in a unit of work of its own, while the document
is written out (the export holds at most one page in memory)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol, TypeVar
from uuid import UUID

from aluzio.application.accounts.throttles import count_attempts
from aluzio.application.actor import Actor
from aluzio.application.authorization import require_user
from aluzio.application.privacy.context import PrivacyContext
from aluzio.application.privacy.ports import (
    FacilitatedRetro,
    OwnActionItem,
    OwnBoard,
    OwnCard,
    OwnNote,
    OwnVote,
    PersonalContent,
    SentMail,
)
from aluzio.domain.accounts.email import normalise_email
from aluzio.domain.accounts.sessions import LoginSession
from aluzio.domain.accounts.throttling import EXPORT_PER_ACCOUNT
from aluzio.domain.accounts.user import User
from aluzio.domain.errors import NotAuthenticated, NotFound
from aluzio.domain.organizations.model import Invitation, Membership, Organization

# Bumped whenever a field is removed or changes meaning; new fields keep the version.
EXPORT_SCHEMA = "https://aluzio.ai/schemas/export/2"

# Rows of one collection read per unit of work.
EXPORT_PAGE = 500


class _Identified(Protocol):
    @property
    def id(self) -> UUID: ...


Row = TypeVar("Row", bound=_Identified)


class RetroContent:
    """What the user made in retros, each collection read a page at a time on demand."""

    def __init__(self, ctx: PrivacyContext, user_id: UUID, page: int | None = None) -> None:
        self._ctx = ctx
        self._user_id = user_id
        self._page = page or EXPORT_PAGE

    def boards(self) -> AsyncIterator[OwnBoard]:
        return self._read(lambda c: c.boards)

    def cards(self) -> AsyncIterator[OwnCard]:
        return self._read(lambda c: c.cards)

    def notes(self) -> AsyncIterator[OwnNote]:
        return self._read(lambda c: c.notes)

    def votes(self) -> AsyncIterator[OwnVote]:
        return self._read(lambda c: c.votes)

    def action_items(self) -> AsyncIterator[OwnActionItem]:
        return self._read(lambda c: c.action_items)

    def retros_facilitated(self) -> AsyncIterator[FacilitatedRetro]:
        return self._read(lambda c: c.retros_facilitated)

    async def _read(
        self,
        method: Callable[
            [PersonalContent], Callable[[UUID, UUID | None, int], Awaitable[Sequence[Row]]]
        ],
    ) -> AsyncIterator[Row]:
        after: UUID | None = None
        while True:
            async with self._ctx.unit_of_work() as uow:
                rows = await method(uow.personal_content)(self._user_id, after, self._page)
            for row in rows:
                yield row
            if len(rows) < self._page:
                return
            after = rows[-1].id


@dataclass(frozen=True, slots=True)
class AccountExport:
    exported_at: datetime
    user: User
    sessions: Sequence[LoginSession]
    organizations: Sequence[tuple[Organization, Membership]]
    invitations: Sequence[tuple[Invitation, Organization]]
    emails: Sequence[SentMail]
    content: RetroContent
    schema: str = EXPORT_SCHEMA


async def export_account(ctx: PrivacyContext, actor: Actor) -> AccountExport:
    """The signed-in user's export; throttled (``EXPORT_PER_ACCOUNT``)."""
    auth = require_user(actor)
    now = ctx.accounts.clock.now()
    async with ctx.unit_of_work() as uow:
        key = ctx.accounts.throttle_key("export-account", str(auth.user.id))
        await count_attempts(uow, now, [(key, EXPORT_PER_ACCOUNT)])
        await uow.commit()
    return await _export(ctx, auth.user.id)


async def export_for_operator(ctx: PrivacyContext, email: str) -> AccountExport:
    """The export of the account with ``email``, for a request that arrived by email."""
    async with ctx.unit_of_work() as uow:
        user = await uow.users.find_by_email(normalise_email(email))
    if user is None:
        raise NotFound("No account has this email address.")
    return await _export(ctx, user.id)


async def _export(ctx: PrivacyContext, user_id: UUID) -> AccountExport:
    now = ctx.accounts.clock.now()
    async with ctx.unit_of_work() as uow:
        user = await uow.users.find(user_id)
        if user is None:
            raise NotAuthenticated()
        return AccountExport(
            exported_at=now,
            user=user,
            sessions=await uow.sessions.list_active(user.id, now),
            organizations=await uow.memberships.of_user(user.id),
            invitations=await uow.invitations.pending_for_email(user.email, now)
            if user.email_verified
            else [],
            emails=await uow.mail_history.of_user(user.id),
            content=RetroContent(ctx, user.id),
        )
