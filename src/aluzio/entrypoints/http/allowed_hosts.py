"""Refuse requests for host names the service does not serve (``ALUZIO_ALLOWED_HOSTS``).

Litestar's own allowed-hosts middleware answers with a body of its own; this one answers with
the same problem-details document as every other error. A listed name without a port matches
that name on any port; ``*.example.com`` matches its subdomains; ``*`` alone allows any host.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable

import msgspec
from litestar.datastructures import Headers
from litestar.enums import ScopeType
from litestar.response.base import ASGIResponse
from litestar.types import ASGIApp, Receive, Scope, Send

from aluzio.entrypoints.http.problems import PROBLEM_MEDIA_TYPE, PROBLEM_TYPE_BASE, Problem
from aluzio.entrypoints.settings import ANY_HOST

_REFUSAL = msgspec.json.encode(
    Problem(
        type=PROBLEM_TYPE_BASE + "invalid-host",
        title="Invalid host",
        status=400,
        detail="This service does not answer for that host name.",
    )
)


class AllowedHostsMiddleware:
    def __init__(
        self, app: ASGIApp, *, hosts: Iterable[str], exempt_paths: Collection[str]
    ) -> None:
        self._app = app
        self._exempt_paths = exempt_paths
        listed = [host.lower() for host in hosts]
        self._allow_any = ANY_HOST in listed
        self._exact = {host for host in listed if not host.startswith("*.")}
        self._suffixes = tuple(host[1:] for host in listed if host.startswith("*."))

    def allows(self, host_header: str) -> bool:
        host = host_header.strip().lower()
        name = host.rsplit(":", 1)[0] if not host.endswith("]") else host
        candidates = {host, name}
        if candidates & self._exact:
            return True
        return any(candidate.endswith(self._suffixes) for candidate in candidates)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            self._allow_any
            or scope["type"] not in (ScopeType.HTTP, ScopeType.WEBSOCKET)
            or scope["path"] in self._exempt_paths
            or self.allows(Headers.from_scope(scope).get("host", ""))
        ):
            await self._app(scope, receive, send)
            return
        if scope["type"] == ScopeType.WEBSOCKET:
            await send({"type": "websocket.close", "code": 1008, "reason": ""})
            return
        refusal = ASGIResponse(body=_REFUSAL, status_code=400, media_type=PROBLEM_MEDIA_TYPE)
        await refusal(scope, receive, send)
