"""Hot-path reads sent straight through asyncpg.

A lookup that every request makes (the session behind a cookie) is worth one hand-written
statement instead of ORM statement building and result processing. :func:`fetch_pooled_row`
borrows a pooled connection for that one statement, outside any unit of work;
:func:`fetch_row` runs on a unit of work's connection. Neither opens a transaction for a
lone read (SQLAlchemy's asyncpg adapter begins one lazily, with the first statement it sends
itself), which saves the ``BEGIN`` and ``ROLLBACK`` round trips.

The pool does not ping a connection at every checkout (that was two round trips per
request). A connection the driver finds broken is handled as SQLAlchemy handles its own:
it is invalidated together with every connection of its generation (so after a database
restart the pool renews them all at once), and a read that was the first statement on its
connection is tried once more on a fresh one: nothing was sent in that transaction yet, so
nothing can be lost. A statement that timed out is not retried.
"""

from __future__ import annotations

from typing import Any, TypeVar

import asyncpg
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession, async_scoped_session
from sqlalchemy.orm import make_transient_to_detached

from aluzio.adapters.postgres.faults import is_lost_connection

T = TypeVar("T")
Session = AsyncSession | async_scoped_session[AsyncSession]
ATTEMPTS = 2  # the first try and one on a fresh connection


async def fetch_row(session: Session, sql: str, *args: Any) -> tuple[Any, ...] | None:
    """The first row of ``sql`` (``$1``-style parameters) on ``session``'s connection."""
    assert isinstance(session, AsyncSession)  # units of work never use a scoped session
    attempts = ATTEMPTS if not session.in_transaction() else 1
    for attempt in range(1, attempts + 1):
        try:
            return await _fetch(await session.connection(), sql, args)
        except Exception as exc:
            if attempt == attempts or not _retriable(exc):
                raise
            await session.rollback()
    raise AssertionError("unreachable")  # pragma: no cover


async def fetch_pooled_row(engine: AsyncEngine, sql: str, *args: Any) -> tuple[Any, ...] | None:
    """The first row of ``sql`` on a connection borrowed from ``engine``'s pool for it alone.

    The connection is checked out as SQLAlchemy's own are (so a failed connect reaches the
    engine's error events and the outage log) and goes back to the pool at once.
    """
    for attempt in range(1, ATTEMPTS + 1):
        try:
            async with engine.connect() as connection:
                return await _fetch(connection, sql, args)
        except Exception as exc:
            if attempt == ATTEMPTS or not _retriable(exc):
                raise
    raise AssertionError("unreachable")  # pragma: no cover


def _retriable(exc: BaseException) -> bool:
    """A connection found lost (and dropped by :func:`_fetch`), not one that timed out."""
    return is_lost_connection(exc) and not isinstance(exc, TimeoutError)


async def _fetch(
    connection: AsyncConnection, sql: str, args: tuple[Any, ...]
) -> tuple[Any, ...] | None:
    raw = await connection.get_raw_connection()
    driver = raw.driver_connection
    assert isinstance(driver, asyncpg.Connection)
    try:
        row = await driver.fetchrow(sql, *args)
    except Exception as exc:
        if is_lost_connection(exc):
            if isinstance(exc, TimeoutError):
                # A server that does not answer would not answer a polite goodbye either.
                driver.terminate()
            # Renew the pool's generation (what SQLAlchemy does on a disconnect it detects
            # itself), then drop this connection.
            connection.sync_engine.pool._invalidate(raw, exc, _checkin=False)
            await connection.invalidate(exc)
        raise
    return None if row is None else tuple(row)


def adopt(session: Session, entity: T) -> T:
    """Make an entity built from a fetched row persistent in ``session``, as if loaded."""
    make_transient_to_detached(entity)
    session.add(entity)
    return entity
