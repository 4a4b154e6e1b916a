"""Client IP and scheme come from proxy headers only when the proxy is trusted."""

from __future__ import annotations

import pytest
from litestar import Litestar, Request, get
from litestar.testing import AsyncTestClient

from aluzio.entrypoints.http.proxy import client_ip, request_scheme

FORGED = {"Fly-Client-IP": "203.0.113.7", "X-Forwarded-Proto": "https"}


def app_trusting(trust_proxy: bool) -> Litestar:
    @get("/whoami")
    async def whoami(request: Request) -> dict[str, str]:
        return {
            "ip": client_ip(request, trust_proxy=trust_proxy),
            "scheme": request_scheme(request, trust_proxy=trust_proxy),
        }

    return Litestar([whoami])


@pytest.mark.parametrize(
    ("trust_proxy", "expected"),
    [
        (True, {"ip": "203.0.113.7", "scheme": "https"}),
        (False, {"ip": "testclient", "scheme": "http"}),
    ],
)
async def test_proxy_headers_are_honoured_only_when_trusted(
    trust_proxy: bool, expected: dict[str, str]
) -> None:
    async with AsyncTestClient(app_trusting(trust_proxy)) as client:
        response = await client.get("/whoami", headers=FORGED)
    assert response.json() == expected


async def test_a_malformed_forwarded_ip_falls_back_to_the_socket() -> None:
    async with AsyncTestClient(app_trusting(True)) as client:
        response = await client.get("/whoami", headers={"Fly-Client-IP": "not-an-ip"})
    assert response.json()["ip"] == "testclient"
