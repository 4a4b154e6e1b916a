"""A request id for every request, echoed in ``X-Request-Id`` and stamped on every log line.

The id comes from Fly.io's proxy (``Fly-Request-Id``) or a caller's ``X-Request-Id`` when it is
a short, plain token; otherwise one is generated. Code serving the request reads it with
``aluzio.entrypoints.logging.current_request_id()`` (or ``request.state.request_id``); log
records get it from the logging filter. One access-log line per request records the
method, path (without the query string), status and duration; never the client's address,
headers or body.
"""

from __future__ import annotations

import logging
import re
import time
import uuid

from litestar.enums import ScopeType
from litestar.types import ASGIApp, Message, Receive, Scope, Send

from aluzio.entrypoints.http.health import HEALTH_PATHS
from aluzio.entrypoints.logging import PRE_REDACTED, bind_request_id, redact

REQUEST_ID_HEADER = "X-Request-Id"
_REQUEST_ID_NAME = REQUEST_ID_HEADER.lower().encode("latin-1")
INCOMING_HEADERS = (b"fly-request-id", b"x-request-id")
QUIET_PATHS = frozenset(HEALTH_PATHS)  # probed every few seconds: logged at debug level

_ACCEPTABLE_ID = re.compile(r"[A-Za-z0-9._:-]{1,128}")

access_logger = logging.getLogger("aluzio.access")


def request_id_from(scope: Scope) -> str:
    """The caller's or proxy's id if it is a plain token that redaction leaves alone."""
    headers = dict(scope.get("headers") or ())
    for name in INCOMING_HEADERS:
        raw = headers.get(name)
        if raw is None:
            continue
        candidate = raw.decode("latin-1").strip()
        if _ACCEPTABLE_ID.fullmatch(candidate) and redact(candidate) == candidate:
            return candidate
    return str(uuid.uuid4())


class RequestContextMiddleware:
    """Outermost ASGI middleware: binds the request id, echoes it and logs the request."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        request_id = request_id_from(scope)
        scope.setdefault("state", {})["request_id"] = request_id
        restore = bind_request_id(request_id)
        started = time.perf_counter()
        status: int | None = None

        echoed = (_REQUEST_ID_NAME, request_id.encode("latin-1"))

        async def send_with_request_id(message: Message) -> None:
            nonlocal status
            if message["type"] in ("http.response.start", "websocket.accept"):
                if message["type"] == "http.response.start":
                    status = message["status"]
                message["headers"] = [
                    *(h for h in message.get("headers", ()) if h[0].lower() != _REQUEST_ID_NAME),
                    echoed,
                ]
            await send(message)

        try:
            await self.app(scope, receive, send_with_request_id)
        finally:
            if scope["type"] == ScopeType.HTTP:
                _log_request(scope, status, time.perf_counter() - started)
            restore()


def _log_request(scope: Scope, status: int | None, seconds: float) -> None:
    path = scope.get("path", "")
    level = logging.DEBUG if path in QUIET_PATHS and status == 200 else logging.INFO
    if not access_logger.isEnabledFor(level):
        return
    # Every request writes this line, so it is built ready to print: the path is its only
    # part a client chooses freely (the HTTP parser accepts known methods only), and it is
    # redacted here once instead of the whole record by the handler's filter.
    method = scope.get("method", "-")
    path = redact(path)
    duration_ms = round(seconds * 1000, 1)
    access_logger.log(
        level,
        f"{method} {path} {status if status is not None else '-'} {duration_ms}ms",
        extra={
            "method": method,
            "path": path,
            "status": status,
            "duration_ms": duration_ms,
            PRE_REDACTED: True,
        },
    )
