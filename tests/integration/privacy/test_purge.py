"""The purge: after it, no row in any table refers to the user; it is safe with two workers;
the operator's erase-user does the same at once."""

from __future__ import annotations

import asyncio
import subprocess
import uuid
from collections.abc import AsyncIterator
from dataclasses import replace

import pytest

from aluzio.application.privacy import erasure
from aluzio.application.privacy.context import PrivacyContext
from aluzio.application.privacy.policy import notify_policy_change
from aluzio.domain.accounts.email import EmailAddress
from aluzio.domain.accounts.user import User, UserName
from aluzio.entrypoints.container import build_container
from aluzio.entrypoints.settings import Settings
from tests.integration.accounts.conftest import PASSWORD, fast_hasher, login
from tests.integration.organizations.conftest import SignUp, add_member, create_org
from tests.integration.privacy.schema import fetch_value, referring_columns, rows_referring_to
from tests.support.clock import MutableClock
from tests.support.processes import ALUZIO, aluzio_env


async def test_after_the_purge_no_row_in_any_table_refers_to_the_user(
    sign_up: SignUp,
    open_client,
    clock: MutableClock,
    database_url: str,
    privacy: PrivacyContext,
) -> None:
    bea = await sign_up("bea@example.com")
    # An invitation to Ada's address from before she had an account (its mail has no user
    # id, only her address), which she never answers.
    second = await create_org(bea, "Second", "bea-second")
    invited = await bea.post(f"/api/orgs/{second}/invitations", {"email": "ada@example.com"})
    assert invited.status_code == 201
    ada = await sign_up("ada@example.com")
    # Ada is an admin in Bea's organization and invites someone there (the invitation
    # stays, without its author); her own organization goes with her.
    team = await create_org(bea, "Bea's team", "bea-team")
    await add_member(bea, team, ada, "admin", database_url)
    invited = await ada.post(f"/api/orgs/{team}/invitations", {"email": "cy@example.com"})
    assert invited.status_code == 201
    alone = await create_org(ada, "Ada alone", "ada-alone")
    invited = await ada.post(f"/api/orgs/{alone}/invitations", {"email": "dan@example.com"})
    assert invited.status_code == 201
    # Links, throttles, a pending email change, a policy notice.
    async with open_client() as browser:
        await browser.post("/api/auth/password-reset", json={"email": ada.email})
        assert (await login(browser, ada.email, "wrong password, twice")).status_code == 401
    changed = await ada.post(
        "/api/me/email", {"currentPassword": PASSWORD, "newEmail": "ada.new@example.com"}
    )
    assert changed.status_code == 202, changed.text
    assert await notify_policy_change(privacy, "2026-12", "What changed.") == 2

    before = {found.table for found in await rows_referring_to(database_url, ada.id, ada.email)}
    assert before >= {
        "users",
        "auth_sessions",
        "account_tokens",
        "org_memberships",
        "org_invitations",
        "mail_outbox",
        "policy_notices",
    }
    throttle_key = privacy.accounts.throttle_key("login-account", ada.email)
    assert await _throttles(database_url, throttle_key) == 1

    assert (await ada.send("DELETE", "/api/me", {"password": PASSWORD})).status_code == 202
    clock.advance(days=7)
    assert await erasure.purge_due(privacy) == 1

    assert await rows_referring_to(database_url, ada.id, ada.email) == []
    assert await rows_referring_to(database_url, ada.id, "ada.new@example.com") == []
    assert await _throttles(database_url, throttle_key) == 0
    # Others' data stays: Bea's organizations, the invitation Ada sent there.
    assert await fetch_value(database_url, "SELECT count(*) FROM organizations") == 2
    assert (
        await fetch_value(
            database_url, "SELECT invited_by FROM org_invitations WHERE email = 'cy@example.com'"
        )
        is None
    )
    assert await rows_referring_to(database_url, bea.id, bea.email) != []


async def test_the_live_schema_check_sees_every_reference_to_users(database_url: str) -> None:
    """The check above reads the catalogue: these are today's references, found not listed."""
    assert await referring_columns(database_url) >= {
        ("users", "id"),
        ("auth_sessions", "user_id"),
        ("account_tokens", "user_id"),
        ("mail_outbox", "user_id"),
        ("org_memberships", "user_id"),
        ("org_invitations", "invited_by"),
        ("org_join_links", "created_by"),
        ("policy_notices", "user_id"),
        ("boards", "created_by"),
        ("retros", "facilitator_id"),
        ("retros", "created_by"),
        ("retro_phase_changes", "changed_by"),
        ("retro_participants", "user_id"),
        ("cards", "author_id"),
        ("votes", "voter_id"),
        ("notes", "author_id"),
        ("action_items", "assignee_id"),
        ("action_items", "created_by"),
    }


