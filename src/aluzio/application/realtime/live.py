"""What a live connection to a retro may receive, decided by the same use case and
visibility rule as ``GET /api/retros/{id}``: the view sent is the view a fresh read gives."""

from __future__ import annotations

import asyncio
import contextlib
import enum
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from uuid import UUID

from aluzio.application.accounts.context import AccountsContext
from aluzio.application.actor import UserActor
from aluzio.application.realtime.hub import LiveHub, NameLookup
from aluzio.application.retros.access import require_retro
from aluzio.application.retros.context import RetrosContext
from aluzio.application.retros.reading import RetroSnapshot, get_retro, read_snapshot
from aluzio.domain.accounts.tokens import token_digest
from aluzio.domain.retros.errors import RetroNotFound
from aluzio.domain.retros.model import Viewer
from aluzio.domain.retros.visibility import RetroView


@dataclass(frozen=True)
class LiveContext:
    """Everything a live connection depends on, wired once in the composition root."""

    accounts: AccountsContext
    retros: RetrosContext
    hub: LiveHub
    reads: SharedReads


class Standing(enum.Enum):
    """Why a live connection may not go on."""

    SESSION_ENDED = "session-ended"  # signed out, expired or ended elsewhere
    RETRO_NOT_FOUND = "retro-not-found"  # deleted, or no longer a member


async def session_is_live(ctx: AccountsContext, actor: UserActor) -> bool:
    """Whether the connection's sign-in session is still live. Unlike a request, holding a
    connection open is not activity: it does not push the idle expiry back."""
    async with ctx.unit_of_work() as uow:
        found = await uow.sessions.find_active(token_digest(actor.token), ctx.clock.now())
    return found is not None and found.id == actor.session.id


async def standing(ctx: LiveContext, actor: UserActor, retro_id: UUID) -> Viewer | Standing:
    """The session first, then membership through the retro access check: the actor as a
    viewer of the retro (their role now), or why the connection may not go on."""
    if not await session_is_live(ctx.accounts, actor):
        return Standing.SESSION_ENDED
    try:
        async with ctx.retros.unit_of_work() as uow:
            return (await require_retro(uow, actor, retro_id)).viewer
    except RetroNotFound:
        return Standing.RETRO_NOT_FOUND


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


@dataclass(eq=False)
class SharedRead:
    """One read of a retro after some change, serving every live connection of it on this
    instance: the contents once, then each viewer's part through the visibility rule.
    ``snapshot`` is None once the retro is gone."""

    snapshot: RetroSnapshot | None
    views: dict[Viewer, RetroView] = field(default_factory=dict)
    encoded: dict[Viewer, bytes] = field(default_factory=dict)  # for the wire, per viewer

    def view_for(self, viewer: Viewer) -> RetroView | None:
        """What a fresh ``GET`` shows this viewer now; None once the retro is gone."""
        if self.snapshot is None:
            return None
        view = self.views.get(viewer)
        if view is None:
            view = self.views[viewer] = self.snapshot.view_for(viewer)
        return view


@dataclass
class _Reading:
    heard: int  # the hub's count of signals when the read began
    task: asyncio.Task[SharedRead]


class SharedReads:
    """Per retro, at most one read in flight: a connection that needs the retro as of the
    signals it has taken joins a read begun after them, or waits for the current one and
    begins the next. A burst of changes thus costs a few reads, not one per connection and
    change. Who may read is the connections' own business (``standing``, on each one's
    re-check interval)."""

    def __init__(self, retros: RetrosContext, hub: LiveHub) -> None:
        self._retros = retros
        self._hub = hub
        self._readings: dict[UUID, _Reading] = {}

    async def read(self, retro_id: UUID) -> SharedRead:
        need = self._hub.heard(retro_id)
        while True:
            reading = self._readings.get(retro_id)
            if reading is not None and not _failed(reading.task):
                if reading.heard >= need:
                    return await asyncio.shield(reading.task)
                if not reading.task.done():
                    with contextlib.suppress(Exception):
                        await asyncio.shield(reading.task)
                    continue
            task = asyncio.create_task(self._read(retro_id))
            self._readings[retro_id] = _Reading(self._hub.heard_total(), task)

    def forget(self, retro_id: UUID) -> None:
        """The retro has no live connection here any more."""
        reading = self._readings.get(retro_id)
        if reading is not None and reading.task.done():
            del self._readings[retro_id]

    async def _read(self, retro_id: UUID) -> SharedRead:
        async with self._retros.unit_of_work() as uow:
            retro = await uow.retros.find(retro_id)
            if retro is None:
                return SharedRead(None)
            participants = await uow.participants.of_retro(retro.id)
            return SharedRead(await read_snapshot(uow, retro, participants))


def _failed(task: asyncio.Task[SharedRead]) -> bool:
    return task.done() and (task.cancelled() or task.exception() is not None)
