"""The in-process fan-out: every retro event heard by this instance's listener goes to the
live connections of that retro, each through a bounded queue of its own; and presence, who
has each retro open on any instance (``presence.py``).

The hub never waits for a connection: a connection whose queue is full is ended (it is too
slow to keep up) instead of being buffered without bound or delaying the others.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections import defaultdict
from collections.abc import Awaitable, Callable, Collection, Mapping
from dataclasses import dataclass, field
from enum import IntEnum
from uuid import UUID, uuid4

from aluzio.application.actor import UserActor
from aluzio.application.ports.listener import EventListener
from aluzio.application.realtime.presence import PRESENCE_CHANNEL, PresenceBook

logger = logging.getLogger(__name__)


class CloseCode(IntEnum):
    """Why the server ends a live connection (the WebSocket close code, in docs/realtime.md)."""

    GOING_AWAY = 1001  # the instance shuts down: reconnect (elsewhere)
    POLICY_VIOLATION = 1008  # refused before it was accepted (HTTP 403 for the client)
    MESSAGE_TOO_BIG = 1009  # the client sent more than the inbound limit
    SERVER_ERROR = 1011  # the database did not answer: reconnect with backoff
    TRY_AGAIN_LATER = 1013  # the instance is not listening yet: reconnect with backoff
    SESSION_ENDED = 4401  # signed out, expired: sign in again
    RETRO_NOT_FOUND = 4404  # retro deleted, or the user is no longer a member
    TOO_SLOW = 4408  # the client did not read fast enough: reconnect and read the retro
    TOO_MANY_CONNECTIONS = 4429  # the user's cap of open connections on this instance


@dataclass(frozen=True, slots=True)
class RetroEvent:
    """One committed change to a retro, as announced on the channel."""

    retro_id: UUID
    version: int
    type: str


@dataclass(frozen=True, slots=True)
class Resync:
    """Events may have been missed: read the retro again."""


@dataclass(frozen=True, slots=True)
class PresenceChanged:
    """Someone opened the retro, or someone's last connection to it closed, somewhere."""


Signal = RetroEvent | Resync | PresenceChanged


@dataclass(frozen=True, slots=True)
class Present:
    """A person with the retro open: a member of its organization, by id and name."""

    user_id: UUID
    name: str | None


# Display names by user id (accounts erased meanwhile are left out).
NameLookup = Callable[[Collection[UUID]], Awaitable[Mapping[UUID, str]]]


@dataclass(frozen=True)
class LiveLimits:
    """The bounds on every live connection of an instance."""

    queue_size: int = 64  # signals waiting for one connection before it counts as too slow
    connections_per_user: int = 10  # on one instance
    max_inbound_bytes: int = 4096  # clients send nothing but small keep-alives
    recheck_seconds: float = 5.0  # how often the session and membership are checked again
    send_timeout_seconds: float = 10.0  # one message not taken by then: too slow
    listen_timeout_seconds: float = 5.0  # wait for the listener before refusing a connection
    # Presence is announced again this often; another instance's announcement expires after
    # three intervals without renewal (presence.py).
    presence_seconds: float = 5.0
    # How long a starting instance waits for the others' answers before its first hello.
    presence_settle_seconds: float = 0.3


@dataclass(eq=False)
class LiveFeed:
    """What one live connection receives, and why it must end (``end_code`` once ``ended``)."""

    retro_id: UUID
    actor: UserActor
    signals: asyncio.Queue[Signal]
    ended: asyncio.Event = field(default_factory=asyncio.Event)
    end_code: CloseCode | None = None
    on_end: Callable[[], object] | None = None  # how the connection is told it must end
    present: bool = False  # counted in presence
    presence_pending: bool = False  # a PresenceChanged waits in the queue already

    @property
    def user_id(self) -> UUID:
        return self.actor.user.id

    def offer(self, signal: Signal) -> None:
        if self.ended.is_set():
            return
        if isinstance(signal, PresenceChanged):
            # One is enough: the connection reads the whole presence when it takes it.
            if self.presence_pending:
                return
            self.presence_pending = True
        try:
            self.signals.put_nowait(signal)
        except asyncio.QueueFull:
            self.end(CloseCode.TOO_SLOW)

    def end(self, code: CloseCode) -> None:
        if not self.ended.is_set():
            self.end_code = code
            self.ended.set()
            if self.on_end is not None:
                self.on_end()

    def take_pending(self) -> list[Signal]:
        """Every signal already waiting, without waiting."""
        pending: list[Signal] = []
        while not self.signals.empty():
            pending.append(self.signals.get_nowait())
        return pending

    def took(self, signals: list[Signal]) -> None:
        if any(isinstance(s, PresenceChanged) for s in signals):
            self.presence_pending = False


