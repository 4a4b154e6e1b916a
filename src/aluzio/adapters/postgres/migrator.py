"""Run Alembic migrations programmatically on an async engine."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

MIGRATIONS_DIR = Path(__file__).with_name("migrations")


def alembic_config(connection: Connection | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("path_separator", "os")
    # env.py runs on this connection; it never opens one of its own.
    config.attributes["connection"] = connection
    return config


def head_revisions() -> frozenset[str]:
    """The revisions a fully migrated database is at."""
    return frozenset(ScriptDirectory.from_config(alembic_config()).get_heads())


def revision_order() -> list[str]:
    """Every revision id, oldest first."""
    script = ScriptDirectory.from_config(alembic_config())
    return [rev.revision for rev in reversed(list(script.walk_revisions()))]


async def upgrade(engine: AsyncEngine, revision: str = "head") -> None:
    await _run(engine, lambda config: command.upgrade(config, revision))


async def downgrade(engine: AsyncEngine, revision: str) -> None:
    await _run(engine, lambda config: command.downgrade(config, revision))


async def create_revision(engine: AsyncEngine, message: str, *, autogenerate: bool) -> None:
    """Write a new revision file; with ``autogenerate``, diffed against the database."""
    await _run(
        engine, lambda config: command.revision(config, message=message, autogenerate=autogenerate)
    )


async def current_revisions(engine: AsyncEngine) -> frozenset[str]:
    async with engine.connect() as connection:
        heads = await connection.run_sync(
            lambda sync_conn: MigrationContext.configure(sync_conn).get_current_heads()
        )
    return frozenset(heads)


async def _run(engine: AsyncEngine, step: Callable[[Config], object]) -> None:
    async with engine.begin() as connection:
        await connection.run_sync(lambda sync_conn: step(alembic_config(sync_conn)))
