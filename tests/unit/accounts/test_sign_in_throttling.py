"""Sign-in limits on the use case (HTTP's 429 and Retry-After, several app instances and
concurrency: tests/integration/accounts/test_throttling.py)."""

from __future__ import annotations

import pytest

from aluzio.domain.accounts.errors import InvalidCredentials
from aluzio.domain.errors import TooManyAttempts
from tests.support.clock import MutableClock
from tests.unit.accounts.conftest import login

WRONG = "definitely not the password"


async def fail(accounts, times: int, email: str = "ada@example.com") -> None:
    for _ in range(times):
        with pytest.raises(InvalidCredentials):
            await login(accounts, email=email, password=WRONG)


async def test_ten_failures_lock_the_account_for_15_minutes(
    accounts, register, clock: MutableClock
) -> None:
    await register()
    await fail(accounts, 10)
    with pytest.raises(TooManyAttempts) as locked:
        await login(accounts, password=WRONG)
    assert locked.value.retry_after_seconds == 15 * 60
    # Even the right password waits while the account is locked.
    with pytest.raises(TooManyAttempts):
        await login(accounts)
    clock.advance(minutes=15)
    await login(accounts)


async def test_unknown_accounts_are_throttled_alike(accounts) -> None:
    await fail(accounts, 10, email="ghost@example.com")
    with pytest.raises(TooManyAttempts):
        await login(accounts, email="ghost@example.com")


async def test_success_clears_the_account_count(accounts, register) -> None:
    await register()
    await fail(accounts, 9)
    await login(accounts)
    await fail(accounts, 9)


async def test_per_client_limit_spans_accounts(accounts) -> None:
    for number in range(50):
        with pytest.raises(InvalidCredentials):
            await login(accounts, email=f"user{number}@example.com")
    with pytest.raises(TooManyAttempts):
        await login(accounts, email="another@example.com")
