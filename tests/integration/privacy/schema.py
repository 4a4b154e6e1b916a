"""Questions about the live database schema, asked of Postgres's catalogue (never of the
code's table declarations), so a table added later is covered without being named."""

from __future__ import annotations

from dataclasses import dataclass

import asyncpg

from aluzio.adapters.postgres.database import to_asyncpg_dsn

# Every column, in any table, holding a foreign key to users(id).
_REFERENCES_TO_USERS = """
SELECT c.conrelid::regclass::text AS table_name, a.attname AS column_name
  FROM pg_constraint c
  JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = ANY (c.conkey)
 WHERE c.contype = 'f' AND c.confrelid = 'public.users'::regclass
UNION
SELECT 'users', 'id'
"""
# Every text column of every table: any of them may store an email address (a recipient,
# an invited address, a pending new address), so each is searched for the user's.
_TEXT_COLUMNS = """
SELECT table_name, column_name
  FROM information_schema.columns
 WHERE table_schema = 'public' AND data_type IN ('text', 'character varying')
   AND table_name <> 'alembic_version'
"""


@dataclass(frozen=True, order=True)
class Found:
    table: str
    column: str
    rows: int


async def fetch_value(database_url: str, query: str, *args: object) -> object:
    connection = await asyncpg.connect(to_asyncpg_dsn(database_url))
    try:
        return await connection.fetchval(query, *args)
    finally:
        await connection.close()


async def rows_referring_to(database_url: str, user_id: str, email: str) -> list[Found]:
    """Every (table, column) that still holds the user's id or, anywhere in its text, their
    email address (case-insensitively)."""
    connection = await asyncpg.connect(to_asyncpg_dsn(database_url))
    found = []
    try:
        checks = [
            (row["table_name"], row["column_name"], "{} = $1::uuid", user_id)
            for row in await connection.fetch(_REFERENCES_TO_USERS)
        ] + [
            (row["table_name"], row["column_name"], "strpos(lower({}), lower($1)) > 0", email)
            for row in await connection.fetch(_TEXT_COLUMNS)
        ]
        for table, column, condition, value in checks:
            where = condition.format(_quote(column))
            count = await connection.fetchval(
                f"SELECT count(*) FROM {_quote(table)} WHERE {where}",
                value,
            )
            if count:
                found.append(Found(table, column, count))
    finally:
        await connection.close()
    return sorted(found)


async def referring_columns(database_url: str) -> set[tuple[str, str]]:
    connection = await asyncpg.connect(to_asyncpg_dsn(database_url))
    try:
        rows = await connection.fetch(_REFERENCES_TO_USERS)
    finally:
        await connection.close()
    return {(row["table_name"], row["column_name"]) for row in rows}


def _quote(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'
