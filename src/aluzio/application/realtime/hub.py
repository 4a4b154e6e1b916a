"""The in-process fan-out: every retro event heard by this instance's listener goes to the
live connections of that retro, each through a bounded queue of its own.

The hub never waits for a connection: a connection whose queue is full is ended (it is too
slow to keep up) instead of being buffered without bound or delaying the others.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections import defaultdict
from dataclasses import dataclass, field
from enum import IntEnum
from uuid import UUID

from aluzio.application.ports.listener import EventListener

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


Signal = RetroEvent | Resync


@dataclass(frozen=True)
class LiveLimits:
    """The bounds on every live connection of an instance."""

    queue_size: int = 64  # signals waiting for one connection before it counts as too slow
    connections_per_user: int = 10  # on one instance
    max_inbound_bytes: int = 4096  # clients send nothing but small keep-alives
    recheck_seconds: float = 5.0  # how often the session and membership are checked again
    send_timeout_seconds: float = 10.0  # one message not taken by then: too slow
    listen_timeout_seconds: float = 5.0  # wait for the listener before refusing a connection


@dataclass(eq=False)
class LiveFeed:
    """What one live connection receives, and why it must end (``end_code`` once ``ended``)."""

    retro_id: UUID
    user_id: UUID
    signals: asyncio.Queue[Signal]
    ended: asyncio.Event = field(default_factory=asyncio.Event)
    end_code: CloseCode | None = None

    def offer(self, signal: Signal) -> None:
        if self.ended.is_set():
            return
        try:
            self.signals.put_nowait(signal)
        except asyncio.QueueFull:
            self.end(CloseCode.TOO_SLOW)

    def end(self, code: CloseCode) -> None:
        if not self.ended.is_set():
            self.end_code = code
            self.ended.set()

    def take_pending(self) -> list[Signal]:
        """Every signal already waiting, without waiting."""
        pending: list[Signal] = []
        while not self.signals.empty():
            pending.append(self.signals.get_nowait())
        return pending


class TooManyConnections(Exception):
    """The user already has their cap of live connections on this instance."""


class LiveHub:
    def __init__(self, listener: EventListener, limits: LiveLimits) -> None:
        self._listener = listener
        self.limits = limits
        self._feeds: dict[UUID, set[LiveFeed]] = defaultdict(set)
        self._per_user: dict[UUID, int] = defaultdict(int)
        self._subscribed = False
        self._closing = False
        self._emptied = asyncio.Event()

    async def attach(self, retro_id: UUID, user_id: UUID) -> LiveFeed | None:
        """A feed of the retro's events, from now on; None while the instance cannot listen
        (a client told so retries later). Attach *before* reading the retro, so no change
        committed after the read is missed."""
        if self._per_user[user_id] >= self.limits.connections_per_user:
            raise TooManyConnections()
        if not self._subscribed:
            self._subscribed = True
            self._listener.subscribe(self)
        feed = LiveFeed(retro_id, user_id, asyncio.Queue(self.limits.queue_size))
        self._feeds[retro_id].add(feed)
        self._emptied.clear()
        self._per_user[user_id] += 1
        if self._closing:
            feed.end(CloseCode.GOING_AWAY)
        elif not await self._listener.wait_listening(self.limits.listen_timeout_seconds):
            self.detach(feed)
            return None
        return feed

    def detach(self, feed: LiveFeed) -> None:
        feeds = self._feeds.get(feed.retro_id)
        if feeds is None or feed not in feeds:
            return
        feeds.discard(feed)
        if not feeds:
            del self._feeds[feed.retro_id]
            if not self._feeds:
                self._emptied.set()
        self._per_user[feed.user_id] -= 1
        if self._per_user[feed.user_id] <= 0:
            del self._per_user[feed.user_id]

    def open_connections(self) -> int:
        return sum(len(feeds) for feeds in self._feeds.values())

    def feeds_of(self, retro_id: UUID) -> list[LiveFeed]:
        return list(self._feeds.get(retro_id, ()))

    def notified(self, payload: str) -> None:
        try:
            body = json.loads(payload)
            event = RetroEvent(UUID(body["retroId"]), int(body["version"]), str(body["type"]))
        except (ValueError, KeyError, TypeError):
            logger.warning("realtime: ignored a malformed retro event")
            return
        for feed in list(self._feeds.get(event.retro_id, ())):
            feed.offer(event)

    def resync(self) -> None:
        for feeds in list(self._feeds.values()):
            for feed in list(feeds):
                feed.offer(Resync())

    async def close(self, grace_seconds: float = 5.0) -> None:
        """Ask every connection to go away, give them ``grace_seconds`` to close, then stop
        listening."""
        self._closing = True
        for feeds in list(self._feeds.values()):
            for feed in list(feeds):
                feed.end(CloseCode.GOING_AWAY)
        if self._feeds:
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(grace_seconds):
                    await self._emptied.wait()
        await self._listener.close()
