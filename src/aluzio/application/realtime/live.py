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


@dataclass(eq=False)
class SharedRead:
    """One read of a retro after some change, serving every live connection of it on this
    instance: the contents once, then each viewer's part through the visibility rule.
    ``snapshot`` is None once the retro is gone."""

    snapshot: RetroSnapshot | None
    viewers: dict[UUID, Viewer | None]  # by user; None: no longer a member
    views: dict[UUID, RetroView] = field(default_factory=dict)
    encoded: dict[UUID, bytes] = field(default_factory=dict)  # for the wire, per viewer

    def view_for(self, user_id: UUID) -> RetroView | None:
        """What a fresh ``GET`` shows this user now; None when they may not see it."""
        viewer = self.viewers.get(user_id)
        if self.snapshot is None or viewer is None:
            return None
        view = self.views.get(user_id)
        if view is None:
            view = self.views[user_id] = self.snapshot.view_for(viewer)
        return view


@dataclass
class _Reading:
    heard: int  # the hub's count of signals when the read began
    task: asyncio.Task[SharedRead]


class SharedReads:
    """Per retro, at most one read in flight: a connection that needs the retro as of the
    signals it has taken joins a read begun after them, or waits for the current one and
    begins the next. A burst of changes thus costs a few reads, not one per connection and
    change."""

    def __init__(self, retros: RetrosContext, hub: LiveHub) -> None:
        self._retros = retros
        self._hub = hub
        self._readings: dict[UUID, _Reading] = {}

    async def read(self, actor: UserActor, retro_id: UUID) -> SharedRead:
        need = self._hub.heard(retro_id)
        while True:
            reading = self._readings.get(retro_id)
            if reading is not None and not _failed(reading.task):
                if reading.heard >= need:
                    shared = await asyncio.shield(reading.task)
                    break
                if not reading.task.done():
                    with contextlib.suppress(Exception):
                        await asyncio.shield(reading.task)
                    continue
            reading = _Reading(self._hub.heard_total(), asyncio.create_task(self._read(retro_id)))
            self._readings[retro_id] = reading
        if actor.user.id not in shared.viewers:  # connected after the read began
            shared.viewers[actor.user.id] = await _viewer(self._retros, actor, retro_id)
        return shared

    def forget(self, retro_id: UUID) -> None:
        """The retro has no live connection here any more."""
        reading = self._readings.get(retro_id)
        if reading is not None and reading.task.done():
            del self._readings[retro_id]

    async def _read(self, retro_id: UUID) -> SharedRead:
        actors = {feed.actor.user.id: feed.actor for feed in self._hub.feeds_of(retro_id)}
        async with self._retros.unit_of_work() as uow:
            viewers: dict[UUID, Viewer | None] = {}
            retro = None
            for user_id, actor in actors.items():
                try:
                    access = await require_retro(uow, actor, retro_id)
                except RetroNotFound:
                    viewers[user_id] = None
                else:
                    viewers[user_id], retro = access.viewer, access.retro
            if retro is None:
                retro = await uow.retros.find(retro_id)
            if retro is None:
                return SharedRead(None, viewers)
            participants = await uow.participants.of_retro(retro.id)
            snapshot = await read_snapshot(uow, retro, participants)
        return SharedRead(snapshot, viewers)


async def _viewer(ctx: RetrosContext, actor: UserActor, retro_id: UUID) -> Viewer | None:
    try:
        async with ctx.unit_of_work() as uow:
            return (await require_retro(uow, actor, retro_id)).viewer
    except RetroNotFound:
        return None


def _failed(task: asyncio.Task[SharedRead]) -> bool:
    return task.done() and (task.cancelled() or task.exception() is not None)
