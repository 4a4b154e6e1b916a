"""The ``_aluzio_key`` cookie and the server-side session behind it."""

from __future__ import annotations

import hashlib

import asyncpg
import pytest

from aluzio.adapters.postgres.database import to_asyncpg_dsn
from tests.integration.accounts.conftest import COOKIE, PASSWORD, csrf_of, login


async def query(database_url: str, sql: str, *args: object) -> list[asyncpg.Record]:
    connection = await asyncpg.connect(to_asyncpg_dsn(database_url))
    try:
        return await connection.fetch(sql, *args)
    finally:
        await connection.close()


def cookie_attributes(header: str) -> tuple[str, str, dict[str, str]]:
    name_value, *attributes = (part.strip() for part in header.split(";"))
    name, _, value = name_value.partition("=")
    parsed = {}
    for attribute in attributes:
        key, _, val = attribute.partition("=")
        parsed[key.lower()] = val
    return name, value, parsed


async def test_cookie_attributes_from_the_raw_header(register) -> None:
    response = await register()
    [header] = response.headers.get_list("set-cookie")
    name, value, attributes = cookie_attributes(header)
    assert name == COOKIE
    assert len(value) >= 43  # 256 bits in base64url
    assert attributes == {"httponly": "", "path": "/", "samesite": "lax", "secure": ""}
    assert "expires" not in attributes
    assert "max-age" not in attributes
    assert "domain" not in attributes


async def test_login_sets_the_same_kind_of_cookie(app, open_client, register) -> None:
    await register()
    async with open_client() as other:
        response = await login(other)
    assert response.status_code == 200
    assert set(response.json()) == {"user", "csrfToken"}
    [header] = response.headers.get_list("set-cookie")
    _, _, attributes = cookie_attributes(header)
    assert attributes == {"httponly": "", "path": "/", "samesite": "lax", "secure": ""}


async def test_cookie_is_not_secure_only_in_dev_mode(make_app, open_client, register) -> None:
    async with open_client(make_app(dev_mode=True)) as dev:
        response = await register(on=dev)
    _, _, attributes = cookie_attributes(response.headers["set-cookie"])
    assert "secure" not in attributes
    assert attributes["httponly"] == ""


async def test_only_the_hash_of_the_token_is_stored(register, database_url, clock) -> None:
    response = await register()
    _, token, _ = cookie_attributes(response.headers["set-cookie"])
    [row] = await query(database_url, "SELECT * FROM auth_sessions")
    assert row["token_hash"] == hashlib.sha256(token.encode()).hexdigest()
    assert token not in str(dict(row))
    assert row["created_at"] == clock.now()
    assert row["last_active_at"] == clock.now()
    assert (row["idle_expires_at"] - row["created_at"]).total_seconds() == 8 * 3600
    assert (row["expires_at"] - row["created_at"]).total_seconds() == 24 * 3600


async def test_session_endpoint(client, register) -> None:
    assert (await client.get("/api/auth/session")).status_code == 401
    await register()
    response = await client.get("/api/auth/session")
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"user", "csrfToken", "idleExpiresAt", "expiresAt"}
    assert body["idleExpiresAt"] == "2026-11-27T16:00:00Z"
    assert body["expiresAt"] == "2026-11-28T08:00:00Z"
    assert response.headers["cache-control"] == "no-store"


async def test_a_fresh_token_at_every_sign_in(client, register, database_url) -> None:
    await register()
    before = client.cookies[COOKIE]
    csrf = await csrf_of(client)
    response = await client.post(
        "/api/auth/login",
        json={"email": "ada@example.com", "password": PASSWORD},
        headers={"X-CSRF-Token": csrf},
    )
    assert response.status_code == 200
    after = client.cookies[COOKIE]
    assert after != before
    # The session the client held before is ended, not kept beside the new one.
    assert len(await query(database_url, "SELECT id FROM auth_sessions")) == 1


async def test_a_token_presented_before_sign_in_is_never_adopted(
    app, open_client, register, database_url
) -> None:
    await register()
    planted = "attacker-chosen-token-" + "x" * 30
    async with open_client() as victim:
        victim.cookies.set(COOKIE, planted, domain="aluzio.test")
        assert (await victim.get("/api/auth/session")).status_code == 401
        response = await login(victim)
        assert response.status_code == 200
        issued = response.cookies[COOKIE]
    assert issued != planted
    hashes = {row["token_hash"] for row in await query(database_url, "SELECT * FROM auth_sessions")}
    assert hashlib.sha256(planted.encode()).hexdigest() not in hashes


async def test_logout_ends_the_session_server_side_and_clears_the_cookie(
    client, register, app, open_client
) -> None:
    await register()
    token = client.cookies[COOKIE]
    csrf = await csrf_of(client)
    response = await client.post("/api/auth/logout", headers={"X-CSRF-Token": csrf})
    assert response.status_code == 204
    name, value, attributes = cookie_attributes(response.headers["set-cookie"])
    assert (name, value, attributes["max-age"]) == (COOKIE, '""', "0")
    # Replaying the old token does not work any more.
    async with open_client() as replay:
        replay.cookies.set(COOKIE, token, domain="aluzio.test")
        assert (await replay.get("/api/auth/session")).status_code == 401


async def test_a_dead_session_cookie_is_cleared(client, register, clock) -> None:
    await register()
    clock.advance(hours=8, minutes=1)  # past the idle timeout
    response = await client.get("/api/auth/session")
    assert response.status_code == 401
    name, value, attributes = cookie_attributes(response.headers["set-cookie"])
    assert (name, value, attributes["max-age"]) == (COOKIE, '""', "0")
    # The browser dropped it: the next request carries no cookie and clears nothing.
    again = await client.get("/api/auth/session")
    assert again.status_code == 401
    assert "set-cookie" not in again.headers


