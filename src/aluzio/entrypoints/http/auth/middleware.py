"""Per API request and WebSocket handshake: refuse foreign origins, resolve the actor from
the session cookie, and (for HTTP) demand the CSRF token.

It runs for paths under ``/api``, the only routes the cookie can authenticate (outside them
the ``actor`` dependency finds no session and answers 401), so health checks and the API
docs never touch the session table. The actor found (or None) is kept in the connection's
state for the ``actor`` dependency, for HTTP handlers and WebSocket handlers alike. A cookie
whose token is not a live session (expired, signed out, or never ours) is never adopted,
and an HTTP response tells the browser to drop it.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from litestar.connection import ASGIConnection
from litestar.enums import ScopeType
from litestar.middleware import ASGIMiddleware
from litestar.types import ASGIApp, Message, Receive, Scope, Send

from aluzio.application.accounts.context import AccountsContext
from aluzio.application.accounts.sessions import authenticate
from aluzio.application.actor import UserActor
from aluzio.entrypoints.http.auth.cookies import MAX_TOKEN_LENGTH, SESSION_COOKIE, SessionCookies
from aluzio.entrypoints.http.auth.csrf import CSRF_HEADER, SAFE_METHODS, csrf_token_matches
from aluzio.entrypoints.http.refusals import CsrfRejected, OriginNotAllowed

ACTOR_STATE_KEY = "aluzio_actor"
API_PREFIX = "/api"
# A WebSocket handshake refused before it is accepted: the client sees HTTP 403.
WEBSOCKET_POLICY_VIOLATION = 1008


def origin_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower()


def presented_token(connection: ASGIConnection[Any, Any, Any, Any]) -> str | None:
    """The session token in the cookie, if it looks like one of ours."""
    token = connection.cookies.get(SESSION_COOKIE)
    return token if token and len(token) <= MAX_TOKEN_LENGTH else None


async def resolve_actor(
    accounts: AccountsContext, connection: ASGIConnection[Any, Any, Any, Any]
) -> UserActor | None:
    """The signed-in user behind an HTTP request or a WebSocket handshake, or None."""
    token = presented_token(connection)
    return await authenticate(accounts, token) if token else None


def actor_of(scope: Scope) -> UserActor | None:
    """The actor the middleware resolved for this connection."""
    actor = scope.get("state", {}).get(ACTOR_STATE_KEY)
    return actor if isinstance(actor, UserActor) else None


class SessionMiddleware(ASGIMiddleware):
    scopes = (ScopeType.HTTP, ScopeType.WEBSOCKET)

    def __init__(
        self,
        accounts: AccountsContext,
        *,
        allowed_origins: tuple[str, ...],
        base_url: str,
        cookies: SessionCookies,
    ) -> None:
        self._accounts = accounts
        self._clear_cookie = cookies.cleared().to_encoded_header()
        self._allowed_origins = frozenset(
            origin_of(origin) for origin in (*allowed_origins, base_url)
        )

    def should_bypass_for_scope(self, scope: Scope) -> bool:
        path = str(scope.get("path", ""))
        return not (path == API_PREFIX or path.startswith(API_PREFIX + "/"))

    async def handle(self, scope: Scope, receive: Receive, send: Send, next_app: ASGIApp) -> None:
        connection: ASGIConnection[Any, Any, Any, Any] = ASGIConnection(scope)
        websocket = scope["type"] == ScopeType.WEBSOCKET
        origin = connection.headers.get("origin")
        if origin is not None and origin.lower() not in self._allowed_origins:
            if websocket:
                await send(
                    {
                        "type": "websocket.close",
                        "code": WEBSOCKET_POLICY_VIOLATION,
                        "reason": OriginNotAllowed.code,
                    }
                )
                return
            raise OriginNotAllowed()
        actor = await resolve_actor(self._accounts, connection)
        method = str(scope.get("method", "GET")).upper()
        if actor is not None and not websocket and method not in SAFE_METHODS:
            presented = connection.headers.get(CSRF_HEADER)
            if not csrf_token_matches(self._accounts.secret_key, actor.token, presented):
                raise CsrfRejected()
        scope.setdefault("state", {})[ACTOR_STATE_KEY] = actor
        if not websocket and connection.cookies.get(SESSION_COOKIE) and actor is None:
            send = self._clearing_stale_cookie(send)
        await next_app(scope, receive, send)

    def _clearing_stale_cookie(self, send: Send) -> Send:
        """Add a Set-Cookie that deletes the cookie, unless the response sets a new one."""
        name = SESSION_COOKIE.encode() + b"="

        async def wrapped(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                if not any(
                    key.lower() == b"set-cookie" and value.startswith(name)
                    for key, value in headers
                ):
                    headers.append(self._clear_cookie)
                    message["headers"] = headers
            await send(message)

        return wrapped
