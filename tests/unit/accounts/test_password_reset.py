"""Password reset's rules on the use cases (HTTP: tests/integration/accounts/)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from aluzio.adapters.memory.unit_of_work import MemoryStore
from aluzio.application.accounts.password_reset import (
    confirm_password_reset,
    request_password_reset,
)
from aluzio.domain.accounts.errors import InvalidCredentials, InvalidToken
from aluzio.domain.errors import InvalidInput, TooManyAttempts
from tests.support.clock import MutableClock
from tests.unit.accounts.conftest import CLIENT, link_token, login, sent

NEW_PASSWORD = "a brand new passphrase for ada"
LINK = "/auth/reset-password"


async def requested_token(accounts, store: MemoryStore) -> str:
    await request_password_reset(accounts, "ada@example.com", CLIENT)
    mail = sent(store, "password-reset")[-1]
    assert mail.message.to == "ada@example.com"
    return link_token(mail, LINK)


async def test_only_an_existing_account_gets_mail(accounts, register, store) -> None:
    signed_in = await register()
    for email in ("ada@example.com", "nobody@example.com", "nobody"):
        await request_password_reset(accounts, email, CLIENT)
    [mail] = sent(store, "password-reset")
    assert mail.user_id == signed_in.user.id


async def test_a_reset_token_is_single_use(accounts, register, store) -> None:
    await register()
    token = await requested_token(accounts, store)
    await confirm_password_reset(accounts, token, NEW_PASSWORD)
    with pytest.raises(InvalidToken):
        await confirm_password_reset(accounts, token, NEW_PASSWORD + "!")
    await login(accounts, password=NEW_PASSWORD)


async def test_a_reset_token_expires_after_30_minutes(
    accounts, register, store, clock: MutableClock
) -> None:
    await register()
    token = await requested_token(accounts, store)
    clock.advance(minutes=30)
    with pytest.raises(InvalidToken):
        await confirm_password_reset(accounts, token, NEW_PASSWORD)


async def test_the_new_password_follows_the_policy(accounts, register, store) -> None:
    await register()
    token = await requested_token(accounts, store)
    with pytest.raises(InvalidInput) as refused:
        await confirm_password_reset(accounts, token, "short")
    assert refused.value.field == "password"
    # A refused password does not use up the token.
    await confirm_password_reset(accounts, token, NEW_PASSWORD)
    with pytest.raises(InvalidCredentials):
        await login(accounts)


async def test_reset_requests_are_throttled_per_email(accounts) -> None:
    for _ in range(5):
        await request_password_reset(accounts, "ada@example.com", CLIENT)
    with pytest.raises(TooManyAttempts) as refused:
        await request_password_reset(accounts, "ada@example.com", CLIENT)
    assert refused.value.retry_after_seconds > 0


async def test_reset_requests_are_throttled_per_client(accounts) -> None:
    for n in range(20):
        await request_password_reset(accounts, f"user{n}@example.com", CLIENT)
    with pytest.raises(TooManyAttempts):
        await request_password_reset(accounts, "user20@example.com", CLIENT)
    elsewhere = replace(CLIENT, address="198.51.100.1")
    await request_password_reset(accounts, "user20@example.com", elsewhere)
