"""Engine and session factory for Postgres through asyncpg."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

from aluzio.adapters.postgres.mappers import configure_mappers

_DRIVER_SCHEME = "postgresql+asyncpg"
POOL_RECYCLE_SECONDS = 30 * 60
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


def create_engine(url: str, *, pool_size: int = 10, max_overflow: int = 5) -> AsyncEngine:
    return create_async_engine(
        to_sqlalchemy_url(url),
        pool_size=pool_size,
        max_overflow=max_overflow,
        pool_pre_ping=True,
        # Managed Postgres and its proxies drop long-lived connections; renew them first.
        pool_recycle=POOL_RECYCLE_SECONDS,
    )


def create_session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    # Sessions load and store the domain's entities: map them before the first one opens,
    # whoever builds the factory (the container, the worker, a test).
    configure_mappers()
    # Entities stay usable after commit; use cases return them to the caller.
    return async_sessionmaker(engine, expire_on_commit=False)
