"""What a live connection to a retro may receive, decided by the same use case and
visibility rule as ``GET /api/retros/{id}``: the view sent is the view a fresh read gives."""

from __future__ import annotations

import enum
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from uuid import UUID

from aluzio.application.accounts.context import AccountsContext
from aluzio.application.actor import UserActor
from aluzio.application.realtime.hub import LiveHub, NameLookup
from aluzio.application.retros.access import require_retro
from aluzio.application.retros.context import RetrosContext
from aluzio.application.retros.reading import get_retro
from aluzio.domain.accounts.tokens import token_digest
from aluzio.domain.retros.errors import RetroNotFound
from aluzio.domain.retros.visibility import RetroView


@dataclass(frozen=True)
class LiveContext:
    """Everything a live connection depends on, wired once in the composition root."""

    accounts: AccountsContext
    retros: RetrosContext
    hub: LiveHub


class Standing(enum.Enum):
    """Whether a live connection may go on."""

    ALLOWED = "allowed"
    SESSION_ENDED = "session-ended"  # signed out, expired or ended elsewhere
    RETRO_NOT_FOUND = "retro-not-found"  # deleted, or no longer a member


async def session_is_live(ctx: AccountsContext, actor: UserActor) -> bool:
    """Whether the connection's sign-in session is still live. Unlike a request, holding a
    connection open is not activity: it does not push the idle expiry back."""
    async with ctx.unit_of_work() as uow:
        found = await uow.sessions.find_active(token_digest(actor.token), ctx.clock.now())
    return found is not None and found.id == actor.session.id


async def standing(ctx: LiveContext, actor: UserActor, retro_id: UUID) -> Standing:
    """The session first, then membership through the retro access check."""
    if not await session_is_live(ctx.accounts, actor):
        return Standing.SESSION_ENDED
    try:
        async with ctx.retros.unit_of_work() as uow:
            await require_retro(uow, actor, retro_id)
    except RetroNotFound:
        return Standing.RETRO_NOT_FOUND
    return Standing.ALLOWED


async def fresh_view(ctx: LiveContext, actor: UserActor, retro_id: UUID) -> RetroView | Standing:
    """The retro as a fresh ``GET`` shows it to the actor now, or why they may no longer
    see it."""
    if not await session_is_live(ctx.accounts, actor):
        return Standing.SESSION_ENDED
    try:
        return await get_retro(ctx.retros, actor, retro_id)
    except RetroNotFound:
        return Standing.RETRO_NOT_FOUND


def people_names(ctx: RetrosContext) -> NameLookup:
    """Display names for presence: the same directory the retro read names people from."""

    async def names(user_ids: Collection[UUID]) -> Mapping[UUID, str]:
        async with ctx.unit_of_work() as uow:
            return await uow.people.names(user_ids)

    return names
