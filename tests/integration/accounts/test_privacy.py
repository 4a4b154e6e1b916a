"""The password never reaches the database or a log line; neither does the session token."""

from __future__ import annotations

import logging

import asyncpg

from aluzio.adapters.postgres.database import to_asyncpg_dsn
from tests.integration.accounts.conftest import COOKIE, PASSWORD, csrf_of, login
from tests.support.outbox import enqueued_mail

SECRET = "Unmistakable Passphrase 4 Privacy"
NEW_SECRET = "Second Unmistakable Passphrase"
RESET_SECRET = "Third Unmistakable Passphrase"


async def dump_database(database_url: str) -> str:
    """Every row of every table, as text."""
    connection = await asyncpg.connect(to_asyncpg_dsn(database_url))
    try:
        tables = await connection.fetch(
            "SELECT quote_ident(tablename) AS name FROM pg_tables WHERE schemaname = 'public'"
        )
        rows = []
        for table in tables:
            query = f"SELECT t::text AS row FROM {table['name']} t"
            rows += [f"{table['name']}: {r['row']}" for r in await connection.fetch(query)]
    finally:
        await connection.close()
    return "\n".join(rows)


async def test_passwords_and_tokens_are_absent_from_database_and_logs(
    client, register, open_client, database_url, caplog
) -> None:
    caplog.set_level(logging.DEBUG)
    # Statement logging on: not even an SQL parameter may carry the password.
    caplog.set_level(logging.INFO, logger="sqlalchemy.engine")

    assert (await register(password=SECRET)).status_code == 201
    session_token = client.cookies[COOKIE]
    async with open_client() as other:
        assert (await login(other, password=SECRET + "x")).status_code == 401
        assert (await login(other, password=SECRET)).status_code == 200
    csrf = await csrf_of(client)
    changed = await client.post(
        "/api/me/password",
        json={"currentPassword": SECRET, "newPassword": NEW_SECRET},
        headers={"X-CSRF-Token": csrf},
    )
    assert changed.status_code == 204
    async with open_client() as anonymous:
        await anonymous.post("/api/auth/password-reset", json={"email": "ada@example.com"})
        [mail] = await enqueued_mail(database_url, category="password-reset")
        token = mail.link_token("https://aluzio.test/auth/reset-password")
        confirmed = await anonymous.post(
            "/api/auth/password-reset/confirm", json={"token": token, "password": RESET_SECRET}
        )
        assert confirmed.status_code == 204
        assert (await login(anonymous, password=RESET_SECRET)).status_code == 200

    dump = await dump_database(database_url)
    assert "users:" in dump
    assert "auth_sessions:" in dump
    logs = "\n".join(record.getMessage() for record in caplog.records) + caplog.text
    assert "INSERT INTO users" in logs  # the capture did see the SQL
    for secret in (SECRET, NEW_SECRET, RESET_SECRET, session_token):
        assert secret not in dump
        assert secret.lower() not in dump.lower()
        assert secret not in logs
    # Outside SQL statement logging (off in production), no log line names the user.
    app_logs = [r.getMessage() for r in caplog.records if not r.name.startswith("sqlalchemy")]
    assert app_logs  # the capture saw records besides SQL statements
    assert not [line for line in app_logs if "ada@example.com" in line]


async def test_a_users_mail_is_found_and_erased_by_their_id(client, register, database_url) -> None:
    user_id = (await register()).json()["user"]["id"]
    csrf = await csrf_of(client)
    changed = await client.post(
        "/api/me/email",
        json={"currentPassword": PASSWORD, "newEmail": "ada@new.example"},
        headers={"X-CSRF-Token": csrf},
    )
    assert changed.status_code == 202
    reset = await client.post(
        "/api/auth/password-reset",
        json={"email": "ada@example.com"},
        headers={"X-CSRF-Token": csrf},
    )
    assert reset.status_code == 202
    connection = await asyncpg.connect(to_asyncpg_dsn(database_url))
    try:
        rows = await connection.fetch("SELECT user_id::text, category FROM mail_outbox")
        assert sorted(row["category"] for row in rows) == [
            "email-change-confirm",
            "email-change-notice",
            "password-reset",
            "verify-email",
        ]
        assert {row["user_id"] for row in rows} == {user_id}
        await connection.execute("DELETE FROM users WHERE id = $1::uuid", user_id)
        assert await connection.fetchval("SELECT count(*) FROM mail_outbox") == 0
    finally:
        await connection.close()
