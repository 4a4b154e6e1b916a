"""Failed sign-ins are limited per account and per client address, in Postgres, so the
limit holds across app instances. The rules case by case are use-case tests in
tests/unit/accounts/test_sign_in_throttling.py."""

from __future__ import annotations

import pytest

from tests.integration.accounts.conftest import PASSWORD, login

WRONG = "definitely not the password"


async def test_ten_failures_lock_the_account_with_retry_after(
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
    assert len(keys) == 2
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
    assert throttles == 2  # only this sign-in's account and client keys
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
