"""Stairway: every revision upgrades, downgrades and upgrades again on a real database."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from aluzio.adapters.postgres import migrator
from aluzio.adapters.postgres.database import create_engine
from tests.support.postgres import DatabaseFactory

REVISIONS = migrator.revision_order()


@pytest.mark.parametrize("revision", REVISIONS)
async def test_stairway(database_factory: DatabaseFactory, revision: str) -> None:
    url = await database_factory.create(template=False)
    engine = create_engine(url, pool_size=1)
    try:
        previous = REVISIONS[REVISIONS.index(revision) - 1] if revision != REVISIONS[0] else "base"
        await migrator.upgrade(engine, revision)
        await migrator.downgrade(engine, previous)
        await migrator.upgrade(engine, revision)
        assert await migrator.current_revisions(engine) == {revision}
    finally:
        await engine.dispose()
        await database_factory.drop(url)


async def test_full_downgrade_leaves_no_tables(database_factory: DatabaseFactory) -> None:
    url = await database_factory.create(template=False)
    engine = create_engine(url, pool_size=1)
    try:
        await migrator.upgrade(engine)
        await migrator.downgrade(engine, "base")
        async with engine.connect() as connection:
            tables = (
                (
                    await connection.execute(
                        text(
                            "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"
                            " AND tablename <> 'alembic_version'"
                        )
                    )
                )
                .scalars()
                .all()
            )
        assert tables == []
    finally:
        await engine.dispose()
        await database_factory.drop(url)


def test_there_is_one_head() -> None:
    assert len(migrator.head_revisions()) == 1


async def test_models_match_migrations(database_url: str) -> None:
    """The tables declared in code and the migrated schema do not drift apart."""
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    from aluzio.adapters.postgres import tables  # noqa: F401
    from aluzio.adapters.postgres.mapping import metadata

    engine = create_engine(database_url, pool_size=1)
    try:
        async with engine.connect() as connection:
            diff = await connection.run_sync(
                lambda sync: compare_metadata(
                    MigrationContext.configure(sync, opts={"compare_type": True}), metadata
                )
            )
    finally:
        await engine.dispose()
    assert diff == []
