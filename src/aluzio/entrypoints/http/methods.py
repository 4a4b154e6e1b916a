"""HTTP methods at the edge: HEAD wherever GET works, and an ``Allow`` header that is true.

Litestar 2 answers HEAD with 405 unless a route declares it, and the OPTIONS handler it adds
to a path lists only the methods of the first handler registered there (``OPTIONS /api/me``
left out PATCH). :class:`MethodsMiddleware` wraps the ASGI app:

- a HEAD request is served by the path's GET handler, and only its status and headers are
  sent (RFC 9110, 9.3.2);
- every ``Allow`` header (OPTIONS and 405 answers) lists all the methods of the matched path,
  HEAD included where GET is, taken from the app's routes.
"""

from __future__ import annotations

from typing import cast

from litestar import Litestar
from litestar.datastructures import MutableScopeHeaders
from litestar.enums import ScopeType
from litestar.routes import HTTPRoute
from litestar.types import ASGIApp, Message, Receive, Scope, Send


def allowed_methods(app: Litestar, path_template: str) -> str | None:
    """The ``Allow`` value of a route path, or None when no route has that path."""
    methods: set[str] = set()
    for route in app.routes:
        if isinstance(route, HTTPRoute) and route.path == path_template:
            methods.update(method.upper() for method in route.methods)
    if not methods:
        return None
    if "GET" in methods:
        methods.add("HEAD")
    methods.add("OPTIONS")
    return ", ".join(sorted(methods))


class MethodsMiddleware:
    def __init__(self, app: ASGIApp, *, litestar: Litestar) -> None:
        self.app = app
        self.litestar = litestar

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != ScopeType.HTTP:
            await self.app(scope, receive, send)
            return
        head = scope["method"] == "HEAD"
        if head:
            # A copy, so the access log outside still reads HEAD.
            scope = cast("Scope", {**scope, "method": "GET"})

        async def send_fixed(message: Message) -> None:
            if message["type"] == "http.response.start":
                if any(name.lower() == b"allow" for name, _ in message.get("headers", ())):
                    headers = MutableScopeHeaders.from_message(message)
                    # A 405 is raised before the router records the template.
                    template = scope.get("path_template") or scope["path"]
                    allow = allowed_methods(self.litestar, template)
                    if allow is not None:
                        headers["Allow"] = allow
            elif head and message["type"] == "http.response.body":
                message = {**message, "body": b""}
            await send(message)

        await self.app(scope, receive, send_fixed)
