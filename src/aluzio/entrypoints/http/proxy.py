"""Who is calling, and over which scheme, as far as this process can trust.

Behind Fly.io's proxy the socket's peer is the proxy, so the real client IP is in
``Fly-Client-IP`` and the original scheme in ``X-Forwarded-Proto``. Those headers are honoured
only when ``ALUZIO_TRUST_PROXY`` says a trusted proxy is in front; otherwise anyone could
forge them, so the socket decides.
"""

from __future__ import annotations

import ipaddress
from typing import Any

from litestar.connection import ASGIConnection

UNKNOWN_CLIENT = "unknown"


def client_ip(connection: ASGIConnection[Any, Any, Any, Any], *, trust_proxy: bool) -> str:
    if trust_proxy:
        forwarded = _valid_ip(connection.headers.get("fly-client-ip", ""))
        if forwarded is not None:
            return forwarded
    client = connection.client
    return client.host if client is not None and client.host else UNKNOWN_CLIENT


def request_scheme(connection: ASGIConnection[Any, Any, Any, Any], *, trust_proxy: bool) -> str:
    if trust_proxy:
        forwarded = connection.headers.get("x-forwarded-proto", "").split(",")[0].strip().lower()
        if forwarded in {"http", "https"}:
            return forwarded
    return str(connection.scope.get("scheme", "http"))


def _valid_ip(raw: str) -> str | None:
    try:
        return str(ipaddress.ip_address(raw.strip()))
    except ValueError:
        return None
