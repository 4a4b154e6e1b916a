"""One unit-of-work factory per storage, for the contract suites that need nothing else."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable

import pytest

from aluzio.adapters.memory.unit_of_work import MemoryStore
from aluzio.adapters.postgres.database import create_engine, create_session_factory
from aluzio.adapters.postgres.mappers import configure_mappers
from aluzio.application.ports.unit_of_work import UnitOfWork
from aluzio.entrypoints.container import memory_unit_of_work, postgres_unit_of_work

NewUnitOfWork = Callable[[], UnitOfWork]


@pytest.fixture(params=["memory", "postgres"])
def new_unit_of_work(request: pytest.FixtureRequest) -> NewUnitOfWork:
    """Opens units of work on a fresh store: each test runs once per storage."""
    chosen: NewUnitOfWork = request.getfixturevalue(f"{request.param}_unit_of_work_factory")
    return chosen


@pytest.fixture
def memory_unit_of_work_factory() -> NewUnitOfWork:
    return memory_unit_of_work(MemoryStore())


@pytest.fixture
async def postgres_unit_of_work_factory(database_url: str) -> AsyncIterator[NewUnitOfWork]:
    configure_mappers()
    engine = create_engine(database_url, pool_size=2)
    try:
        yield postgres_unit_of_work(create_session_factory(engine))
    finally:
        await engine.dispose()