class TooManyConnections(Exception):
    """The user already has their cap of live connections on this instance."""


class LiveHub:
    def __init__(
        self,
        listener: EventListener,
        limits: LiveLimits,
        names: NameLookup,
        *,
        instance_id: UUID | None = None,
    ) -> None:
        self._listener = listener
        self.limits = limits
        self._names = names
        self._feeds: dict[UUID, set[LiveFeed]] = defaultdict(set)
        self._per_user: dict[UUID, int] = defaultdict(int)
        self._closing = False
        self._emptied = asyncio.Event()
        self.presence = PresenceBook(instance_id or uuid4(), limits.presence_seconds)
        self._presence_told: dict[UUID, frozenset[UUID]] = {}  # per retro, as last signalled
        self._known_names: dict[UUID, str | None] = {}
        self._announcements: asyncio.Queue[str] = asyncio.Queue()
        self._tasks: list[asyncio.Task[None]] = []
        self._presence_ready: asyncio.Task[None] | None = None
        # Signals heard, counted across retros, and the count at each retro's latest one:
        # a read begun at a count no lower than a retro's shows everything signalled so far.
        self._heard_total = 0
        self._heard: dict[UUID, int] = {}

    async def attach(self, retro_id: UUID, actor: UserActor) -> LiveFeed | None:
        """A feed of the retro's events, from now on; None while the instance cannot listen
        (a client told so retries later). Attach *before* reading the retro, so no change
        committed after the read is missed."""
        user_id = actor.user.id
        if self._per_user[user_id] >= self.limits.connections_per_user:
            raise TooManyConnections()
        if not self._tasks:
            self._start()
        feed = LiveFeed(retro_id, actor, asyncio.Queue(self.limits.queue_size))
        self._feeds[retro_id].add(feed)
        self._emptied.clear()
        self._per_user[user_id] += 1
        if self._closing:
            feed.end(CloseCode.GOING_AWAY)
            return feed
        if not await self._listener.wait_listening(self.limits.listen_timeout_seconds):
            self.detach(feed)
            return None
        await self._presence_settled()
        if feed in self._feeds.get(retro_id, ()):
            feed.present = True
            if self.presence.opened(retro_id, user_id):
                self._announce(self.presence.here_message(retro_id, user_id))
            self._presence_maybe_changed(retro_id)
        return feed

    def detach(self, feed: LiveFeed) -> None:
        feeds = self._feeds.get(feed.retro_id)
        if feeds is None or feed not in feeds:
            return
        feeds.discard(feed)
        if not feeds:
            del self._feeds[feed.retro_id]
            self._heard.pop(feed.retro_id, None)
            if not self._feeds:
                self._emptied.set()
        self._per_user[feed.user_id] -= 1
        if self._per_user[feed.user_id] <= 0:
            del self._per_user[feed.user_id]
        if feed.present:
            feed.present = False
            if self.presence.closed(feed.retro_id, feed.user_id):
                self._announce(self.presence.gone_message(feed.retro_id, feed.user_id))
            self._presence_maybe_changed(feed.retro_id)

    def open_connections(self) -> int:
        return sum(len(feeds) for feeds in self._feeds.values())

    def feeds_of(self, retro_id: UUID) -> list[LiveFeed]:
        return list(self._feeds.get(retro_id, ()))

    def heard(self, retro_id: UUID) -> int:
        """The count at the retro's latest signal (see ``heard_total``)."""
        return self._heard.get(retro_id, 0)

    def heard_total(self) -> int:
        """How many signals this hub has heard; only grows."""
        return self._heard_total

    async def present_in(self, retro_id: UUID) -> list[Present]:
        """Everyone with the retro open anywhere, by name (then id)."""
        users = self.presence.present(retro_id)
        missing = [user for user in users if user not in self._known_names]
        if missing:
            found = await self._names(missing)
            for user in missing:
                self._known_names[user] = found.get(user)
        present = [Present(user, self._known_names.get(user)) for user in users]
        return sorted(present, key=lambda p: (p.name or "", str(p.user_id)))

    def known_name(self, user_id: UUID) -> str | None:
        """The name last looked up for someone present (or just gone)."""
        return self._known_names.get(user_id)

    def notified(self, channel: str, payload: str) -> None:
        if channel == PRESENCE_CHANNEL:
            heard = self.presence.heard(payload)
            if heard.asked:
                self._announce_all()
            for retro_id in heard.retros:
                self._presence_maybe_changed(retro_id)
            return
        try:
            body = json.loads(payload)
            event = RetroEvent(UUID(body["retroId"]), int(body["version"]), str(body["type"]))
        except (ValueError, KeyError, TypeError):
            logger.warning("realtime: ignored a malformed retro event")
            return
        feeds = self._feeds.get(event.retro_id)
        if not feeds:
            return
        self._heard_total += 1
        self._heard[event.retro_id] = self._heard_total
        for feed in list(feeds):
            feed.offer(event)

    def resync(self) -> None:
        self._heard_total += 1
        for retro_id in self._feeds:
            self._heard[retro_id] = self._heard_total
        for feeds in list(self._feeds.values()):
            for feed in list(feeds):
                feed.offer(Resync())
        # Announcements were missed both ways: ask everyone again, and tell them ours.
        self._announce(self.presence.ask_message())
        self._announce_all()

    async def close(self, grace_seconds: float = 5.0) -> None:
        """Ask every connection to go away, give them ``grace_seconds`` to close, tell the
        other instances they are gone, then stop listening."""
        self._closing = True
        for feeds in list(self._feeds.values()):
            for feed in list(feeds):
                feed.end(CloseCode.GOING_AWAY)
        if self._feeds:
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(grace_seconds):
                    await self._emptied.wait()
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(grace_seconds):
                await self._announcements.join()
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        await self._listener.close()

    def _start(self) -> None:
        self._listener.subscribe(self)
        loop = asyncio.get_running_loop()
        self._tasks = [
            loop.create_task(self._send_announcements()),
            loop.create_task(self._renew_presence()),
        ]

    async def _presence_settled(self) -> None:
        """The first time: ask the other instances who they hold, and give them a moment to
        answer, so the first hello already shows them."""
        if self._presence_ready is None:

            async def settle() -> None:
                self._announce(self.presence.ask_message())
                await asyncio.sleep(self.limits.presence_settle_seconds)

            self._presence_ready = asyncio.get_running_loop().create_task(settle())
        await asyncio.shield(self._presence_ready)

    def _presence_maybe_changed(self, retro_id: UUID) -> None:
        """Signal the retro's connections here if who is present differs from what they
        were last told."""
        feeds = self._feeds.get(retro_id)
        if not feeds:
            self._presence_told.pop(retro_id, None)
            return
        now = self.presence.present(retro_id)
        if self._presence_told.get(retro_id) == now:
            return
        self._presence_told[retro_id] = now
        for feed in list(feeds):
            feed.offer(PresenceChanged())

    def _announce(self, message: str) -> None:
        self._announcements.put_nowait(message)

    def _announce_all(self) -> None:
        for message in self.presence.here_messages():
            self._announce(message)

    async def _send_announcements(self) -> None:
        """One at a time, in order; one that cannot be sent is made good by the renewal."""
        while True:
            message = await self._announcements.get()
            try:
                await self._listener.announce(PRESENCE_CHANNEL, message)
            finally:
                self._announcements.task_done()

    async def _renew_presence(self) -> None:
        while True:
            await asyncio.sleep(self.limits.presence_seconds)
            self._announce_all()
            for retro_id in self.presence.expire():
                self._presence_maybe_changed(retro_id)
            present = {u for retro in self._feeds for u in self.presence.present(retro)}
            for user in [u for u in self._known_names if u not in present]:
                del self._known_names[user]
