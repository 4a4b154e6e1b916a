"""Registration: adults only, valid unique email, name rules, the password policy."""

from __future__ import annotations

import asyncio

import asyncpg
import pytest

from aluzio.adapters.postgres.database import to_asyncpg_dsn
from tests.integration.accounts.conftest import PASSWORD, login
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


@pytest.mark.parametrize("confirms_adult", [False, None, "yes"])
async def test_the_service_is_for_adults_only(register, database_url, confirms_adult) -> None:
    response = await register(confirms_adult=confirms_adult)
    assert response.status_code == 400
    assert await fetch_user(database_url, "ada@example.com") is None


@pytest.mark.parametrize(
    "email", ["not-an-email", "a@b", "ada@@example.com", "ada @example.com", "@example.com", ""]
)
async def test_invalid_email_is_refused(register, email) -> None:
    response = await register(email=email)
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "email"


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


@pytest.mark.parametrize(
    ("name", "ok"),
    [("", False), ("   ", False), ("x" * 101, False), ("x" * 100, True), ("  B  ", True)],
)
async def test_name_is_1_to_100_characters_after_trimming(register, name, ok) -> None:
    response = await register(name=name)
    assert response.status_code == (201 if ok else 400), response.text


@pytest.mark.parametrize(
    ("password", "reason"),
    [
        ("fourteen chars", "at least 15"),
        ("x" * 257, "at most 256"),
        ("1qaz2wsx3edc4rfv", "too common"),
        ("QAZWSXEDCRFVTGB", "too common"),
        ("my address is ada@example.com", "email"),
        ("lovelace lovelace lovelace", "name"),
    ],
)
async def test_password_policy(register, password, reason) -> None:
    response = await register(password=password)
    assert response.status_code == 400
    body = response.json()
    assert body["errors"][0]["field"] == "password"
    assert reason in body["detail"]


async def test_no_composition_rules_and_any_characters(register) -> None:
    assert (await register(password="aaaaaaaaaaaaaaa ü 🙂 — long enough")).status_code == 201


async def test_long_passwords_are_kept_whole(app, open_client, register) -> None:
    password = "z" * 100 + "-the-end-matters-" + "y" * 139  # 256 characters
    assert len(password) == 256
    assert (await register(password=password)).status_code == 201
    async with open_client() as other:
        assert (await login(other, password=password[:-1])).status_code == 401
        assert (await login(other, password=password)).status_code == 200


async def test_minimum_length_is_a_setting(make_app, open_client, register) -> None:
    async with open_client(make_app(password_min_length=20)) as strict:
        response = await register(password="nineteen characters", on=strict)
        assert response.status_code == 400
        assert "at least 20" in response.json()["detail"]
        assert (await register(password=PASSWORD + "!", on=strict)).status_code == 201


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
