"""Read the mail that use cases enqueued, straight from the ``mail_outbox`` table."""

from __future__ import annotations

import re
from dataclasses import dataclass

import asyncpg

from aluzio.adapters.postgres.database import to_asyncpg_dsn


@dataclass(frozen=True)
class Mail:
    recipient: str
    subject: str
    text_body: str
    html_body: str
    category: str

    def link_token(self, path: str) -> str:
        """The token of the ``{base_url}{path}#token=...`` link in the plain-text body."""
        match = re.search(re.escape(path) + r"#token=([A-Za-z0-9_\-]+)", self.text_body)
        assert match, f"no {path} link in: {self.text_body!r}"
        return match.group(1)


async def enqueued_mail(database_url: str, *, category: str | None = None) -> list[Mail]:
    connection = await asyncpg.connect(to_asyncpg_dsn(database_url))
    try:
        rows = await connection.fetch(
            "SELECT recipient, subject, text_body, html_body, category FROM mail_outbox"
            " WHERE $1::text IS NULL OR category = $1 ORDER BY created_at, id",
            category,
        )
    finally:
        await connection.close()
    return [Mail(**dict(row)) for row in rows]
