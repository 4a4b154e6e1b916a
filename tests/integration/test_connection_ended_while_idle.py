"""A pooled connection the server ended while it sat idle (a fast shutdown or
``pg_terminate_backend`` sends it a FATAL goodbye, then closes the socket).

asyncpg may read the goodbye before the end of the socket; a statement sent in between is
refused with an ``InternalClientError``. A read sent straight through asyncpg (the session
lookup, or a unit of work's first statement) is read again on a fresh connection; a
statement sent through SQLAlchemy makes the unit of work answer :class:`DatabaseUnavailable`,
and the pool renews its connections. The goodbye is written into the connection's protocol,
as the socket delivers it, to stand in that moment deterministically; a backend really
terminated meets the same refusal.
"""

from __future__ import annotations

import asyncio
import struct
from collections.abc import AsyncIterator

import asyncpg
import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from aluzio.adapters.postgres.database import (
    create_engine,
    create_session_factory,
    to_asyncpg_dsn,
)
from aluzio.adapters.postgres.driver import fetch_pooled_row, fetch_row
from aluzio.adapters.postgres.faults import watch
from aluzio.application.ports.unit_of_work import DatabaseUnavailable
from aluzio.entrypoints.container import postgres_unit_of_work


def goodbye() -> bytes:
    """The ErrorResponse Postgres sends a connection it ends on a fast shutdown."""
    fields = (
        (b"S", "FATAL"),
        (b"V", "FATAL"),
        (b"C", "57P01"),
        (b"M", "terminating connection due to administrator command"),
    )
    body = b"".join(kind + value.encode() + b"\0" for kind, value in fields) + b"\0"
    return b"E" + struct.pack("!i", len(body) + 4) + body


def say_goodbye(driver: asyncpg.Connection) -> None:
    protocol: asyncio.Protocol = getattr(driver, "_protocol")  # noqa: B009 (private)
    protocol.data_received(goodbye())


@pytest.fixture
async def engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(database_url, pool_size=1)
    watch(engine)
    yield engine
    await engine.dispose()


async def pooled_driver(engine: AsyncEngine) -> asyncpg.Connection:
    """The asyncpg connection idle in the pool (of one)."""
    async with engine.connect() as connection:
        raw = await connection.get_raw_connection()
        driver = raw.driver_connection
        assert isinstance(driver, asyncpg.Connection)
        assert await driver.fetchval("SELECT 1") == 1
    return driver


async def backend_pid(engine: AsyncEngine) -> int:
    async with engine.connect() as connection:
        return int((await connection.execute(text("SELECT pg_backend_pid()"))).scalar_one())


async def test_the_goodbye_alone_makes_asyncpg_refuse_the_next_statement(
    engine: AsyncEngine,
) -> None:
    driver = await pooled_driver(engine)
    say_goodbye(driver)
    with pytest.raises(asyncpg.exceptions.InternalClientError, match=r"operation \(2\)"):
        await driver.fetchrow("SELECT 1")


async def test_the_session_lookup_reads_again_on_a_fresh_connection(
    engine: AsyncEngine,
) -> None:
    say_goodbye(await pooled_driver(engine))
    assert await fetch_pooled_row(engine, "SELECT 41 + 1") == (42,)


async def test_a_unit_of_work_reads_its_first_row_again_on_a_fresh_connection(
    engine: AsyncEngine,
) -> None:
    say_goodbye(await pooled_driver(engine))
    async with postgres_unit_of_work(create_session_factory(engine))() as uow:
        assert await fetch_row(uow.session, "SELECT 41 + 1") == (42,)


async def test_a_unit_of_work_on_it_is_unavailable_then_the_pool_is_renewed(
    engine: AsyncEngine,
) -> None:
    ended = await pooled_driver(engine)
    say_goodbye(ended)
    with pytest.raises(DatabaseUnavailable):
        async with postgres_unit_of_work(create_session_factory(engine))() as uow:
            await uow.session.execute(text("SELECT 1"))
    async with postgres_unit_of_work(create_session_factory(engine))() as uow:
        assert (await uow.session.execute(text("SELECT 1"))).scalar_one() == 1
    assert await pooled_driver(engine) is not ended


async def test_a_backend_terminated_while_idle_is_read_again(
    engine: AsyncEngine, database_url: str
) -> None:
    """The same through the server: whichever of the goodbye or the socket's end asyncpg
    has read when the statement comes, the read is served."""
    pid = await backend_pid(engine)
    admin = await asyncpg.connect(to_asyncpg_dsn(database_url))
    try:
        assert await admin.fetchval("SELECT pg_terminate_backend($1)", pid)
    finally:
        await admin.close()
    assert await fetch_pooled_row(engine, "SELECT 41 + 1") == (42,)
