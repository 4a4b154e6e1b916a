"""Every error is an RFC 9457 problem-details document, produced in one place."""

from __future__ import annotations

from dataclasses import replace

import msgspec
import pytest
from litestar import Litestar, post
from litestar.params import JSONBody
from litestar.testing import AsyncTestClient

from aluzio.domain.errors import Conflict, TooManyAttempts
from aluzio.entrypoints.app import create_app
from aluzio.entrypoints.http.problems import PROBLEM_MEDIA_TYPE
from aluzio.entrypoints.settings import Settings


class Widget(msgspec.Struct, rename="camel"):
    display_name: str
    size: int


@post("/test/widgets")
async def create_widget(data: JSONBody[Widget]) -> Widget:
    return data


@post("/test/conflict")
async def conflicting() -> None:
    raise Conflict("That name is taken.")


@post("/test/throttled")
async def throttled() -> None:
    raise TooManyAttempts(retry_after_seconds=42)


@post("/test/crash")
async def crash() -> None:
    raise RuntimeError("secret internal detail /srv/app.py line 12")


@pytest.fixture
async def client(settings: Settings):
    app = create_app(replace(settings, max_request_body_bytes=2048))
    for handler in (create_widget, conflicting, throttled, crash):
        app.register(handler)
    async with AsyncTestClient(app) as test_client:
        yield test_client


def assert_problem(response, status: int) -> dict:
    assert response.status_code == status
    assert response.headers["content-type"].startswith(PROBLEM_MEDIA_TYPE)
    body = response.json()
    assert body["status"] == status
    assert body["type"].startswith("https://")
    assert body["title"]
    return body


async def test_malformed_json_is_a_400_problem(client: AsyncTestClient[Litestar]) -> None:
    response = await client.post(
        "/test/widgets",
        content=b'{"displayName": "x", ',
        headers={"content-type": "application/json"},
    )
    assert_problem(response, 400)


async def test_failed_validation_names_the_fields(client: AsyncTestClient[Litestar]) -> None:
    response = await client.post("/test/widgets", json={"displayName": "x", "size": "big"})
    body = assert_problem(response, 400)
    assert any("size" in error["field"] or "size" in error["message"] for error in body["errors"])


async def test_missing_field_is_named(client: AsyncTestClient[Litestar]) -> None:
    response = await client.post("/test/widgets", json={"size": 3})
    body = assert_problem(response, 400)
    assert "displayName" in str(body["errors"])


async def test_valid_body_passes(client: AsyncTestClient[Litestar]) -> None:
    response = await client.post("/test/widgets", json={"displayName": "x", "size": 3})
    assert response.status_code == 201
    assert response.json() == {"displayName": "x", "size": 3}


async def test_unknown_route_is_a_404_problem(client: AsyncTestClient[Litestar]) -> None:
    assert_problem(await client.get("/no/such/route"), 404)


async def test_wrong_method_is_a_405_problem(client: AsyncTestClient[Litestar]) -> None:
    assert_problem(await client.delete("/healthz"), 405)


async def test_domain_conflict_is_a_409(client: AsyncTestClient[Litestar]) -> None:
    body = assert_problem(await client.post("/test/conflict"), 409)
    assert body["detail"] == "That name is taken."
    assert body["type"].endswith("/conflict")


async def test_throttling_carries_retry_after(client: AsyncTestClient[Litestar]) -> None:
    response = await client.post("/test/throttled")
    assert_problem(response, 429)
    assert response.headers["retry-after"] == "42"


async def test_unexpected_exception_hides_internals(client: AsyncTestClient[Litestar]) -> None:
    response = await client.post("/test/crash")
    body = assert_problem(response, 500)
    assert "secret" not in response.text
    assert "Traceback" not in response.text
    assert body["detail"] == "An unexpected error occurred."


async def test_request_body_is_size_limited(client: AsyncTestClient[Litestar]) -> None:
    big = {"displayName": "x" * 4096, "size": 1}
    assert_problem(await client.post("/test/widgets", json=big), 413)
