"""The signed-in user's own account: the rules on the use cases (HTTP: tests/integration/)."""

from __future__ import annotations

import pytest

from aluzio.application.accounts import profile
from aluzio.application.actor import SystemActor
from aluzio.domain.errors import InvalidInput, NotAuthenticated
from tests.integration.accounts.conftest import PASSWORD
from tests.unit.accounts.conftest import actor_of, link_token, sent

NEW_PASSWORD = "another long passphrase here"


@pytest.mark.parametrize("name", ["", " ", "x" * 101])
async def test_rename_follows_the_name_rules(accounts, register, name: str) -> None:
    actor = actor_of(await register())
    with pytest.raises(InvalidInput):
        await profile.rename(accounts, actor, name)
    assert (await profile.rename(accounts, actor, "  Countess  ")).name == "Countess"


async def test_password_change_needs_the_current_password_and_the_policy(
    accounts, register
) -> None:
    actor = actor_of(await register())
    with pytest.raises(InvalidInput) as wrong:
        await profile.change_password(accounts, actor, "wrong wrong wrong wrong", NEW_PASSWORD)
    assert wrong.value.field == "currentPassword"
    with pytest.raises(InvalidInput) as weak:
        await profile.change_password(accounts, actor, PASSWORD, "short")
    assert weak.value.field == "newPassword"


async def test_email_change_refusals(accounts, register, store) -> None:
    grace = await register(email="grace@example.com", name="Grace Hopper")
    actor = actor_of(await register())
    with pytest.raises(InvalidInput) as wrong:
        await profile.request_email_change(
            accounts, actor, "wrong wrong wrong wrong", "new@example.com"
        )
    assert wrong.value.field == "currentPassword"
    with pytest.raises(InvalidInput) as malformed:
        await profile.request_email_change(accounts, actor, PASSWORD, "not an email")
    assert malformed.value.field == "newEmail"
    with pytest.raises(InvalidInput):
        await profile.request_email_change(accounts, actor, PASSWORD, "ADA@example.com")
    # A registered address is not refused (that would reveal it): its owner is told instead.
    await profile.request_email_change(accounts, actor, PASSWORD, "GRACE@example.com")
    [taken] = sent(store, "email-change-taken")
    assert (taken.message.to, taken.user_id) == ("grace@example.com", grace.user.id)
    assert sent(store, "email-change-confirm") == []


async def test_email_change_mail_belongs_to_the_user(accounts, register, store) -> None:
    signed_in = await register()
    await profile.request_email_change(
        accounts, actor_of(signed_in), PASSWORD, "countess@example.org"
    )
    [confirm] = sent(store, "email-change-confirm")
    [notice] = sent(store, "email-change-notice")
    assert (confirm.message.to, notice.message.to) == ("countess@example.org", "ada@example.com")
    assert confirm.user_id == notice.user_id == signed_in.user.id
    token = link_token(confirm, "/auth/confirm-email")
    user = await profile.confirm_email_change(accounts, token)
    assert user.email == "countess@example.org"
    assert user.email_verified


async def test_the_system_has_no_profile(accounts) -> None:
    with pytest.raises(NotAuthenticated):
        await profile.rename(accounts, SystemActor("cli"), "Ada")
