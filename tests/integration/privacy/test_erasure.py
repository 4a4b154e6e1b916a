"""Erasure over HTTP: a deletion signs out everywhere and closes sign-in until it is
cancelled or purged; a sole owner hands over shared organizations first."""

from __future__ import annotations

from datetime import datetime, timedelta

import httpx

from aluzio.application.privacy.context import PrivacyContext
from aluzio.application.privacy.erasure import purge_due
from tests.integration.accounts.conftest import COOKIE, PASSWORD, login
from tests.integration.organizations.conftest import Person, SignUp, add_member, create_org
from tests.integration.privacy.schema import fetch_value
from tests.support.clock import MutableClock
from tests.support.outbox import enqueued_mail

PROBLEMS = "https://aluzio.ai/problems/"


async def delete_account(person: Person, password: str = PASSWORD) -> httpx.Response:
    return await person.send("DELETE", "/api/me", {"password": password})


async def test_deletion_signs_out_everywhere_and_blocks_sign_in(
    sign_up: SignUp, open_client, clock: MutableClock, database_url: str
) -> None:
    ada = await sign_up("ada@example.com")
    async with open_client() as other_browser:
        assert (await login(other_browser)).status_code == 200
        response = await delete_account(ada)
        assert response.status_code == 202, response.text
        purge_after = datetime.fromisoformat(response.json()["purgeAfter"])
        assert purge_after == clock.now() + timedelta(days=7)
        assert response.headers["set-cookie"].startswith(f"{COOKIE}=")
        assert COOKIE not in ada.client.cookies  # cleared
        # Every session ended, this browser's and the other's.
        assert (await ada.get("/api/me")).status_code == 401
        assert (await other_browser.get("/api/me")).status_code == 401
        refused = await login(other_browser)
    assert refused.status_code == 403
    assert refused.json()["type"] == PROBLEMS + "account-deletion-pending"
    [mail] = await enqueued_mail(database_url, category="account-deletion")
    assert mail.recipient == "ada@example.com"
    assert mail.link_token("https://aluzio.test/auth/cancel-deletion")


async def test_a_wrong_password_deletes_nothing(sign_up: SignUp, open_client) -> None:
    ada = await sign_up("ada@example.com")
    response = await delete_account(ada, "not the password at all")
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "password"
    assert (await ada.get("/api/me")).status_code == 200


async def test_a_cancelled_deletion_restores_sign_in(
    sign_up: SignUp,
    open_client,
    clock: MutableClock,
    database_url: str,
    privacy: PrivacyContext,
) -> None:
    ada = await sign_up("ada@example.com")
    assert (await delete_account(ada)).status_code == 202
    [mail] = await enqueued_mail(database_url, category="account-deletion")
    token = mail.link_token("https://aluzio.test/auth/cancel-deletion")
    clock.advance(days=6, hours=23)  # still within the grace period
    async with open_client() as browser:
        cancelled = await browser.post("/api/auth/cancel-deletion", json={"token": token})
        assert cancelled.status_code == 204, cancelled.text
        again = await browser.post("/api/auth/cancel-deletion", json={"token": token})
        assert again.status_code == 400  # single use
        assert (await login(browser)).status_code == 200
        clock.advance(days=30)
        assert await purge_due(privacy) == 0  # nothing is due any more
        assert (await login(browser)).status_code == 200


async def test_the_cancel_link_stops_working_at_the_purge_time(
    sign_up: SignUp, open_client, clock: MutableClock, database_url: str
) -> None:
    ada = await sign_up("ada@example.com")
    assert (await delete_account(ada)).status_code == 202
    [mail] = await enqueued_mail(database_url, category="account-deletion")
    token = mail.link_token("https://aluzio.test/auth/cancel-deletion")
    clock.advance(days=7)
    async with open_client() as browser:
        late = await browser.post("/api/auth/cancel-deletion", json={"token": token})
    assert late.status_code == 400
    assert late.json()["type"] == PROBLEMS + "invalid-token"


async def test_a_sole_owner_must_hand_over_organizations_with_other_members(
    sign_up: SignUp, database_url: str
) -> None:
    ada = await sign_up("ada@example.com")
    bea = await sign_up("bea@example.com")
    shared = await create_org(ada, "Shared", "shared")
    await create_org(ada, "Alone", "alone")  # goes with the account: no refusal
    await add_member(ada, shared, bea, "admin", database_url)

    refused = await delete_account(ada)
    assert refused.status_code == 409
    body = refused.json()
    assert body["type"] == PROBLEMS + "sole-owner-must-hand-over"
    assert body["organizations"] == ["shared"]
    assert (await ada.get("/api/me")).status_code == 200  # nothing happened

    promoted = await ada.send("PATCH", f"/api/orgs/{shared}/members/{bea.id}", {"role": "owner"})
    assert promoted.status_code == 200, promoted.text
    assert (await delete_account(ada)).status_code == 202


async def test_the_policy_version_is_published_and_accepted_at_registration(
    sign_up: SignUp, client, database_url: str
) -> None:
    response = await client.get("/api/policy")
    assert response.status_code == 200
    assert response.json() == {"version": "2026-02-26", "lastUpdated": "2026-02-26"}
    ada = await sign_up("ada@example.com")
    accepted = await fetch_value(
        database_url, "SELECT accepted_policy_version FROM users WHERE id = $1::uuid", ada.id
    )
    assert accepted == "2026-02-26"


async def test_the_export_holds_the_users_data_and_nothing_of_another_users(
    sign_up: SignUp, database_url: str
) -> None:
    bea = await sign_up("bea@example.com")
    second = await create_org(bea, "Second", "second")
    invited = await bea.post(f"/api/orgs/{second}/invitations", {"email": "ada@example.com"})
    assert invited.status_code == 201
    ada = await sign_up("ada@example.com", name="Ada Lovelace")
    team = await create_org(bea, "Team", "team")
    await add_member(bea, team, ada, "admin", database_url)
    await create_org(ada, "Mine", "mine")

    response = await ada.get("/api/me/export")
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/json")
    assert response.headers["content-disposition"].startswith("attachment")
    document = response.json()
    assert document["schema"] == "https://aluzio.ai/schemas/export/2"
    assert document["profile"]["email"] == "ada@example.com"
    assert document["profile"]["name"] == "Ada Lovelace"
    assert document["profile"]["acceptedPolicyVersion"] == "2026-02-26"
    assert document["profile"]["adultConfirmedAt"]
    assert sorted((o["slug"], o["role"]) for o in document["organizations"]) == [
        ("mine", "owner"),
        ("team", "admin"),
    ]
    assert [i["organization"]["slug"] for i in document["pendingInvitations"]] == ["second"]
    assert len(document["sessions"]) == 1
    categories = [m["category"] for m in document["emails"]]
    assert "verify-email" in categories
    assert all(set(m) == {"category", "state", "queuedAt", "sentAt"} for m in document["emails"])
    text = response.text
    assert "bea@example.com" not in text  # a co-member's address
    assert "token" not in text.lower()


async def test_the_export_is_throttled(sign_up: SignUp) -> None:
    ada = await sign_up("ada@example.com")
    for _ in range(5):
        assert (await ada.get("/api/me/export")).status_code == 200
    refused = await ada.get("/api/me/export")
    assert refused.status_code == 429
    assert int(refused.headers["retry-after"]) > 0
