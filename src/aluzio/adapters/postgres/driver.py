"""Hot-path reads sent straight through asyncpg on a unit of work's connection.

A lookup that every request makes (the session behind a cookie) is worth one hand-written
statement instead of ORM statement building and result processing. It runs on the same
connection as the rest of the unit of work; when it is the block's first statement no
transaction is opened for it (SQLAlchemy's asyncpg adapter begins one lazily, with the
first statement it sends itself), which saves the ``BEGIN`` and ``ROLLBACK`` round trips.

The pool does not ping a connection at every checkout (that was two round trips per
request). A connection the driver finds broken is handled as SQLAlchemy handles its own:
it is invalidated together with every connection of its generation (so after a database
restart the pool renews them all at once), and a read that was the unit of work's first
statement is tried once more on a fresh connection: nothing was sent in that transaction
yet, so nothing can be lost. A statement that timed out is not retried.
"""

from __future__ import annotations

from typing import Any, TypeVar

import asyncpg
from sqlalchemy.ext.asyncio import AsyncSession, async_scoped_session
from sqlalchemy.orm import make_transient_to_detached

from aluzio.adapters.postgres.faults import CONNECTION_ERRORS, is_closed_connection

T = TypeVar("T")
Session = AsyncSession | async_scoped_session[AsyncSession]


async def fetch_row(session: Session, sql: str, *args: Any) -> tuple[Any, ...] | None:
    """The first row of ``sql`` (``$1``-style parameters) on ``session``'s connection."""
    assert isinstance(session, AsyncSession)  # units of work never use a scoped session
    first_statement = not session.in_transaction()
    attempts = 2 if first_statement else 1
    for attempt in range(1, attempts + 1):
        connection = await session.connection()
        raw = await connection.get_raw_connection()
        driver = raw.driver_connection
        assert isinstance(driver, asyncpg.Connection)
        try:
            row = await driver.fetchrow(sql, *args)
        except Exception as exc:
            if not isinstance(exc, CONNECTION_ERRORS) and not is_closed_connection(exc):
                raise
            if isinstance(exc, TimeoutError):
                # A server that does not answer would not answer a polite goodbye either.
                driver.terminate()
            # Renew the pool's generation (what SQLAlchemy does on a disconnect it detects
            # itself), then drop this connection.
            connection.sync_engine.pool._invalidate(raw, exc, _checkin=False)
            await connection.invalidate(exc)
            if attempt == attempts or isinstance(exc, TimeoutError):
                raise
            await session.rollback()
            continue
        return None if row is None else tuple(row)
    raise AssertionError("unreachable")  # pragma: no cover


def adopt(session: Session, entity: T) -> T:
    """Make an entity built from a fetched row persistent in ``session``, as if loaded."""
    make_transient_to_detached(entity)
    session.add(entity)
    return entity
