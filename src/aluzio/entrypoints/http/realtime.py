"""``WS /api/retros/{retroId}/live``: the retro as the viewer may see it, pushed on every
committed change (protocol in docs/realtime.md).

The handshake is refused before it is accepted (close 1008, HTTP 403 for the client) without
a live sign-in session or for a non-member (the Origin check ran in ``SessionMiddleware``).
Every message carries the view ``GET /api/retros/{id}`` would give the viewer at that moment,
read through the same use case; events that arrive together are folded into one read, and a
version is never sent twice or out of order.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
from typing import Any
from uuid import UUID

import msgspec
from litestar import WebSocket, websocket
from litestar.di import NamedDependency
from litestar.exceptions import WebSocketDisconnect
from litestar.params import FromPath

from aluzio.application.actor import UserActor
from aluzio.application.ports.unit_of_work import DatabaseUnavailable
from aluzio.application.realtime.hub import (
    CloseCode,
    LiveFeed,
    PresenceChanged,
    Present,
    Resync,
    RetroEvent,
    Signal,
    TooManyConnections,
)
from aluzio.application.realtime.live import LiveContext, Standing, fresh_view, standing
from aluzio.domain.retros.model import Viewer
from aluzio.domain.retros.visibility import RetroView
from aluzio.entrypoints.http.auth.middleware import actor_of
from aluzio.entrypoints.http.retros.schemas import RetroBody
from aluzio.entrypoints.http.schema import WireStruct

logger = logging.getLogger(__name__)

LIVE_PATH = "/api/retros/{retro_id:uuid}/live"
_CLOSE_TIMEOUT_SECONDS = 2.0
_STANDING_CODES = {
    Standing.SESSION_ENDED: CloseCode.SESSION_ENDED,
    Standing.RETRO_NOT_FOUND: CloseCode.RETRO_NOT_FOUND,
}


class PresentBody(WireStruct):
    """Someone with the retro open: a member of its organization, by id and name."""

    id: UUID
    name: str | None

    @classmethod
    def of(cls, present: Present) -> PresentBody:
        return cls(id=present.user_id, name=present.name)


class Hello(WireStruct, tag_field="type", tag="hello"):
    version: int
    participants: list[PresentBody]  # who has the retro open now, on any instance
    retro: RetroBody


class PresenceMessage(WireStruct):
    type: str  # presence-joined | presence-left
    participant: PresentBody
    participants: list[PresentBody]


class Changed(WireStruct):
    type: str
    version: int
    retro: msgspec.Raw  # a RetroBody, encoded once per viewer and change


_encoder = msgspec.json.Encoder()


class _Ended(Exception):
    def __init__(self, code: CloseCode) -> None:
        self.code = code


@websocket(LIVE_PATH, name="retroLive")
async def retro_live(
    socket: WebSocket[Any, Any, Any],
    retro_id: FromPath[UUID],
    live: NamedDependency[LiveContext],
) -> None:
    actor = actor_of(socket.scope)
    if actor is None:
        await socket.close(CloseCode.POLICY_VIOLATION, "not-signed-in")
        return
    try:
        feed = await live.hub.attach(retro_id, actor)
    except TooManyConnections:
        await socket.accept()
        await socket.close(CloseCode.TOO_MANY_CONNECTIONS, "too-many-connections")
        return
    if feed is None:
        await socket.accept()
        await socket.close(CloseCode.TRY_AGAIN_LATER, "not-listening")
        return
    try:
        await _serve(socket, live, actor, feed)
    finally:
        live.hub.detach(feed)
        if not live.hub.feeds_of(retro_id):
            live.reads.forget(retro_id)


async def _serve(
    socket: WebSocket[Any, Any, Any], live: LiveContext, actor: UserActor, feed: LiveFeed
) -> None:
    try:
        first = await fresh_view(live, actor, feed.retro_id)
    except DatabaseUnavailable:
        await socket.accept()
        await socket.close(CloseCode.SERVER_ERROR, "unavailable")
        return
    if not isinstance(first, RetroView):
        await socket.close(CloseCode.POLICY_VIOLATION, first.value)
        return
    await socket.accept()
    connection = _LiveConnection(socket, live, actor, feed)
    # Handed over, not kept here: this frame lives as long as the connection.
    connection.first = first
    del first
    code = await connection.run()
    if code is not None:
        with contextlib.suppress(Exception):
            async with asyncio.timeout(_CLOSE_TIMEOUT_SECONDS):
                await socket.close(code, code.name.lower().replace("_", "-"))


class _LiveConnection:
    def __init__(
        self,
        socket: WebSocket[Any, Any, Any],
        live: LiveContext,
        actor: UserActor,
        feed: LiveFeed,
    ) -> None:
        self._socket = socket
        self._live = live
        self._actor = actor
        self._feed = feed
        self._limits = live.hub.limits
        self._sent_version = 0
        self._told_present: frozenset[UUID] = frozenset()
        self._viewer: Viewer | None = None  # as of the last re-check
        self.first: RetroView | None = None  # the view the hello carries

    async def run(self) -> CloseCode | None:
        """Serve until the client leaves (None) or the server ends it (the close code)."""
        try:
            await self._hello()
        except _Ended as too_slow:
            return too_slow.code
        except WebSocketDisconnect:
            return None
        except DatabaseUnavailable:
            return CloseCode.SERVER_ERROR
        pump = asyncio.create_task(self._pump())
        inbound = asyncio.create_task(self._inbound())
        # The hub ends a feed (too slow, shutdown) by stopping its pump: no task waits for it.
        self._feed.on_end = pump.cancel
        if self._feed.ended.is_set():
            pump.cancel()
        tasks = {pump, inbound}
        try:
            done, _ = await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
        finally:
            self._feed.on_end = None
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
        if self._feed.end_code is not None:
            return self._feed.end_code
        finished = done.pop()
        error = finished.exception()
        if isinstance(error, _Ended):
            return error.code
        if isinstance(error, WebSocketDisconnect) or error is None:
            return None
        if not isinstance(error, DatabaseUnavailable):
            logger.error("realtime: a live connection failed", exc_info=error)
        return CloseCode.SERVER_ERROR

    async def _inbound(self) -> None:
        """Clients send nothing but keep-alives; anything larger than the limit ends it."""
        limit = self._limits.max_inbound_bytes
        while True:
            message = await self._socket.receive()
            if message["type"] == "websocket.disconnect":
                return
            text, data = message.get("text"), message.get("bytes")
            size = len(text.encode()) if isinstance(text, str) else 0
            size += len(data) if isinstance(data, bytes) else 0
            if size > limit:
                raise _Ended(CloseCode.MESSAGE_TOO_BIG)

    async def _hello(self) -> None:
        # Nothing of the first view is kept once sent: idle connections stay small.
        first, self.first = self.first, None
        assert first is not None
        present = await self._live.hub.present_in(self._feed.retro_id)
        self._told_present = frozenset(p.user_id for p in present)
        await self._send(
            Hello(
                version=first.version,
                participants=[PresentBody.of(p) for p in present],
                retro=RetroBody.of(first),
            )
        )
        self._sent_version = first.version

    async def _pump(self) -> None:
        loop = asyncio.get_running_loop()
        # The first check comes at a random point of the interval, so connections opened
        # together do not all check together ever after.
        check_at = loop.time() + self._limits.recheck_seconds * random.uniform(0.5, 1.0)  # noqa: S311
        while True:
            signals = await self._next_signals(check_at)
            if loop.time() >= check_at:  # is the connection still allowed (busy retro or not)?
                self._viewer = self._check(
                    await standing(self._live, self._actor, self._feed.retro_id)
                )
                check_at = loop.time() + self._limits.recheck_seconds
            if any(isinstance(s, Resync) for s in signals):
                await self._send_fresh("resync", always=True)
            elif events := [s for s in signals if isinstance(s, RetroEvent)]:
                newest = max(events, key=_version)
                if newest.version > self._sent_version:
                    await self._send_fresh(newest.type, always=False)
            if any(isinstance(s, PresenceChanged) for s in signals):
                await self._send_presence()

    async def _send_presence(self) -> None:
        """Who arrived and who left since this client was last told, one message each."""
        present = await self._live.hub.present_in(self._feed.retro_id)
        now = frozenset(p.user_id for p in present)
        everyone = [PresentBody.of(p) for p in present]
        hub = self._live.hub
        left = [Present(user, hub.known_name(user)) for user in self._told_present - now]
        joined = [p for p in present if p.user_id not in self._told_present]
        self._told_present = now
        for kind, people in (("presence-left", left), ("presence-joined", joined)):
            for person in people:
                message = PresenceMessage(
                    type=kind, participant=PresentBody.of(person), participants=everyone
                )
                await self._send(message)

    async def _next_signals(self, deadline: float) -> list[Signal]:
        """The signals waiting now (several events fold into one read), or none by
        ``deadline`` (the loop's time)."""
        try:
            async with asyncio.timeout_at(deadline):
                first = await self._feed.signals.get()
        except TimeoutError:
            return []
        signals = [first, *self._feed.take_pending()]
        self._feed.took(signals)
        return signals

    async def _send_fresh(self, change: str, *, always: bool) -> None:
        """The viewer's view after the signals taken, from a read shared with the retro's
        other connections. Session and membership are those of the last re-check."""
        if self._viewer is None:
            self._viewer = self._check(await standing(self._live, self._actor, self._feed.retro_id))
        shared = await self._live.reads.read(self._feed.retro_id)
        view = shared.view_for(self._viewer)
        if view is None:
            raise _Ended(CloseCode.RETRO_NOT_FOUND)
        if view.version < self._sent_version or (view.version == self._sent_version and not always):
            return
        body = shared.encoded.get(self._viewer)
        if body is None:
            body = shared.encoded[self._viewer] = _encoder.encode(RetroBody.of(view))
        await self._send(Changed(type=change, version=view.version, retro=msgspec.Raw(body)))
        self._sent_version = view.version

    def _check(self, verdict: Viewer | Standing) -> Viewer:
        if isinstance(verdict, Standing):
            raise _Ended(_STANDING_CODES[verdict])
        return verdict

    async def _send(self, message: Hello | Changed | PresenceMessage) -> None:
        try:
            async with asyncio.timeout(self._limits.send_timeout_seconds):
                await self._socket.send_data(_encoder.encode(message).decode(), mode="text")
        except TimeoutError:
            raise _Ended(CloseCode.TOO_SLOW) from None


def _version(event: RetroEvent) -> int:
    return event.version