async def test_signing_in_over_a_dead_cookie_sets_only_the_new_one(
    app, open_client, register
) -> None:
    await register()
    async with open_client() as browser:
        browser.cookies.set(COOKIE, "expired-or-forged-" + "y" * 30, domain="aluzio.test")
        response = await login(browser)
    assert response.status_code == 200
    set_cookies = response.headers.get_list("set-cookie")
    assert len(set_cookies) == 1
    assert cookie_attributes(set_cookies[0])[1] not in ('""', "")


async def test_logout_ends_only_that_session(app, open_client, register) -> None:
    await register()
    async with open_client() as laptop, open_client() as phone:
        await login(laptop)
        await login(phone)
        csrf = await csrf_of(laptop)
        assert (
            await laptop.post("/api/auth/logout", headers={"X-CSRF-Token": csrf})
        ).status_code == 204
        assert (await laptop.get("/api/auth/session")).status_code == 401
        assert (await phone.get("/api/auth/session")).status_code == 200


async def test_logout_without_a_session_is_401(client) -> None:
    assert (await client.post("/api/auth/logout")).status_code == 401


async def test_idle_timeout(client, register, clock) -> None:
    await register()
    clock.advance(hours=7, minutes=59)
    assert (await client.get("/api/auth/session")).status_code == 200
    clock.advance(hours=7, minutes=59)  # activity above pushed the idle expiry
    assert (await client.get("/api/auth/session")).status_code == 200
    clock.advance(hours=8)
    assert (await client.get("/api/auth/session")).status_code == 401


async def test_absolute_timeout_despite_activity(client, register, clock) -> None:
    await register()
    for _ in range(4):
        clock.advance(hours=6)
        response = await client.get("/api/auth/session")
        expected = 200 if clock.now().hour != 8 else 401
        assert response.status_code == expected
    assert (await client.get("/api/auth/session")).status_code == 401


async def test_timeouts_are_settings(make_app, open_client, register, clock) -> None:
    app = make_app(session_idle_timeout_minutes=10, session_absolute_timeout_minutes=30)
    async with open_client(app) as client:
        await register(on=client)
        clock.advance(minutes=11)
        assert (await client.get("/api/auth/session")).status_code == 401


async def test_last_login_is_set_at_sign_in(app, open_client, register, clock) -> None:
    await register()
    clock.advance(hours=1)
    async with open_client() as other:
        response = await login(other)
    assert response.json()["user"]["lastLoginAt"] == "2026-11-27T09:00:00Z"


async def test_activity_is_written_at_most_once_per_five_minutes(
    client, register, clock, database_url
) -> None:
    await register()

    async def last_active() -> object:
        [row] = await query(database_url, "SELECT last_active_at FROM auth_sessions")
        return row["last_active_at"]

    start = clock.now()
    for _ in range(4):
        clock.advance(minutes=1)
        assert (await client.get("/api/me")).status_code == 200
    assert await last_active() == start
    clock.advance(minutes=1, seconds=1)
    await client.get("/api/me")
    assert await last_active() == clock.now()
    [user] = await query(database_url, "SELECT last_active_at FROM users")
    assert user["last_active_at"] == clock.now()


async def test_unknown_email_and_wrong_password_look_the_same(app, open_client, register) -> None:
    await register()
    async with open_client() as other:
        wrong = await login(other, password="not the password at all")
        unknown = await login(other, email="nobody@example.com")
        malformed = await login(other, email="nobody")
    assert wrong.status_code == unknown.status_code == malformed.status_code == 401
    assert wrong.content == unknown.content == malformed.content
    assert "set-cookie" not in wrong.headers


async def test_unknown_email_costs_a_password_verification(
    app, client, open_client, register, monkeypatch
) -> None:
    async with open_client() as elsewhere:
        await register(on=elsewhere)
    container = app.state["container"]
    calls: list[str] = []
    original = container.password_hasher.verify

    async def counting_verify(password_hash: str, password: str) -> bool:
        calls.append(password_hash[:9])
        return await original(password_hash, password)

    monkeypatch.setattr(container.password_hasher, "verify", counting_verify)
    assert (await login(client, email="nobody@example.com")).status_code == 401
    assert (await login(client, password="wrong wrong wrong wrong")).status_code == 401
    assert calls == ["$argon2id", "$argon2id"]


async def test_hash_is_upgraded_at_sign_in_when_parameters_change(
    settings, clock, open_client, register, database_url
) -> None:
    from argon2 import Parameters
    from argon2.low_level import Type

    from aluzio.adapters.security.argon2_hasher import Argon2PasswordHasher
    from aluzio.entrypoints.app import create_app

    await register()
    [before] = await query(database_url, "SELECT password_hash FROM users")
    stronger = Parameters(
        type=Type.ID,
        version=19,
        salt_len=16,
        hash_len=32,
        time_cost=2,
        memory_cost=2048,
        parallelism=1,
    )
    app = create_app(
        settings, clock=clock, password_hasher=Argon2PasswordHasher(parameters=stronger)
    )
    async with open_client(app) as other:
        assert (await login(other)).status_code == 200
    [after] = await query(database_url, "SELECT password_hash FROM users")
    assert before["password_hash"] != after["password_hash"]
    assert "$m=2048,t=2,p=1$" in after["password_hash"]
    async with open_client(app) as again:
        assert (await login(again)).status_code == 200


@pytest.mark.parametrize("method", ["GET", "HEAD", "OPTIONS"])
async def test_safe_methods_change_no_state(client, register, method) -> None:
    await register()
    response = await client.request(method, "/api/auth/logout")
    assert response.status_code in {204, 405}
    assert response.status_code == 405 or method == "OPTIONS"
    assert (await client.get("/api/auth/session")).status_code == 200