async def _throttles(database_url: str, key: str) -> object:
    return await fetch_value(
        database_url, "SELECT count(*) FROM auth_throttles WHERE key = $1", key
    )


async def _pending_users(privacy: PrivacyContext, count: int) -> list[User]:
    now = privacy.accounts.clock.now()
    users = []
    async with privacy.unit_of_work() as uow:
        for n in range(count):
            user = await uow.users.add(
                User.register(
                    id=uuid.uuid4(),
                    name=UserName(f"User {n}"),
                    email=EmailAddress(f"user{n}@example.com"),
                    password_hash="$argon2id$v=19$m=1024,t=1,p=1$c2FsdHNhbHQ$aGFzaA",
                    now=now,
                )
            )
            user.request_deletion(now, now)
            users.append(user)
        await uow.commit()
    return users


@pytest.fixture
async def second_worker(settings: Settings, clock: MutableClock) -> AsyncIterator[PrivacyContext]:
    container = build_container(settings, clock=clock, password_hasher=fast_hasher())
    try:
        yield container.privacy
    finally:
        await container.close()


async def test_two_workers_purging_at_once_erase_each_account_once(
    privacy: PrivacyContext, second_worker: PrivacyContext, database_url: str
) -> None:
    await _pending_users(privacy, 45)
    counts = await asyncio.gather(erasure.purge_due(privacy), erasure.purge_due(second_worker))
    assert sum(counts) == 45
    assert await fetch_value(database_url, "SELECT count(*) FROM users") == 0
    assert await erasure.purge_due(privacy) == 0  # idempotent


def test_erase_user_erases_at_once_and_logs_the_reason_without_the_address(
    database_url: str, settings: Settings, clock: MutableClock
) -> None:
    async def create() -> str:
        container = build_container(
            replace(settings, erasure_grace_days=7), clock=clock, password_hasher=fast_hasher()
        )
        try:
            [user] = await _pending_users(container.privacy, 1)
            async with container.privacy.unit_of_work() as uow:
                found = await uow.users.find(user.id)
                assert found is not None
                found.cancel_deletion()  # an ordinary account
                await uow.commit()
        finally:
            await container.close()
        return str(user.id)

    user_id = asyncio.run(create())
    env = aluzio_env({"ALUZIO_DATABASE_URL": database_url, "ALUZIO_LOG_FORMAT": "console"})
    result = subprocess.run(
        [*ALUZIO, "admin", "erase-user", "User0@Example.com", "--reason", "under 18"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    output = result.stdout + result.stderr
    assert "under 18" in output
    assert "user0@example.com" not in output.lower()
    remaining = asyncio.run(
        fetch_value(database_url, "SELECT count(*) FROM users WHERE id = $1::uuid", user_id)
    )
    assert remaining == 0
    again = subprocess.run(
        [*ALUZIO, "admin", "erase-user", "user0@example.com", "--reason", "under 18"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert again.returncode == 2
    assert "No account has this email address." in again.stderr


async def test_a_member_who_joined_during_the_grace_period_inherits_the_organization(
    sign_up: SignUp, clock: MutableClock, database_url: str, privacy: PrivacyContext
) -> None:
    ada = await sign_up("ada@example.com")
    bea = await sign_up("bea@example.com")
    slug = await create_org(ada, "Team", "team")
    link = (await ada.post(f"/api/orgs/{slug}/join-link")).json()["url"]
    assert (await ada.send("DELETE", "/api/me", {"password": PASSWORD})).status_code == 202
    joined = await bea.post("/api/join", {"token": link.partition("#token=")[2]})
    assert joined.status_code == 200, joined.text
    clock.advance(days=7)
    assert await erasure.purge_due(privacy) == 1
    role = await fetch_value(
        database_url, "SELECT role FROM org_memberships WHERE user_id = $1::uuid", bea.id
    )
    assert role == "owner"
    assert await fetch_value(database_url, "SELECT count(*) FROM org_memberships") == 1
