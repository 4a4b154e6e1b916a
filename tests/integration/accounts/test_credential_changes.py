"""A credential change (password reset, password change, email change) revokes every link
sent before it, and each link works only for its own purpose."""

from __future__ import annotations

from tests.integration.accounts.conftest import PASSWORD, csrf_of, login
from tests.support.outbox import enqueued_mail

NEW_PASSWORD = "a brand new passphrase for ada"
ATTACKER_EMAIL = "mallory@evil.example"
RESET_LINK = "https://aluzio.test/auth/reset-password"
VERIFY_LINK = "https://aluzio.test/auth/verify-email"
CONFIRM_LINK = "https://aluzio.test/auth/confirm-email"


async def _attacker_requests_email_change(open_client, database_url) -> str:
    """Someone who once knew the password asks to move the account to their address."""
    async with open_client() as attacker:
        assert (await login(attacker)).status_code == 200
        response = await attacker.post(
            "/api/me/email",
            json={"currentPassword": PASSWORD, "newEmail": ATTACKER_EMAIL},
            headers={"X-CSRF-Token": await csrf_of(attacker)},
        )
        assert response.status_code == 202
    [confirm] = await enqueued_mail(database_url, category="email-change-confirm")
    return confirm.link_token(CONFIRM_LINK)


async def _email_change_is_refused(open_client, token: str) -> None:
    async with open_client() as attacker:
        response = await attacker.post("/api/me/email/confirm", json={"token": token})
        assert response.status_code == 400
        assert response.json()["type"].endswith("/invalid-token")
        # The account keeps its address, so the next reset goes to its owner.
        assert (await login(attacker, password=NEW_PASSWORD)).status_code == 200
        assert (await attacker.get("/api/me")).json()["email"] == "ada@example.com"


async def test_a_password_reset_revokes_a_pending_email_change(
    register, open_client, database_url
) -> None:
    await register()
    token = await _attacker_requests_email_change(open_client, database_url)
    async with open_client() as victim:
        await victim.post("/api/auth/password-reset", json={"email": "ada@example.com"})
        [reset] = await enqueued_mail(database_url, category="password-reset")
        response = await victim.post(
            "/api/auth/password-reset/confirm",
            json={"token": reset.link_token(RESET_LINK), "password": NEW_PASSWORD},
        )
        assert response.status_code == 204
    await _email_change_is_refused(open_client, token)


async def test_a_password_change_revokes_a_pending_email_change(
    client, register, open_client, database_url
) -> None:
    await register()
    token = await _attacker_requests_email_change(open_client, database_url)
    response = await client.post(
        "/api/me/password",
        json={"currentPassword": PASSWORD, "newPassword": NEW_PASSWORD},
        headers={"X-CSRF-Token": await csrf_of(client)},
    )
    assert response.status_code == 204
    await _email_change_is_refused(open_client, token)


async def test_a_password_change_revokes_reset_and_verification_links(
    client, register, open_client, database_url
) -> None:
    await register()
    [verification] = await enqueued_mail(database_url, category="verify-email")
    async with open_client() as anonymous:
        await anonymous.post("/api/auth/password-reset", json={"email": "ada@example.com"})
    [reset] = await enqueued_mail(database_url, category="password-reset")
    csrf = await csrf_of(client)
    response = await client.post(
        "/api/me/password",
        json={"currentPassword": PASSWORD, "newPassword": NEW_PASSWORD},
        headers={"X-CSRF-Token": csrf},
    )
    assert response.status_code == 204
    async with open_client() as anonymous:
        reset_again = await anonymous.post(
            "/api/auth/password-reset/confirm",
            json={"token": reset.link_token(RESET_LINK), "password": "yet another passphrase x"},
        )
        assert reset_again.status_code == 400
        verify = await anonymous.post(
            "/api/auth/verify-email", json={"token": verification.link_token(VERIFY_LINK)}
        )
        assert verify.status_code == 400
        # The password set by the change still works: the stale reset link changed nothing.
        assert (await login(anonymous, password=NEW_PASSWORD)).status_code == 200


async def test_a_link_works_only_for_its_own_purpose(register, open_client, database_url) -> None:
    await register()
    [verification] = await enqueued_mail(database_url, category="verify-email")
    verify_token = verification.link_token(VERIFY_LINK)
    async with open_client() as anonymous:
        await anonymous.post("/api/auth/password-reset", json={"email": "ada@example.com"})
        [reset] = await enqueued_mail(database_url, category="password-reset")
        reset_token = reset.link_token(RESET_LINK)

        as_reset = await anonymous.post(
            "/api/auth/password-reset/confirm",
            json={"token": verify_token, "password": NEW_PASSWORD},
        )
        assert as_reset.status_code == 400
        as_verification = await anonymous.post(
            "/api/auth/verify-email", json={"token": reset_token}
        )
        assert as_verification.status_code == 400
        as_email_change = await anonymous.post("/api/me/email/confirm", json={"token": reset_token})
        assert as_email_change.status_code == 400
        # Refused for the wrong purpose, each still works for its own.
        assert (
            await anonymous.post("/api/auth/verify-email", json={"token": verify_token})
        ).status_code == 200
        assert (
            await anonymous.post(
                "/api/auth/password-reset/confirm",
                json={"token": reset_token, "password": NEW_PASSWORD},
            )
        ).status_code == 204
