"""A small reference client of ``WS /api/retros/{retroId}/live`` (docs/realtime.md).

It keeps the newest retro view it was sent, and who has the retro open, and checks the
protocol's promises as it goes: versions only grow, never repeat, and every message but
``resync`` carries a newer view; presence messages say who arrived or left, never twice.
"""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any

from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

COOKIE = "_aluzio_key"


@dataclass
class LiveClient:
    url: str
    cookie: str | None = None
    origin: str | None = None
    max_queue: int = 16
    messages: list[dict[str, Any]] = field(default_factory=list)
    retro: dict[str, Any] | None = None
    version: int = 0
    participants: dict[str, dict[str, Any]] = field(default_factory=dict)  # by id
    presence: list[dict[str, Any]] = field(default_factory=list)  # presence messages
    _socket: ClientConnection | None = None

    async def __aenter__(self) -> LiveClient:
        headers = {}
        if self.cookie is not None:
            headers["Cookie"] = f"{COOKIE}={self.cookie}"
        if self.origin is not None:
            headers["Origin"] = self.origin
        self._socket = await connect(
            self.url, additional_headers=headers, max_queue=self.max_queue, open_timeout=10
        )
        return self

    async def __aexit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._socket is not None:
            await self._socket.close()

    @property
    def socket(self) -> ClientConnection:
        assert self._socket is not None
        return self._socket

    async def receive(self, seconds: float = 10.0) -> dict[str, Any]:
        """The next message about the retro (presence messages on the way are applied to
        ``participants``), checked against what came before."""
        async with asyncio.timeout(seconds):
            while True:
                message = await self._next()
                if not message["type"].startswith("presence-"):
                    return message

    async def until_present(self, *ids: str, seconds: float = 10.0) -> None:
        """Read until exactly ``ids`` have the retro open."""
        async with asyncio.timeout(seconds):
            while set(self.participants) != set(ids):
                await self._next()

    async def _next(self) -> dict[str, Any]:
        message: dict[str, Any] = json.loads(await self.socket.recv())
        kind = message["type"]
        if kind == "hello":
            self.participants = {p["id"]: p for p in message["participants"]}
        if kind.startswith("presence-"):
            person = message["participant"]
            if kind == "presence-joined":
                assert person["id"] not in self.participants, message
                self.participants[person["id"]] = person
            else:
                assert kind == "presence-left", message
                assert self.participants.pop(person["id"], None) is not None, message
            assert message["participants"] == sorted(
                self.participants.values(), key=lambda p: (p["name"] or "", p["id"])
            ), message
            self.presence.append(message)
            return message
        version = message.get("version")
        if message["type"] == "resync":
            assert version is not None, message
            assert version >= self.version, message
        elif version is not None:
            assert version > self.version, (version, self.version)
        if version is not None:
            self.version = version
            self.retro = message["retro"]
        self.messages.append(message)
        return message

    async def until_version(self, version: int, seconds: float = 20.0) -> dict[str, Any]:
        """Read until the view reaches ``version``."""
        async with asyncio.timeout(seconds):
            while self.version < version:
                await self.receive(seconds)
        assert self.retro is not None
        return self.retro

    async def closed_with(self, seconds: float = 10.0) -> int | None:
        """The close code the server ends with (reading whatever comes before)."""
        try:
            async with asyncio.timeout(seconds):
                while True:
                    await self.socket.recv()
        except ConnectionClosed as closed:
            return closed.rcvd.code if closed.rcvd else None
