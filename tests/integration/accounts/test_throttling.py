"""Failed sign-ins are limited per account and per client address, in Postgres, so the
limit holds across app instances. The rules case by case are use-case tests in
tests/unit/accounts/test_sign_in_throttling.py."""

from __future__ import annotations

import pytest

from tests.integration.accounts.conftest import PASSWORD, csrf_of, login
from tests.support.outbox import enqueued_mail

WRONG = "definitely not the password"


async def test_ten_failures_lock_the_account_from_that_address_with_retry_after(
    client, register, open_client, clock
) -> None:
    await register()
    async with open_client() as attacker:
        for _ in range(10):
            assert (await login(attacker, password=WRONG)).status_code == 401
        locked = await login(attacker, password=WRONG)
        assert locked.status_code == 429
        assert locked.headers["retry-after"] == str(15 * 60)
        assert locked.json()["type"].endswith("/too-many-attempts")
        # Even the right password waits while the account is locked.
        assert (await login(attacker)).status_code == 429
        clock.advance(minutes=15)
        assert (await login(attacker)).status_code == 200


async def test_the_limit_holds_across_two_app_instances(make_app, open_client, register) -> None:
    await register()
    async with open_client(make_app()) as first, open_client(make_app()) as second:
        for attempt in range(10):
            instance = first if attempt % 2 == 0 else second
            assert (await login(instance, password=WRONG)).status_code == 401
        assert (await login(first, password=WRONG)).status_code == 429
        assert (await login(second, password=PASSWORD)).status_code == 429


@pytest.mark.parametrize(("trust_proxy", "expected"), [(True, 401), (False, 429)])
async def test_client_address_comes_from_fly_client_ip_only_when_trusted(
    make_app, open_client, trust_proxy, expected
) -> None:
    async with open_client(make_app(trust_proxy=trust_proxy)) as attacker:
        for number in range(50):
            await attacker.post(
                "/api/auth/login",
                json={"email": f"user{number}@example.com", "password": WRONG},
                headers={"Fly-Client-IP": "203.0.113.7"},
            )
        response = await attacker.post(
            "/api/auth/login",
            json={"email": "fresh@example.com", "password": WRONG},
            headers={"Fly-Client-IP": "198.51.100.9"},
        )
    assert response.status_code == expected


async def test_throttle_keys_do_not_store_emails_or_addresses(open_client, database_url) -> None:
    import asyncpg

    from aluzio.adapters.postgres.database import to_asyncpg_dsn

    async with open_client() as attacker:
        await login(attacker, email="ghost@example.com")
    connection = await asyncpg.connect(to_asyncpg_dsn(database_url))
    try:
        keys = [row["key"] for row in await connection.fetch("SELECT key FROM auth_throttles")]
    finally:
        await connection.close()
    assert len(keys) == 3  # account and address, account, address
    assert not any("ghost" in key or "testclient" in key for key in keys)


async def test_stale_throttles_and_expired_sessions_are_deleted(
    register, open_client, database_url, clock
) -> None:
    import asyncpg

    from aluzio.adapters.postgres.database import to_asyncpg_dsn

    await register()
    async with open_client() as attacker:
        await login(attacker, email="ghost@example.com")
    clock.advance(days=2)
    async with open_client() as user:
        assert (await login(user)).status_code == 200
    connection = await asyncpg.connect(to_asyncpg_dsn(database_url))
    try:
        throttles = await connection.fetchval("SELECT count(*) FROM auth_throttles")
        sessions = await connection.fetchval("SELECT count(*) FROM auth_sessions")
    finally:
        await connection.close()
    assert throttles == 3  # only this sign-in's keys: account and address, account, address
    assert sessions == 1  # the registration's expired session is gone


async def test_a_parallel_burst_cannot_slip_past_the_limit(make_app, open_client, register) -> None:
    """Attempts are counted before the password is checked, so parallel requests on three
    instances get no more than the 10 tries the limit allows."""
    import asyncio

    await register()
    async with (
        open_client(make_app()) as first,
        open_client(make_app()) as second,
        open_client(make_app()) as third,
    ):
        instances = [first, second, third]
        responses = await asyncio.gather(
            *(login(instances[n % 3], password=WRONG) for n in range(18))
        )
    statuses = sorted(response.status_code for response in responses)
    assert statuses == [401] * 10 + [429] * 8


def _from(address: str) -> dict[str, str]:
    return {"Fly-Client-IP": address}


async def _login_from(client, address: str, password: str = PASSWORD):
    return await client.post(
        "/api/auth/login",
        json={"email": "ada@example.com", "password": password},
        headers=_from(address),
    )


