"""The README's curl walkthrough against a real ``aluzio serve`` process and real HTTP:
register, verify, sign out, reset the password, sign in with the new one."""

from __future__ import annotations

import os
import signal
from pathlib import Path

import httpx
import pytest

from tests.support.outbox import enqueued_mail
from tests.support.processes import aluzio_env, free_port, start_aluzio, wait_for

PASSWORD = "correct horse battery staple"
NEW_PASSWORD = "a brand new passphrase for ada"


async def test_register_verify_logout_reset_login(database_url: str, tmp_path: Path) -> None:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log = tmp_path / "serve.log"
    env = aluzio_env(
        {
            "ALUZIO_DATABASE_URL": database_url,
            "ALUZIO_SECRET_KEY": "e2e-secret-key-that-is-long-enough-0123456789",
            "ALUZIO_HOST": "127.0.0.1",
            "ALUZIO_PORT": str(port),
            "ALUZIO_BASE_URL": base,
            "ALUZIO_DEV": "true",  # plain http, as under `aluzio dev`
        }
    )
    process = start_aluzio(["serve"], env, cwd=tmp_path, log=log)
    try:
        try:
            wait_for(f"{base}/readyz", timeout=30)
        except TimeoutError:
            pytest.fail(log.read_text(errors="replace"))
        async with httpx.AsyncClient(base_url=f"{base}/api", timeout=30) as curl:
            registered = await curl.post(
                "/auth/register",
                json={
                    "name": "Ada",
                    "email": "ada@example.com",
                    "password": PASSWORD,
                    "confirmsAdult": True,
                },
            )
            assert registered.status_code == 201, registered.text
            set_cookie = registered.headers["set-cookie"]
            assert set_cookie.startswith("_aluzio_key=")
            assert "Secure" not in set_cookie  # dev mode only
            csrf = (await curl.get("/auth/session")).json()["csrfToken"]

            [mail] = await enqueued_mail(database_url, category="verify-email")
            token = mail.link_token(f"{base}/auth/verify-email")
            verified = await curl.post(
                "/auth/verify-email", json={"token": token}, headers={"X-CSRF-Token": csrf}
            )
            assert verified.json()["user"]["emailVerified"] is True

            logout = await curl.post("/auth/logout", headers={"X-CSRF-Token": csrf})
            assert logout.status_code == 204
            assert (await curl.get("/auth/session")).status_code == 401

            reset = await curl.post("/auth/password-reset", json={"email": "ada@example.com"})
            assert reset.status_code == 202
            [mail] = await enqueued_mail(database_url, category="password-reset")
            token = mail.link_token(f"{base}/auth/reset-password")
            confirmed = await curl.post(
                "/auth/password-reset/confirm", json={"token": token, "password": NEW_PASSWORD}
            )
            assert confirmed.status_code == 204

            old = await curl.post(
                "/auth/login", json={"email": "ada@example.com", "password": PASSWORD}
            )
            assert old.status_code == 401
            new = await curl.post(
                "/auth/login", json={"email": "ada@example.com", "password": NEW_PASSWORD}
            )
            assert new.status_code == 200
            assert (await curl.get("/me")).json()["email"] == "ada@example.com"
    finally:
        os.killpg(process.pid, signal.SIGINT)
        process.wait(timeout=30)
    output = log.read_text(errors="replace")
    assert "/api/auth/login" in output  # the access log was captured
    for secret in (PASSWORD, NEW_PASSWORD, "ada@example.com"):
        assert secret not in output
