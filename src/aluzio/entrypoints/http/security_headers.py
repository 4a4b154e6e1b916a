"""Security headers on every HTTP response: success, problem+json error and API docs alike.

- ``Strict-Transport-Security`` (one year, subdomains) when the request came over HTTPS, as
  far as :func:`aluzio.entrypoints.http.proxy.request_scheme` can trust;
- ``Content-Security-Policy``: the API answers JSON, so nothing may load and nothing may frame
  it; the HTML docs page (Scalar) gets a policy that allows exactly what it loads;
- ``X-Content-Type-Options: nosniff``, ``Referrer-Policy: no-referrer``,
  ``Cross-Origin-Opener-Policy`` and ``Cross-Origin-Resource-Policy``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from urllib.parse import urlsplit

from litestar.connection import ASGIConnection
from litestar.datastructures import MutableScopeHeaders
from litestar.enums import ScopeType
from litestar.types import ASGIApp, Message, Receive, Scope, Send

from aluzio.entrypoints.http.proxy import request_scheme

HSTS = "max-age=31536000; includeSubDomains"
API_CSP = "default-src 'none'; frame-ancestors 'none'"

COMMON_HEADERS: Mapping[str, str] = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
}


def docs_csp(
    *, script_urls: Iterable[str], style_urls: Iterable[str], image_urls: Iterable[str]
) -> str:
    """The policy for the docs page, allowing the origins its scripts, styles and icon use.

    A URL on this server counts as ``'self'``. Scalar also injects inline styles and fetches
    the OpenAPI document (and "try it" requests) from this origin; it is told not to load web
    fonts (see ``entrypoints/http/docs.py``), so fonts come only from here.
    """
    scripts = " ".join(sorted({_origin(url) for url in script_urls if url}))
    styles = " ".join(sorted({_origin(url) for url in style_urls if url}))
    images = " ".join(sorted({_origin(url) for url in image_urls if url} - {"'self'"}))
    return "; ".join(
        [
            "default-src 'none'",
            f"script-src {scripts or chr(39) + 'none' + chr(39)}",
            f"style-src 'unsafe-inline' {styles}".rstrip(),
            f"img-src 'self' data: {images}".rstrip(),
            "font-src 'self' data:",
            "connect-src 'self'",
            "base-uri 'none'",
            "form-action 'none'",
            "frame-ancestors 'none'",
        ]
    )


def _origin(url: str) -> str:
    parts = urlsplit(url)
    if not parts.netloc:
        return "'self'"
    return f"{parts.scheme}://{parts.netloc}"


class SecurityHeadersMiddleware:
    """Adds the headers to every HTTP response that does not already set them.

    HTML under the OpenAPI path (the docs page) gets ``docs_policy``; everything else, the
    OpenAPI document included, gets :data:`API_CSP`.
    """

    def __init__(
        self, app: ASGIApp, *, trust_proxy: bool, docs_root: str | None, docs_policy: str
    ) -> None:
        self.app = app
        self.trust_proxy = trust_proxy
        self.docs_root = docs_root.rstrip("/") if docs_root else None
        self.docs_policy = docs_policy

    def _is_docs(self, path: str) -> bool:
        root = self.docs_root
        return root is not None and (path == root or path.startswith(root + "/"))

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != ScopeType.HTTP:
            await self.app(scope, receive, send)
            return
        https = request_scheme(ASGIConnection(scope), trust_proxy=self.trust_proxy) == "https"
        docs = self._is_docs(scope.get("path", ""))

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message.setdefault("headers", [])
                headers = MutableScopeHeaders.from_message(message)
                is_html = (headers.get("content-type") or "").startswith("text/html")
                policy = self.docs_policy if docs and is_html else API_CSP
                headers.setdefault("Content-Security-Policy", policy)
                for name, value in COMMON_HEADERS.items():
                    headers.setdefault(name, value)
                if https:
                    headers.setdefault("Strict-Transport-Security", HSTS)
                if "access-control-allow-origin" not in headers:
                    # Litestar's CORS middleware also answers unlisted origins with
                    # "Allow-Credentials: true"; credentials are for listed origins only.
                    del headers["Access-Control-Allow-Credentials"]
            await send(message)

        await self.app(scope, receive, send_with_headers)
