"""Engine and session factory for Postgres through asyncpg."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

from aluzio.adapters.postgres import faults
from aluzio.adapters.postgres.mappers import configure_mappers

_DRIVER_SCHEME = "postgresql+asyncpg"
POOL_RECYCLE_SECONDS = 30 * 60
DEFAULT_CONNECT_TIMEOUT_SECONDS = 3.0
DEFAULT_STATEMENT_TIMEOUT_SECONDS = 5.0
DEFAULT_POOL_TIMEOUT_SECONDS = 3.0
_POSTGRES_SCHEMES = {"postgres", "postgresql", "postgresql+asyncpg"}


def to_sqlalchemy_url(url: str) -> str:
    """Turn a libpq-style URL (as Fly.io sets ``DATABASE_URL``) into one for asyncpg.

    ``postgres://`` becomes ``postgresql+asyncpg://`` and libpq's ``sslmode`` becomes
    asyncpg's ``ssl``, which takes the same values.
    """
    parts = urlsplit(url)
    if parts.scheme not in _POSTGRES_SCHEMES:
        raise ValueError("must be a postgres:// or postgresql:// URL")
    query = [("ssl" if key == "sslmode" else key, value) for key, value in parse_qsl(parts.query)]
    return urlunsplit((_DRIVER_SCHEME, parts.netloc, parts.path, urlencode(query), parts.fragment))


def to_asyncpg_dsn(url: str) -> str:
    """The same database as a plain ``postgresql://`` DSN for ``asyncpg.connect``."""
    return to_sqlalchemy_url(url).replace(_DRIVER_SCHEME, "postgresql", 1)


def create_engine(
    url: str,
    *,
    pool_size: int = 10,
    max_overflow: int = 0,
    connect_timeout: float = DEFAULT_CONNECT_TIMEOUT_SECONDS,
    statement_timeout: float | None = DEFAULT_STATEMENT_TIMEOUT_SECONDS,
    pool_timeout: float = DEFAULT_POOL_TIMEOUT_SECONDS,
) -> AsyncEngine:
    """An engine whose every wait is bounded, and that says once when the database is gone.

    ``connect_timeout`` bounds opening a connection, ``statement_timeout`` every statement
    (also ``BEGIN``, ``COMMIT`` and ``ROLLBACK``; asyncpg's ``command_timeout``, enforced by
    the client, so it holds when the server is frozen; None for migrations, which may take
    long) and ``pool_timeout`` the wait for a
    free pooled connection. No pre-ping: a lost connection is detected by its first
    statement and the pool renews it with all its generation (see :mod:`.faults`).
    """
    engine = create_async_engine(
        to_sqlalchemy_url(url),
        pool_size=pool_size,
        max_overflow=max_overflow,
        pool_timeout=pool_timeout,
        # Managed Postgres and its proxies drop long-lived connections; renew them first.
        pool_recycle=POOL_RECYCLE_SECONDS,
        connect_args={"timeout": connect_timeout, "command_timeout": statement_timeout},
    )
    faults.watch(engine)
    return engine


def create_session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    # Sessions load and store the domain's entities: map them before the first one opens,
    # whoever builds the factory (the container, the worker, a test).
    configure_mappers()
    # Entities stay usable after commit; use cases return them to the caller.
    return async_sessionmaker(engine, expire_on_commit=False)
