"""Per API request: refuse foreign origins, recognise the session cookie, demand the CSRF
token.

It runs for paths under ``/api``, the only routes the cookie can authenticate (outside them
the ``auth`` dependency finds no session and answers 401), so health checks and the API docs
never touch the session table. The session found (or None) is kept in the request state for
the ``auth`` dependency. A cookie whose token is not a live session (expired, signed out,
or never ours) is never adopted, and the response tells the browser to drop it.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from litestar.connection import ASGIConnection
from litestar.enums import ScopeType
from litestar.middleware import ASGIMiddleware
from litestar.types import ASGIApp, Message, Receive, Scope, Send

from aluzio.application.accounts.context import AccountsContext
from aluzio.application.accounts.sessions import Authenticated, authenticate
from aluzio.domain.accounts.errors import CsrfRejected, OriginNotAllowed
from aluzio.entrypoints.http.auth.cookies import (
    MAX_TOKEN_LENGTH,
    SESSION_COOKIE,
    cleared_session_cookie,
)
from aluzio.entrypoints.http.auth.csrf import CSRF_HEADER, SAFE_METHODS, csrf_token_matches

AUTH_STATE_KEY = "aluzio_auth"
API_PREFIX = "/api"


def origin_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower()


class SessionMiddleware(ASGIMiddleware):
    scopes = (ScopeType.HTTP,)

    def __init__(
        self,
        accounts: AccountsContext,
        *,
        allowed_origins: tuple[str, ...],
        base_url: str,
        secure_cookie: bool,
    ) -> None:
        self._accounts = accounts
        self._clear_cookie = cleared_session_cookie(secure=secure_cookie).to_encoded_header()
        self._allowed_origins = frozenset(
            origin_of(origin) for origin in (*allowed_origins, base_url)
        )

    def should_bypass_for_scope(self, scope: Scope) -> bool:
        path = str(scope.get("path", ""))
        return not (path == API_PREFIX or path.startswith(API_PREFIX + "/"))

    async def handle(self, scope: Scope, receive: Receive, send: Send, next_app: ASGIApp) -> None:
        connection: ASGIConnection[Any, Any, Any, Any] = ASGIConnection(scope)
        origin = connection.headers.get("origin")
        if origin is not None and origin.lower() not in self._allowed_origins:
            raise OriginNotAllowed()
        auth: Authenticated | None = None
        token = connection.cookies.get(SESSION_COOKIE)
        if token and len(token) <= MAX_TOKEN_LENGTH:
            auth = await authenticate(self._accounts, token)
        method = str(scope.get("method", "GET")).upper()
        if auth is not None and method not in SAFE_METHODS:
            presented = connection.headers.get(CSRF_HEADER)
            if not csrf_token_matches(self._accounts.secret_key, auth.token, presented):
                raise CsrfRejected()
        scope.setdefault("state", {})[AUTH_STATE_KEY] = auth
        if token and auth is None:
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
