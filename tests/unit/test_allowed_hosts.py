from __future__ import annotations

import pytest

from aluzio.entrypoints.http.allowed_hosts import AllowedHostsMiddleware


async def _app(scope, receive, send) -> None:  # pragma: no cover - never called here
    raise AssertionError


@pytest.mark.parametrize(
    ("host", "allowed"),
    [
        ("aluzio.example", True),
        ("ALUZIO.example:443", True),
        ("api.aluzio.example", True),
        ("deep.api.aluzio.example:8080", True),
        ("aluzio.example.evil", False),
        ("evilaluzio.example", False),
        ("internal:9000", True),
        ("internal:9001", False),
        ("", False),
    ],
)
def test_host_matching(host: str, allowed: bool) -> None:
    middleware = AllowedHostsMiddleware(
        _app, hosts=("aluzio.example", "*.aluzio.example", "internal:9000"), exempt_paths=()
    )
    assert middleware.allows(host) is allowed
