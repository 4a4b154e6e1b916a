"""A WebSocket handshake resolves the actor exactly as an HTTP request does: from the
session cookie, behind the same Origin check."""

from __future__ import annotations

from typing import Any

import pytest
from litestar import WebSocket, websocket
from litestar.di import NamedDependency
from litestar.exceptions import WebSocketDisconnect

from aluzio.application.actor import UserActor
from aluzio.entrypoints.http.auth.middleware import actor_of

COOKIE = "_aluzio_key"


@websocket("/api/test/whoami")
async def whoami(socket: WebSocket[Any, Any, Any]) -> None:
    await socket.accept()
    actor = actor_of(socket.scope)
    await socket.send_json({"email": actor.user.email if actor else None})
    await socket.close()


@websocket("/api/test/whoami-required")
async def whoami_required(
    socket: WebSocket[Any, Any, Any], auth: NamedDependency[UserActor]
) -> None:
    await socket.accept()
    await socket.send_json({"email": auth.user.email, "session": str(auth.session.id)})
    await socket.close()


@pytest.fixture
def ws_app(app):
    app.register(whoami)
    app.register(whoami_required)
    return app


async def test_a_signed_in_handshake_carries_the_user(ws_app, client, register) -> None:
    await register()
    cookie = client.cookies.get(COOKIE)
    session = (await client.get("/api/auth/session")).json()
    with await client.websocket_connect("/api/test/whoami", cookies={COOKIE: cookie}) as socket:
        assert socket.receive_json() == {"email": "ada@example.com"}
    with await client.websocket_connect(
        "/api/test/whoami-required", cookies={COOKIE: cookie}
    ) as socket:
        body = socket.receive_json()
    assert body["email"] == session["user"]["email"]


async def test_an_anonymous_or_stale_handshake_has_no_actor(ws_app, client) -> None:
    with await client.websocket_connect("/api/test/whoami") as socket:
        assert socket.receive_json() == {"email": None}
    stale = {COOKIE: "x" * 43}
    with await client.websocket_connect("/api/test/whoami", cookies=stale) as socket:
        assert socket.receive_json() == {"email": None}


async def test_a_handshake_from_a_foreign_origin_is_refused(ws_app, client, register) -> None:
    await register()
    cookie = client.cookies.get(COOKIE)
    foreign = {"Origin": "https://evil.example"}
    with (
        pytest.raises(WebSocketDisconnect) as refused,
        await client.websocket_connect(
            "/api/test/whoami", cookies={COOKIE: cookie}, headers=foreign
        ) as socket,
    ):
        socket.receive_json()
    assert refused.value.code == 1008
    allowed = {"Origin": "https://app.aluzio.test"}
    with await client.websocket_connect(
        "/api/test/whoami", cookies={COOKIE: cookie}, headers=allowed
    ) as socket:
        assert socket.receive_json() == {"email": "ada@example.com"}
