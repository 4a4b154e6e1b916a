"""The signed-in user's profile, password, email address and sessions over HTTP. Refusals
case by case: tests/unit/accounts/test_profile.py."""

from __future__ import annotations

from tests.integration.accounts.conftest import PASSWORD, csrf_of, login
from tests.support.outbox import enqueued_mail

NEW_PASSWORD = "another long passphrase here"


async def test_profile(client, register, clock) -> None:
    assert (await client.get("/api/me")).status_code == 401
    await register()
    response = await client.get("/api/me")
    assert response.status_code == 200
    assert response.headers["cache-control"] == "no-store"
    body = response.json()
    assert set(body) == {"id", "name", "email", "emailVerified", "createdAt", "lastLoginAt"}
    assert body["createdAt"] == body["lastLoginAt"] == "2026-11-27T08:00:00Z"


async def test_rename(client, register) -> None:
    await register()
    csrf = await csrf_of(client)
    headers = {"X-CSRF-Token": csrf}
    response = await client.patch("/api/me", json={"name": "  Countess  "}, headers=headers)
    assert response.status_code == 200
    assert response.json()["name"] == "Countess"
    assert (await client.patch("/api/me", json={"name": " "}, headers=headers)).status_code == 400


async def test_password_change_ends_the_other_sessions(client, register, open_client) -> None:
    await register()
    async with open_client() as phone:
        await login(phone)
        csrf = await csrf_of(client)
        response = await client.post(
            "/api/me/password",
            json={"currentPassword": PASSWORD, "newPassword": NEW_PASSWORD},
            headers={"X-CSRF-Token": csrf},
        )
        assert response.status_code == 204
        assert (await phone.get("/api/auth/session")).status_code == 401
        assert (await client.get("/api/auth/session")).status_code == 200
        assert (await login(phone)).status_code == 401
        assert (await login(phone, password=NEW_PASSWORD)).status_code == 200


async def test_email_change_is_confirmed_from_the_new_address(
    client, register, database_url
) -> None:
    await register()
    csrf = await csrf_of(client)
    response = await client.post(
        "/api/me/email",
        json={"currentPassword": PASSWORD, "newEmail": "Countess@Example.org"},
        headers={"X-CSRF-Token": csrf},
    )
    assert response.status_code == 202
    assert (await client.get("/api/me")).json()["email"] == "ada@example.com"
    [confirm] = await enqueued_mail(database_url, category="email-change-confirm")
    [notice] = await enqueued_mail(database_url, category="email-change-notice")
    assert confirm.recipient == "countess@example.org"
    assert notice.recipient == "ada@example.com"
    token = confirm.link_token("https://aluzio.test/auth/confirm-email")
    response = await client.post(
        "/api/me/email/confirm", json={"token": token}, headers={"X-CSRF-Token": csrf}
    )
    assert response.status_code == 200
    me = (await client.get("/api/me")).json()
    assert me["email"] == "countess@example.org"
    assert me["emailVerified"] is True
    again = await client.post(
        "/api/me/email/confirm", json={"token": token}, headers={"X-CSRF-Token": csrf}
    )
    assert again.status_code == 400


async def test_email_change_to_a_registered_address_does_not_reveal_it(
    client, register, open_client, database_url
) -> None:
    async with open_client() as other:
        await register(email="grace@example.com", name="Grace Hopper", on=other)
    await register()
    csrf = await csrf_of(client)

    async def change(email: str):
        return await client.post(
            "/api/me/email",
            json={"currentPassword": PASSWORD, "newEmail": email},
            headers={"X-CSRF-Token": csrf},
        )

    taken = await change("GRACE@example.com")
    free = await change("nobody@example.com")
    assert taken.status_code == free.status_code == 202
    assert taken.content == free.content == b""
    # The owner of the registered address is told; no link goes there.
    [notice] = await enqueued_mail(database_url, category="email-change-taken")
    assert notice.recipient == "grace@example.com"
    confirms = await enqueued_mail(database_url, category="email-change-confirm")
    assert [mail.recipient for mail in confirms] == ["nobody@example.com"]
    # The account's own address hears of both requests.
    notices = await enqueued_mail(database_url, category="email-change-notice")
    assert [mail.recipient for mail in notices] == ["ada@example.com", "ada@example.com"]


async def test_sessions_list_and_ending_the_others(client, register, open_client) -> None:
    await register()
    async with open_client() as phone:
        await phone.post(
            "/api/auth/login",
            json={"email": "ada@example.com", "password": PASSWORD},
            headers={"User-Agent": "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0) Safari/604.1"},
        )
        response = await client.get("/api/me/sessions")
        assert response.status_code == 200
        assert response.headers["cache-control"] == "no-store"
        sessions = response.json()["items"]
        assert len(sessions) == 2
        assert set(sessions[0]) == {"id", "createdAt", "lastActiveAt", "userAgent", "current"}
        assert sorted(s["current"] for s in sessions) == [False, True]
        assert "Safari on iOS" in {s["userAgent"] for s in sessions}

        csrf = await csrf_of(client)
        response = await client.delete("/api/me/sessions/others", headers={"X-CSRF-Token": csrf})
        assert response.status_code == 204
        assert (await phone.get("/api/auth/session")).status_code == 401
        [only] = (await client.get("/api/me/sessions")).json()["items"]
        assert only["current"] is True


async def test_links_sent_to_the_old_address_stop_working(client, register, database_url) -> None:
    await register()
    [verify] = await enqueued_mail(database_url, category="verify-email")
    old_link = verify.link_token("https://aluzio.test/auth/verify-email")
    csrf = await csrf_of(client)
    headers = {"X-CSRF-Token": csrf}
    await client.post(
        "/api/me/email",
        json={"currentPassword": PASSWORD, "newEmail": "countess@example.org"},
        headers=headers,
    )
    [confirm] = await enqueued_mail(database_url, category="email-change-confirm")
    token = confirm.link_token("https://aluzio.test/auth/confirm-email")
    assert (
        await client.post("/api/me/email/confirm", json={"token": token}, headers=headers)
    ).status_code == 200
    stale = await client.post("/api/auth/verify-email", json={"token": old_link}, headers=headers)
    assert stale.status_code == 400


async def test_sessions_come_a_page_at_a_time(client, register, open_client) -> None:
    await register()
    for _ in range(2):
        async with open_client() as other:
            await login(other)
    page = (await client.get("/api/me/sessions", params={"limit": 2})).json()
    assert page["total"] == 3
    assert len(page["items"]) == 2
    rest = (await client.get("/api/me/sessions", params={"limit": 2, "offset": 2})).json()
    assert len(rest["items"]) == 1
    ids = {s["id"] for s in page["items"]} | {s["id"] for s in rest["items"]}
    assert len(ids) == 3
    assert (page["limit"], page["offset"], rest["offset"]) == (2, 0, 2)
    for bad in (
        {"limit": 0},
        {"limit": 101},
        {"offset": -1},
        {"offset": 10_001},
        {"offset": 2**70},
    ):
        assert (await client.get("/api/me/sessions", params=bad)).status_code == 400
