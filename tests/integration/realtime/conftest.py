"""Real time on real sockets: app instances served by uvicorn on 127.0.0.1, each with its own
listening connection, over one test database; people signed in through the HTTP API."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass, replace
from typing import Any

import httpx
import pytest
import uvicorn
from litestar import Litestar

from aluzio.application.realtime.hub import LiveLimits
from aluzio.entrypoints.app import create_app
from aluzio.entrypoints.settings import Settings
from tests.integration.accounts.conftest import fast_hasher
from tests.integration.organizations.conftest import Person
from tests.integration.retros import conftest as retro_fixtures
from tests.support.clock import MutableClock
from tests.support.live_client import LiveClient

clock = retro_fixtures.clock
settings = retro_fixtures.settings
make_app = retro_fixtures.make_app
app = retro_fixtures.app
open_client = retro_fixtures.open_client
sign_up = retro_fixtures.sign_up
team = retro_fixtures.team

ORIGIN = "https://aluzio.test"
FAST = LiveLimits(recheck_seconds=0.5, listen_timeout_seconds=10.0, presence_seconds=0.5)


@dataclass
class Instance:
    """One app instance served on a real socket."""

    app: Litestar
    base_url: str

    @property
    def ws_url(self) -> str:
        return self.base_url.replace("http://", "ws://")

    def live(self, retro_id: str, person: Person | None, **options: Any) -> LiveClient:
        cookie = person.client.cookies.get("_aluzio_key") if person else None
        options.setdefault("origin", ORIGIN)
        return LiveClient(f"{self.ws_url}/api/retros/{retro_id}/live", cookie=cookie, **options)

    def http(self, person: Person) -> httpx.AsyncClient:
        """``person``'s browser, talking to this instance."""
        return httpx.AsyncClient(
            base_url=self.base_url,
            cookies={"_aluzio_key": person.client.cookies.get("_aluzio_key") or ""},
            headers={"X-CSRF-Token": person.csrf, "Origin": ORIGIN},
            timeout=20,
        )


@asynccontextmanager
async def serve(app: Litestar, ping_seconds: float = 20.0) -> AsyncIterator[Instance]:
    listening = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listening.bind(("127.0.0.1", 0))
    port = listening.getsockname()[1]
    config = uvicorn.Config(
        app,
        log_config=None,
        lifespan="on",
        ws_max_size=64 * 1024,
        ws_ping_interval=ping_seconds,
        ws_ping_timeout=ping_seconds,
    )
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve(sockets=[listening]))
    try:
        async with asyncio.timeout(10):
            while not server.started:  # noqa: ASYNC110  (uvicorn offers no event to wait on)
                await asyncio.sleep(0.02)
        yield Instance(app, f"http://127.0.0.1:{port}")
    finally:
        server.should_exit = True
        await asyncio.wait_for(task, 30)
        listening.close()


Serve = Callable[..., AbstractAsyncContextManager[Instance]]


@pytest.fixture
def instance(settings: Settings, clock: MutableClock) -> Serve:
    """``async with instance() as a:``: a new app instance on the test database."""

    def start(
        limits: LiveLimits = FAST, ping_seconds: float = 20.0, **changes: Any
    ) -> AbstractAsyncContextManager[Instance]:
        app = create_app(
            replace(settings, **changes) if changes else settings,
            clock=clock,
            password_hasher=fast_hasher(),
            live_limits=limits,
        )
        return serve(app, ping_seconds)

    return start
