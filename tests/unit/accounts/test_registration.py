"""Registration's rules, case by case, on the use case itself (HTTP: see
tests/integration/accounts/test_registration.py)."""

from __future__ import annotations

import pytest

from aluzio.adapters.memory.unit_of_work import MemoryStore
from aluzio.domain.accounts.errors import EmailTaken, InvalidCredentials
from aluzio.domain.errors import InvalidInput
from tests.integration.accounts.conftest import PASSWORD
from tests.unit.accounts.conftest import login


async def test_adults_only(register, store: MemoryStore) -> None:
    with pytest.raises(InvalidInput) as refused:
        await register(confirms_adult=False)
    assert refused.value.field == "confirmsAdult"
    assert store.committed.table("users") == {}


@pytest.mark.parametrize(
    "email", ["not-an-email", "a@b", "ada@@example.com", "ada @example.com", "@example.com", ""]
)
async def test_invalid_email_is_refused(register, email: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        await register(email=email)
    assert refused.value.field == "email"


async def test_duplicate_email_is_taken_whatever_its_case(register) -> None:
    await register()
    with pytest.raises(EmailTaken):
        await register(email="ADA@example.com")


@pytest.mark.parametrize(
    ("name", "ok"),
    [("", False), ("   ", False), ("x" * 101, False), ("x" * 100, True), ("  B  ", True)],
)
async def test_name_is_1_to_100_characters_after_trimming(register, name: str, ok: bool) -> None:
    if ok:
        assert (await register(name=name)).user.name == name.strip()
    else:
        with pytest.raises(InvalidInput) as refused:
            await register(name=name)
        assert refused.value.field == "name"


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
async def test_password_policy(register, password: str, reason: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        await register(password=password)
    assert refused.value.field == "password"
    assert reason in refused.value.message


async def test_no_composition_rules_and_any_characters(register) -> None:
    await register(password="aaaaaaaaaaaaaaa ü 🙂 — long enough")


async def test_long_passwords_are_kept_whole(accounts, register) -> None:
    password = "z" * 100 + "-the-end-matters-" + "y" * 139  # 256 characters
    assert len(password) == 256
    await register(password=password)
    with pytest.raises(InvalidCredentials):
        await login(accounts, password=password[:-1])
    await login(accounts, password=password)


async def test_minimum_length_is_a_setting(make_accounts, register) -> None:
    strict = make_accounts(password_min_length=20)
    with pytest.raises(InvalidInput) as refused:
        await register(password="nineteen characters", on=strict)
    assert "at least 20" in refused.value.message
    await register(password=PASSWORD + "!", on=strict)
