"""Email verification: a hashed, single-use, 48-hour token sent as a fragment link."""

from __future__ import annotations

import hashlib

import asyncpg
from litestar import get
from litestar.di import NamedDependency

from aluzio.adapters.postgres.database import to_asyncpg_dsn
from aluzio.application.actor import UserActor
from tests.integration.accounts.conftest import csrf_of
from tests.support.outbox import enqueued_mail

LINK = "https://aluzio.test/auth/verify-email"


async def verification_token(database_url: str) -> str:
    mail = (await enqueued_mail(database_url, category="verify-email"))[-1]
    return mail.link_token(LINK)


async def test_the_link_verifies_the_address(client, register, database_url) -> None:
    await register()
    token = await verification_token(database_url)
    csrf = await csrf_of(client)
    response = await client.post(
        "/api/auth/verify-email", json={"token": token}, headers={"X-CSRF-Token": csrf}
    )
    assert response.status_code == 200
    assert response.json()["user"]["emailVerified"] is True
    assert (await client.get("/api/me")).json()["emailVerified"] is True


async def test_the_link_works_without_a_session(register, open_client, database_url) -> None:
    await register()
    token = await verification_token(database_url)
    async with open_client() as other_browser:
        response = await other_browser.post("/api/auth/verify-email", json={"token": token})
    assert response.status_code == 200


async def test_the_token_is_stored_hashed(register, database_url) -> None:
    await register()
    token = await verification_token(database_url)
    connection = await asyncpg.connect(to_asyncpg_dsn(database_url))
    try:
        [row] = await connection.fetch("SELECT token_hash FROM account_tokens")
    finally:
        await connection.close()
    assert row["token_hash"] == hashlib.sha256(token.encode()).hexdigest()


async def test_the_token_is_single_use(register, open_client, database_url) -> None:
    await register()
    token = await verification_token(database_url)
    async with open_client() as other:
        assert (
            await other.post("/api/auth/verify-email", json={"token": token})
        ).status_code == 200
        again = await other.post("/api/auth/verify-email", json={"token": token})
    assert again.status_code == 400
    assert again.json()["type"].endswith("/invalid-token")


async def test_the_token_expires_after_48_hours(register, open_client, database_url, clock) -> None:
    await register()
    token = await verification_token(database_url)
    clock.advance(hours=48)
    async with open_client() as other:
        response = await other.post("/api/auth/verify-email", json={"token": token})
    assert response.status_code == 400


async def test_an_unknown_token_is_refused(client) -> None:
    response = await client.post("/api/auth/verify-email", json={"token": "x" * 43})
    assert response.status_code == 400


async def test_resend_sends_a_new_link_and_retires_the_old(client, register, database_url) -> None:
    await register()
    old = await verification_token(database_url)
    csrf = await csrf_of(client)
    response = await client.post("/api/auth/verify-email/resend", headers={"X-CSRF-Token": csrf})
    assert response.status_code == 202
    new = await verification_token(database_url)
    assert new != old
    headers = {"X-CSRF-Token": csrf}
    stale = await client.post("/api/auth/verify-email", json={"token": old}, headers=headers)
    assert stale.status_code == 400
    fresh = await client.post("/api/auth/verify-email", json={"token": new}, headers=headers)
    assert fresh.status_code == 200


async def test_resend_is_throttled(client, register) -> None:
    await register()
    csrf = await csrf_of(client)
    statuses = [
        (await client.post("/api/auth/verify-email/resend", headers={"X-CSRF-Token": csrf}))
        for _ in range(6)
    ]
    assert [r.status_code for r in statuses] == [202] * 5 + [429]
    assert int(statuses[-1].headers["retry-after"]) > 0


async def test_resend_needs_a_session(client) -> None:
    assert (await client.post("/api/auth/verify-email/resend")).status_code == 401


@get("/api/test/verified-only")
async def verified_only(verified_auth: NamedDependency[UserActor]) -> dict[str, str]:
    return {"name": verified_auth.user.name}


async def test_the_reusable_verified_email_check(app, client, register, database_url) -> None:
    app.register(verified_only)
    assert (await client.get("/api/test/verified-only")).status_code == 401
    await register()
    response = await client.get("/api/test/verified-only")
    assert response.status_code == 403
    assert response.json()["type"].endswith("/email-not-verified")
    token = await verification_token(database_url)
    csrf = await csrf_of(client)
    await client.post(
        "/api/auth/verify-email", json={"token": token}, headers={"X-CSRF-Token": csrf}
    )
    assert (await client.get("/api/test/verified-only")).json() == {"name": "Ada Lovelace"}