async def _reset_password(client, database_url: str, password: str) -> None:
    await client.post(
        "/api/auth/password-reset",
        json={"email": "ada@example.com"},
        headers=_from("192.0.2.200"),
    )
    mail = (await enqueued_mail(database_url, category="password-reset"))[-1]
    token = mail.link_token("https://aluzio.test/auth/reset-password")
    response = await client.post(
        "/api/auth/password-reset/confirm",
        json={"token": token, "password": password},
        headers=_from("192.0.2.200"),
    )
    assert response.status_code == 204


async def test_failures_from_one_address_do_not_lock_out_another(
    make_app, open_client, register
) -> None:
    await register()
    async with open_client(make_app(trust_proxy=True)) as client:
        for _ in range(11):
            await _login_from(client, "203.0.113.7", WRONG)
        assert (await _login_from(client, "203.0.113.7")).status_code == 429
        assert (await _login_from(client, "198.51.100.9")).status_code == 200


async def test_a_completed_password_reset_lifts_every_lock(
    make_app, open_client, register, database_url
) -> None:
    await register()
    new_password = "a brand new passphrase for ada"
    async with open_client(make_app(trust_proxy=True)) as client:
        for _ in range(11):
            await _login_from(client, "203.0.113.7", WRONG)
        assert (await _login_from(client, "203.0.113.7")).status_code == 429
        await _reset_password(client, database_url, new_password)
        assert (await _login_from(client, "203.0.113.7", new_password)).status_code == 200


async def test_the_account_limit_from_all_addresses_is_100_failures_an_hour(
    make_app, open_client, register, database_url, clock
) -> None:
    await register()
    new_password = "a brand new passphrase for ada"
    async with open_client(make_app(trust_proxy=True)) as client:
        for attempt in range(100):
            response = await _login_from(client, f"203.0.113.{attempt // 10}", WRONG)
            assert response.status_code == 401
        # From a fresh address, even the right password now waits out the hour...
        locked = await _login_from(client, "198.51.100.9")
        assert locked.status_code == 429
        assert int(locked.headers["retry-after"]) <= 60 * 60
        # ...unless the owner resets the password through the link sent to them.
        await _reset_password(client, database_url, new_password)
        assert (await _login_from(client, "198.51.100.9", new_password)).status_code == 200


async def test_ipv6_clients_are_counted_by_their_64_prefix(make_app, open_client) -> None:
    async with open_client(make_app(trust_proxy=True)) as attacker:
        for number in range(50):
            response = await attacker.post(
                "/api/auth/login",
                json={"email": f"user{number}@example.com", "password": WRONG},
                headers=_from(f"2001:db8:1:2::{number + 1:x}"),
            )
            assert response.status_code == 401
        same_64 = await attacker.post(
            "/api/auth/login",
            json={"email": "fresh@example.com", "password": WRONG},
            headers=_from("2001:db8:1:2:ffff:ffff:ffff:fffe"),
        )
        assert same_64.status_code == 429
        other_64 = await attacker.post(
            "/api/auth/login",
            json={"email": "fresh@example.com", "password": WRONG},
            headers=_from("2001:db8:1:3::1"),
        )
        assert other_64.status_code == 401


async def test_password_changes_are_limited_per_account(client, register) -> None:
    await register()
    csrf = await csrf_of(client)
    new_passwords = [f"another long passphrase number {n}" for n in range(6)]
    current = PASSWORD
    for new in new_passwords[:5]:
        response = await client.post(
            "/api/me/password",
            json={"currentPassword": current, "newPassword": new},
            headers={"X-CSRF-Token": csrf},
        )
        assert response.status_code == 204
        current = new
    refused = await client.post(
        "/api/me/password",
        json={"currentPassword": current, "newPassword": new_passwords[5]},
        headers={"X-CSRF-Token": csrf},
    )
    assert refused.status_code == 429
    assert "retry-after" in refused.headers


async def test_email_changes_are_limited_per_account_and_per_new_address(
    client, register, open_client, database_url
) -> None:
    async with open_client() as grace:
        await register(email="grace@example.com", name="Grace Hopper", on=grace)
        grace_csrf = await csrf_of(grace)
        for _ in range(3):
            response = await grace.post(
                "/api/me/email",
                json={"currentPassword": PASSWORD, "newEmail": "target@example.com"},
                headers={"X-CSRF-Token": grace_csrf},
            )
            assert response.status_code == 202
    await register()
    csrf = await csrf_of(client)

    async def change(email: str):
        return await client.post(
            "/api/me/email",
            json={"currentPassword": PASSWORD, "newEmail": email},
            headers={"X-CSRF-Token": csrf},
        )

    # The new address has had its 3 messages this hour, from whichever account.
    assert (await change("target@example.com")).status_code == 429
    # Five requests of one account an hour (a refused one is not counted).
    for number in range(5):
        assert (await change(f"new{number}@example.com")).status_code == 202
    assert (await change("new9@example.com")).status_code == 429
    confirms = await enqueued_mail(database_url, category="email-change-confirm")
    assert len(confirms) == 3 + 5
