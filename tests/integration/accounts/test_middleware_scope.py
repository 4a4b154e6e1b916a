"""The session middleware covers the API only: other paths never read the session table."""

from __future__ import annotations

from litestar.testing import AsyncTestClient

from aluzio.entrypoints.app import create_app
from aluzio.entrypoints.settings import Settings

UNREACHABLE = "postgresql://nobody@127.0.0.1:1/none"


async def test_health_with_a_cookie_and_any_origin_needs_no_database() -> None:
    app = create_app(Settings(database_url=UNREACHABLE, secret_key="k" * 40))
    async with AsyncTestClient(app, base_url="https://aluzio.test") as client:
        client.cookies.set("_aluzio_key", "x" * 43, domain="aluzio.test")
        response = await client.get("/healthz", headers={"Origin": "https://elsewhere.example"})
    assert response.status_code == 200


async def test_api_paths_are_covered(client) -> None:
    response = await client.get("/api/me", headers={"Origin": "https://elsewhere.example"})
    assert response.status_code == 403
