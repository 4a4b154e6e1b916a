"""Registration over HTTP: the account, the cookie, the mail, status codes and races. The
rules case by case are use-case tests in tests/unit/accounts/test_registration.py."""

from __future__ import annotations

import asyncio

import asyncpg
import pytest

from aluzio.adapters.postgres.database import to_asyncpg_dsn
from tests.integration.accounts.conftest import PASSWORD
from tests.support.outbox import enqueued_mail


async def fetch_user(database_url: str, email: str) -> asyncpg.Record | None:
    connection = await asyncpg.connect(to_asyncpg_dsn(database_url))
    try:
        return await connection.fetchrow("SELECT * FROM users WHERE email = $1", email)
    finally:
        await connection.close()


async def test_registration_creates_the_account_and_signs_in(
    client, register, database_url, clock
) -> None:
    response = await register(email="  Ada@Example.COM ", name="  Ada Lovelace ")

    assert response.status_code == 201, response.text
    user = response.json()["user"]
    assert set(user) == {"id", "name", "email", "emailVerified", "createdAt", "lastLoginAt"}
    assert user["name"] == "Ada Lovelace"
    assert user["email"] == "ada@example.com"
    assert user["emailVerified"] is False
    assert response.headers["cache-control"] == "no-store"
    assert (await client.get("/api/me")).json()["email"] == "ada@example.com"
    row = await fetch_user(database_url, "ada@example.com")
    assert row is not None
    assert row["adult_confirmed_at"] == clock.now()
    assert row["password_hash"].startswith("$argon2id$")


async def test_registration_sends_a_verification_link(register, database_url) -> None:
    await register()
    [mail] = await enqueued_mail(database_url)
    assert mail.recipient == "ada@example.com"
    assert mail.category == "verify-email"
    token = mail.link_token("https://aluzio.test/auth/verify-email")
    assert len(token) >= 43  # 256 bits, base64url
    assert f"https://aluzio.test/auth/verify-email#token={token}" in mail.html_body


@pytest.mark.parametrize("confirms_adult", [None, "yes"])
async def test_confirms_adult_must_be_a_boolean(register, database_url, confirms_adult) -> None:
    response = await register(confirms_adult=confirms_adult)
    assert response.status_code == 400
    assert await fetch_user(database_url, "ada@example.com") is None


async def test_a_refused_registration_is_a_400_naming_the_field(register, database_url) -> None:
    # Every rule, case by case: tests/unit/accounts/test_registration.py.
    response = await register(email="not-an-email")
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "email"
    weak = await register(password="fourteen chars")
    assert weak.status_code == 400
    assert weak.json()["errors"][0]["field"] == "password"
    assert "at least 15" in weak.json()["detail"]
    assert await fetch_user(database_url, "ada@example.com") is None


async def test_duplicate_email_is_a_conflict_whatever_its_case(register, open_client) -> None:
    assert (await register()).status_code == 201
    async with open_client() as other:
        response = await register(email="ADA@example.com", on=other)
    assert response.status_code == 409
    assert response.json()["type"].endswith("/email-taken")


async def test_concurrent_duplicate_registrations_give_one_201_and_one_409(
    app, open_client, register, database_url
) -> None:
    async with open_client() as first, open_client() as second:
        responses = await asyncio.gather(register(on=first), register(on=second))
    assert sorted(r.status_code for r in responses) == [201, 409]
    connection = await asyncpg.connect(to_asyncpg_dsn(database_url))
    try:
        assert await connection.fetchval("SELECT count(*) FROM users") == 1
    finally:
        await connection.close()


async def test_registration_is_all_or_nothing_when_the_mail_cannot_be_queued(
    app, database_url
) -> None:
    from litestar.testing import AsyncTestClient

    from tests.integration.accounts.conftest import BASE_URL

    connection = await asyncpg.connect(to_asyncpg_dsn(database_url))
    try:
        # Queuing any mail fails, as when the outbox insert is refused.
        await connection.execute(
            """
            CREATE FUNCTION refuse_mail() RETURNS trigger LANGUAGE plpgsql AS
            $$ BEGIN RAISE EXCEPTION 'outbox refused'; END $$;
            CREATE TRIGGER refuse_mail BEFORE INSERT ON mail_outbox
                FOR EACH ROW EXECUTE FUNCTION refuse_mail();
            """
        )
        async with AsyncTestClient(app, base_url=BASE_URL, raise_server_exceptions=False) as client:
            response = await client.post(
                "/api/auth/register",
                json={
                    "name": "Ada Lovelace",
                    "email": "ada@example.com",
                    "password": PASSWORD,
                    "confirmsAdult": True,
                },
            )
        assert response.status_code == 500
        assert "set-cookie" not in response.headers
        for table in ("users", "auth_sessions", "account_tokens", "mail_outbox"):
            assert await connection.fetchval(f"SELECT count(*) FROM {table}") == 0, table
    finally:
        await connection.close()
