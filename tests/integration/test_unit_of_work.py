"""The Postgres unit of work: rolls back unless committed; constraint violations become
domain errors inside the adapter."""

from __future__ import annotations

import asyncio
import uuid
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
from aluzio.adapters.postgres.integrity import CONSTRAINT_ERRORS
from aluzio.adapters.postgres.unit_of_work import (
    PostgresRepositories,
    PostgresUnitOfWork,
    SessionScope,
)
from aluzio.application.ports.events import Event
from aluzio.application.ports.mail import EmailMessage, MailUnitOfWork
from aluzio.application.ports.unit_of_work import RepositoryKey, UnknownRepository
from aluzio.domain.errors import Conflict, NotFound
from aluzio.entrypoints.container import postgres_unit_of_work


class NameTaken(Conflict):
    code = "name-taken"


@pytest.fixture
async def engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(database_url, pool_size=2)
    async with engine.begin() as connection:
        await connection.execute(
            text(
                "CREATE TABLE teams (id uuid PRIMARY KEY,"
                " name text CONSTRAINT uq_teams_name UNIQUE)"
            )
        )
        await connection.execute(
            text(
                "CREATE TABLE members (id uuid PRIMARY KEY, email text UNIQUE,"
                " team_id uuid CONSTRAINT fk_members_team_id_teams REFERENCES teams (id))"
            )
        )
    yield engine
    await engine.dispose()


def unit_of_work(engine: AsyncEngine) -> PostgresUnitOfWork:
    return postgres_unit_of_work(create_session_factory(engine))()


async def add_team(uow: PostgresUnitOfWork, name: str) -> uuid.UUID:
    team_id = uuid.uuid4()
    await uow.session.execute(
        text("INSERT INTO teams (id, name) VALUES (:id, :name)"), {"id": team_id, "name": name}
    )
    return team_id


async def count_teams(engine: AsyncEngine) -> int:
    async with engine.connect() as connection:
        return int((await connection.execute(text("SELECT count(*) FROM teams"))).scalar_one())


async def test_changes_are_kept_when_committed(engine: AsyncEngine) -> None:
    async with unit_of_work(engine) as uow:
        await add_team(uow, "blue")
        await uow.commit()
    assert await count_teams(engine) == 1


async def test_changes_are_rolled_back_without_commit(engine: AsyncEngine) -> None:
    async with unit_of_work(engine) as uow:
        await add_team(uow, "blue")
    assert await count_teams(engine) == 0


async def test_changes_are_rolled_back_when_the_block_fails(engine: AsyncEngine) -> None:
    with pytest.raises(RuntimeError):
        async with unit_of_work(engine) as uow:
            await add_team(uow, "blue")
            raise RuntimeError("half-way failure")
    assert await count_teams(engine) == 0


async def test_mail_enqueued_in_a_rolled_back_unit_is_gone(engine: AsyncEngine) -> None:
    message = EmailMessage("a@example.com", "Hi", "text", "<p>html</p>", "verify-email")
    async with MailUnitOfWork(unit_of_work(engine)) as uow:
        await uow.outbox.enqueue(message)
    async with engine.connect() as connection:
        count = (await connection.execute(text("SELECT count(*) FROM mail_outbox"))).scalar_one()
    assert count == 0


async def test_known_unique_constraint_becomes_its_domain_error(
    engine: AsyncEngine, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(CONSTRAINT_ERRORS, "uq_teams_name", NameTaken)
    async with unit_of_work(engine) as uow:
        await add_team(uow, "blue")
        await uow.commit()
    with pytest.raises(NameTaken):
        async with unit_of_work(engine) as uow:
            await add_team(uow, "blue")
            await uow.commit()


async def test_other_unique_violation_is_a_conflict(engine: AsyncEngine) -> None:
    async with unit_of_work(engine) as uow:
        team_id = await add_team(uow, "blue")
        await uow.commit()
    insert = text("INSERT INTO members (id, email, team_id) VALUES (:id, 'a@x.org', :team)")
    async with unit_of_work(engine) as uow:
        await uow.session.execute(insert, {"id": uuid.uuid4(), "team": team_id})
        await uow.commit()
    with pytest.raises(Conflict) as raised:
        async with unit_of_work(engine) as uow:
            await uow.session.execute(insert, {"id": uuid.uuid4(), "team": team_id})
            await uow.commit()
    assert type(raised.value) is Conflict


async def test_foreign_key_violation_is_not_found(engine: AsyncEngine) -> None:
    with pytest.raises(NotFound):
        async with unit_of_work(engine) as uow:
            await uow.session.execute(
                text("INSERT INTO members (id, email, team_id) VALUES (:id, 'b@x.org', :team)"),
                {"id": uuid.uuid4(), "team": uuid.uuid4()},
            )
            await uow.commit()


# --- The seam: repositories built on first use, events published on commit -------------------

WIDGETS: RepositoryKey[list[str]] = RepositoryKey("test.widgets")


async def test_a_repository_is_built_on_first_use_once_per_block(engine: AsyncEngine) -> None:
    built: list[SessionScope] = []

    def widgets(scope: SessionScope) -> list[str]:
        built.append(scope)
        return []

    repositories = PostgresRepositories()
    repositories.register(WIDGETS, widgets)
    uow = PostgresUnitOfWork(create_session_factory(engine), repositories)
    async with uow:
        assert built == []
        assert uow.repository(WIDGETS) is uow.repository(WIDGETS)
    async with uow:
        uow.repository(WIDGETS)
    assert len(built) == 2
    with pytest.raises(UnknownRepository):
        async with unit_of_work(engine) as other:
            other.repository(WIDGETS)


async def test_events_are_announced_only_when_the_work_commits(
    engine: AsyncEngine, database_url: str
) -> None:
    heard: list[str] = []
    arrived = asyncio.Event()

    def hear(*args: object) -> None:
        heard.append(str(args[-1]))
        arrived.set()

    listener = await asyncpg.connect(to_asyncpg_dsn(database_url))
    try:
        await listener.add_listener("test_events", hear)
        async with unit_of_work(engine) as uow:
            uow.emit(Event("test_events", "rolled back"))
        async with unit_of_work(engine) as uow:
            uow.emit(Event("test_events", "dropped by rollback()"))
            await uow.rollback()
            uow.emit(Event("test_events", "committed"))
            uow.emit(Event("test_events", "committed"))
            await add_team(uow, "blue")
            await uow.commit()
        await asyncio.wait_for(arrived.wait(), timeout=5)
        await asyncio.sleep(0.2)
    finally:
        await listener.close()
    assert heard == ["committed"]
