"""Password reset over HTTP: 202 either way, a single-use link, every session ends. Expiry,
policy and throttles, case by case: tests/unit/accounts/test_password_reset.py."""

from __future__ import annotations

from tests.integration.accounts.conftest import PASSWORD, csrf_of, login
from tests.support.outbox import enqueued_mail

LINK = "https://aluzio.test/auth/reset-password"
NEW_PASSWORD = "a brand new passphrase for ada"


async def request_reset(client, email: str = "ada@example.com"):
    return await client.post("/api/auth/password-reset", json={"email": email})


async def reset_token(database_url: str) -> str:
    mail = (await enqueued_mail(database_url, category="password-reset"))[-1]
    assert mail.recipient == "ada@example.com"
    return mail.link_token(LINK)


async def test_reset_answers_the_same_whether_or_not_the_account_exists(
    register, open_client, database_url
) -> None:
    await register()
    async with open_client() as anonymous:
        known = await request_reset(anonymous)
        unknown = await request_reset(anonymous, "nobody@example.com")
        malformed = await request_reset(anonymous, "nobody")
    assert known.status_code == unknown.status_code == malformed.status_code == 202
    assert known.content == unknown.content == malformed.content == b""
    mails = await enqueued_mail(database_url, category="password-reset")
    assert [mail.recipient for mail in mails] == ["ada@example.com"]


async def test_reset_sets_the_password_and_ends_every_session(
    client, register, open_client, database_url
) -> None:
    await register()
    async with open_client() as phone, open_client() as anonymous:
        await login(phone)
        await request_reset(anonymous)
        token = await reset_token(database_url)
        response = await anonymous.post(
            "/api/auth/password-reset/confirm", json={"token": token, "password": NEW_PASSWORD}
        )
        assert response.status_code == 204
        assert (await phone.get("/api/auth/session")).status_code == 401
        assert (await client.get("/api/auth/session")).status_code == 401
        assert (await login(anonymous, password=PASSWORD)).status_code == 401
    async with open_client() as fresh:
        assert (await login(fresh, password=NEW_PASSWORD)).status_code == 200


async def test_a_reset_token_is_single_use(register, open_client, database_url) -> None:
    await register()
    async with open_client() as anonymous:
        await request_reset(anonymous)
        token = await reset_token(database_url)
        body = {"token": token, "password": NEW_PASSWORD}
        first = await anonymous.post("/api/auth/password-reset/confirm", json=body)
        second = await anonymous.post(
            "/api/auth/password-reset/confirm", json={**body, "password": NEW_PASSWORD + "!"}
        )
    assert first.status_code == 204
    assert second.status_code == 400
    assert second.json()["type"].endswith("/invalid-token")


async def test_a_signed_in_browser_sends_its_csrf_token(client, register, database_url) -> None:
    await register()
    csrf = await csrf_of(client)
    response = await client.post(
        "/api/auth/password-reset",
        json={"email": "ada@example.com"},
        headers={"X-CSRF-Token": csrf},
    )
    assert response.status_code == 202


async def test_reset_runs_the_same_statements_whether_or_not_the_account_exists(
    register, open_client, database_url
) -> None:
    """The time of the answer must not tell whether the address has an account: the
    database sees the same statements either way (only the rows they touch differ)."""
    from collections.abc import Iterator
    from contextlib import contextmanager

    from sqlalchemy import event
    from sqlalchemy.engine import Engine

    @contextmanager
    def statements() -> Iterator[list[str]]:
        seen: list[str] = []

        def record(conn, cursor, statement, parameters, context, executemany) -> None:
            seen.append(statement)

        event.listen(Engine, "before_cursor_execute", record)
        try:
            yield seen
        finally:
            event.remove(Engine, "before_cursor_execute", record)

    await register()
    async with open_client() as anonymous:
        await request_reset(anonymous, "warm-up@example.com")
        with statements() as known:
            assert (await request_reset(anonymous)).status_code == 202
        with statements() as unknown:
            assert (await request_reset(anonymous, "nobody@example.com")).status_code == 202
    assert known
    assert known == unknown
    [mail] = await enqueued_mail(database_url, category="password-reset")
    assert mail.recipient == "ada@example.com"
