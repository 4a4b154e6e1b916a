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
    OpenAPI document included, gets :data:`API_CSP`. Every response passes here, so the
    headers are encoded once and the response's list is read in one pass.
    """

    def __init__(
        self, app: ASGIApp, *, trust_proxy: bool, docs_root: str | None, docs_policy: str
    ) -> None:
        self.app = app
        self.trust_proxy = trust_proxy
        self.docs_root = docs_root.rstrip("/") if docs_root else None
        self.docs_policy = docs_policy
        self._common = [_encoded(name, value) for name, value in COMMON_HEADERS.items()]
        self._api_csp = _encoded(_CSP, API_CSP)
        self._docs_csp = _encoded(_CSP, docs_policy)
        self._hsts = _encoded(_HSTS, HSTS)

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
                message["headers"] = self._completed(message.get("headers", ()), docs, https)
            await send(message)

        await self.app(scope, receive, send_with_headers)

    def _completed(
        self, headers: Iterable[tuple[bytes, bytes]], docs: bool, https: bool
    ) -> list[tuple[bytes, bytes]]:
        present: set[bytes] = set()
        kept: list[tuple[bytes, bytes]] = []
        content_type = b""
        for name, value in headers:
            lowered = name.lower()
            present.add(lowered)
            if lowered == b"content-type":
                content_type = value
            kept.append((name, value))
        if b"access-control-allow-origin" not in present:
            # Litestar's CORS middleware also answers unlisted origins with
            # "Allow-Credentials: true"; credentials are for listed origins only.
            kept = [header for header in kept if header[0].lower() != _ALLOW_CREDENTIALS]
        if _CSP not in present:
            is_html = content_type.startswith(b"text/html")
            kept.append(self._docs_csp if docs and is_html else self._api_csp)
        kept.extend(header for header in self._common if header[0] not in present)
        if https and _HSTS not in present:
            kept.append(self._hsts)
        return kept


_CSP = b"content-security-policy"
_HSTS = b"strict-transport-security"
_ALLOW_CREDENTIALS = b"access-control-allow-credentials"


def _encoded(name: str | bytes, value: str) -> tuple[bytes, bytes]:
    raw = name if isinstance(name, bytes) else name.encode("latin-1")
    return raw.lower(), value.encode("latin-1")
