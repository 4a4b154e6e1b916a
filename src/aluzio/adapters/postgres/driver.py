"""Hot-path reads sent straight through asyncpg on a unit of work's connection.

A lookup that every request makes (the session behind a cookie) is worth one hand-written
statement instead of ORM statement building and result processing. It runs on the same
connection as the rest of the unit of work; when it is the block's first statement no
transaction is opened for it (SQLAlchemy's asyncpg adapter begins one lazily, with the
first statement it sends itself), which saves the ``BEGIN`` and ``ROLLBACK`` round trips.
A connection the driver finds broken is invalidated, exactly as SQLAlchemy does for its own
statements, so the pool replaces it instead of handing it out again.
"""

from __future__ import annotations

from typing import Any, TypeVar

import asyncpg
from sqlalchemy.ext.asyncio import AsyncSession, async_scoped_session
from sqlalchemy.orm import make_transient_to_detached

T = TypeVar("T")
Session = AsyncSession | async_scoped_session[AsyncSession]

# What asyncpg raises when the connection itself is gone or unusable.
CONNECTION_ERRORS: tuple[type[BaseException], ...] = (
    OSError,
    TimeoutError,
    asyncpg.exceptions.ConnectionDoesNotExistError,
    asyncpg.exceptions.PostgresConnectionError,
    asyncpg.exceptions.InterfaceError,
    asyncpg.exceptions.CannotConnectNowError,
    asyncpg.exceptions.AdminShutdownError,
)


async def fetch_row(session: Session, sql: str, *args: Any) -> tuple[Any, ...] | None:
    """The first row of ``sql`` (``$1``-style parameters) on ``session``'s connection."""
    connection = await session.connection()
    raw = await connection.get_raw_connection()
    driver = raw.driver_connection
    assert isinstance(driver, asyncpg.Connection)
    try:
        row = await driver.fetchrow(sql, *args)
    except CONNECTION_ERRORS as exc:
        await connection.invalidate(exc if isinstance(exc, Exception) else None)
        raise
    return None if row is None else tuple(row)


def adopt(session: Session, entity: T) -> T:
    """Make an entity built from a fetched row persistent in ``session``, as if loaded."""
    make_transient_to_detached(entity)
    session.add(entity)
    return entity
