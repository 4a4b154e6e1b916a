"""CSRF: cookie-authenticated unsafe requests carry the session's X-CSRF-Token; foreign
origins are refused."""

from __future__ import annotations

import pytest

from tests.integration.accounts.conftest import csrf_of, login

UNSAFE = [
    ("POST", "/api/auth/logout"),
    ("PATCH", "/api/me"),
    ("POST", "/api/me/password"),
    ("DELETE", "/api/me/sessions/others"),
    ("POST", "/api/auth/verify-email/resend"),
]


@pytest.mark.parametrize(("method", "path"), UNSAFE)
async def test_missing_token_is_refused(client, register, method, path) -> None:
    await register()
    response = await client.request(method, path, json={"name": "Eve"})
    assert response.status_code == 403
    assert response.json()["type"].endswith("/csrf-rejected")
    assert response.headers["content-type"].startswith("application/problem+json")
    assert (await client.get("/api/auth/session")).status_code == 200


async def test_wrong_token_is_refused(client, register) -> None:
    await register()
    csrf = await csrf_of(client)
    forged = csrf[:-2] + ("AA" if not csrf.endswith("AA") else "BB")
    response = await client.patch("/api/me", json={"name": "Eve"}, headers={"X-CSRF-Token": forged})
    assert response.status_code == 403
    assert (await client.get("/api/me")).json()["name"] == "Ada Lovelace"


async def test_token_of_another_session_is_refused(client, register, open_client) -> None:
    await register()
    async with open_client() as other:
        await login(other)
        foreign = await csrf_of(other)
    response = await client.patch(
        "/api/me", json={"name": "Eve"}, headers={"X-CSRF-Token": foreign}
    )
    assert response.status_code == 403


async def test_right_token_is_accepted(client, register) -> None:
    await register()
    csrf = await csrf_of(client)
    response = await client.patch("/api/me", json={"name": "Eve"}, headers={"X-CSRF-Token": csrf})
    assert response.status_code == 200
    assert response.json()["name"] == "Eve"


async def test_login_returns_the_token_of_its_new_session(client, register, open_client) -> None:
    await register()
    async with open_client() as other:
        body = (await login(other)).json()
        assert body["csrfToken"] == await csrf_of(other)
        assert body["csrfToken"] != await csrf_of(client)


async def test_foreign_origin_is_refused(client, register) -> None:
    response = await client.post(
        "/api/auth/login",
        json={"email": "ada@example.com", "password": "x" * 20},
        headers={"Origin": "https://evil.example"},
    )
    assert response.status_code == 403
    assert response.json()["type"].endswith("/origin-not-allowed")
    response = await register()
    csrf = await csrf_of(client)
    response = await client.patch(
        "/api/me", json={"name": "Eve"}, headers={"X-CSRF-Token": csrf, "Origin": "null"}
    )
    assert response.status_code == 403


@pytest.mark.parametrize("origin", ["https://app.aluzio.test", "https://aluzio.test"])
async def test_allowed_origins_and_the_base_url_pass(client, origin) -> None:
    response = await client.post(
        "/api/auth/password-reset", json={"email": "a@example.com"}, headers={"Origin": origin}
    )
    assert response.status_code == 202
