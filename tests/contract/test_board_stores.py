"""The board repository keeps one contract in memory and in Postgres.

Concurrency (the organization's row lock under concurrent creations) is Postgres's alone:
see tests/integration/boards/test_boards.py.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import asyncpg
import pytest

from aluzio.adapters.memory.unit_of_work import MemoryStore
from aluzio.adapters.postgres.database import create_engine, create_session_factory, to_asyncpg_dsn
from aluzio.adapters.postgres.mappers import configure_mappers
from aluzio.application.accounts.ports import USERS
from aluzio.application.boards.ports import BoardsUnitOfWork
from aluzio.application.pagination import Page
from aluzio.application.ports.unit_of_work import Repository
from aluzio.domain.accounts.email import EmailAddress
from aluzio.domain.accounts.user import User, UserName
from aluzio.domain.boards.model import Board, Section, SectionDraft
from aluzio.domain.errors import NotFound
from aluzio.domain.organizations.model import Organization, OrganizationName, Slug
from aluzio.entrypoints.container import memory_unit_of_work, postgres_unit_of_work

NOW = datetime(2026, 11, 28, 8, 0, tzinfo=UTC)


class BoardsTestWork(BoardsUnitOfWork):
    users = Repository(USERS)


@dataclass
class Storage:
    work: Callable[[], BoardsTestWork]
    erase_user: Callable[[uuid.UUID], Awaitable[None]]


@pytest.fixture(params=["memory", "postgres"])
def storage(request: pytest.FixtureRequest) -> Storage:
    chosen: Storage = request.getfixturevalue(f"{request.param}_storage")
    return chosen


@pytest.fixture
def memory_storage() -> Storage:
    store = MemoryStore()
    new = memory_unit_of_work(store)

    async def erase_user(user_id: uuid.UUID) -> None:
        store.committed.table("users").pop(user_id)

    return Storage(lambda: BoardsTestWork(new()), erase_user)


@pytest.fixture
async def postgres_storage(database_url: str) -> AsyncIterator[Storage]:
    configure_mappers()
    engine = create_engine(database_url, pool_size=2)
    new = postgres_unit_of_work(create_session_factory(engine))

    async def erase_user(user_id: uuid.UUID) -> None:
        connection = await asyncpg.connect(to_asyncpg_dsn(database_url))
        try:
            await connection.execute("DELETE FROM users WHERE id = $1", user_id)
        finally:
            await connection.close()

    try:
        yield Storage(lambda: BoardsTestWork(new()), erase_user)
    finally:
        await engine.dispose()


async def _user(storage: Storage, email: str = "ada@example.com") -> User:
    async with storage.work() as uow:
        user = await uow.users.add(
            User.register(
                id=uuid.uuid4(),
                name=UserName(email.split("@")[0]),
                email=EmailAddress(email),
                password_hash="$argon2id$x",
                now=NOW,
            )
        )
        await uow.commit()
    return user


async def _org(storage: Storage, slug: str = "acme") -> Organization:
    async with storage.work() as uow:
        org = await uow.organizations.add(
            Organization.create(
                id=uuid.uuid4(), name=OrganizationName("Acme"), slug=Slug(slug), now=NOW
            )
        )
        await uow.commit()
    return org


def _board(
    org: Organization, by: User, name: str = "Board", *titles: str, at: datetime = NOW
) -> Board:
    return Board.create(
        id=uuid.uuid4(),
        organization_id=org.id,
        name=name,
        sections=[SectionDraft(t, f"{t}?", "blue") for t in titles or ("A", "B", "C")],
        created_by=by.id,
        now=at,
        new_id=uuid.uuid4,
    )


def _shape(sections: list[Section]) -> list[tuple[uuid.UUID, str, str | None, str | None]]:
    return [(s.id, s.title, s.prompt, s.color) for s in sections]


async def test_a_board_comes_back_with_its_sections_in_order(storage: Storage) -> None:
    ada = await _user(storage)
    org = await _org(storage)
    board = _board(org, ada, "Weekly", "Zeta", "Alpha", "Mid")
    async with storage.work() as uow:
        await uow.boards.add(board)
        await uow.commit()
    async with storage.work() as uow:
        found = await uow.boards.find(board.id, lock=True)
        assert found is not None
        assert (found.name, found.organization_id, found.created_by, found.created_at) == (
            "Weekly",
            org.id,
            ada.id,
            NOW,
        )
        assert _shape(found.sections) == _shape(board.sections)
        assert [s.title for s in found.sections] == ["Zeta", "Alpha", "Mid"]
        assert await uow.boards.find(uuid.uuid4()) is None


async def test_update_writes_the_name_and_the_new_section_list(storage: Storage) -> None:
    ada = await _user(storage)
    org = await _org(storage)
    board = _board(org, ada, "Old", "A", "B", "C")
    async with storage.work() as uow:
        await uow.boards.add(board)
        await uow.commit()
    a, _, c = board.sections
    async with storage.work() as uow:
        found = await uow.boards.find(board.id, lock=True)
        assert found is not None
        found.rename("New")
        found.replace_sections(
            [
                SectionDraft("C2", None, "red", id=c.id),
                SectionDraft("D"),
                SectionDraft("A", id=a.id),
            ],
            uuid.uuid4,
        )
        await uow.boards.update(found)
        expected = _shape(found.sections)
        await uow.commit()
    async with storage.work() as uow:
        again = await uow.boards.find(board.id)
        assert again is not None
        assert again.name == "New"
        assert _shape(again.sections) == expected
        assert [s.id for s in again.sections][::2] == [c.id, a.id]


async def test_an_update_left_uncommitted_changes_nothing(storage: Storage) -> None:
    ada = await _user(storage)
    org = await _org(storage)
    board = _board(org, ada, "Kept", "A")
    async with storage.work() as uow:
        await uow.boards.add(board)
        await uow.commit()
    async with storage.work() as uow:
        found = await uow.boards.find(board.id)
        assert found is not None
        found.rename("Lost")
        found.replace_sections([SectionDraft("Lost")], uuid.uuid4)
        await uow.boards.update(found)
    async with storage.work() as uow:
        again = await uow.boards.find(board.id)
        assert again is not None
        assert (again.name, [s.title for s in again.sections]) == ("Kept", ["A"])


async def test_pages_of_an_organization_newest_first_and_counts(storage: Storage) -> None:
    ada = await _user(storage)
    org = await _org(storage)
    other = await _org(storage, "other")
    boards = [_board(org, ada, f"B{n}", f"S{n}", at=NOW + timedelta(minutes=n)) for n in range(5)]
    async with storage.work() as uow:
        for board in boards:
            await uow.boards.add(board)
        await uow.boards.add(_board(other, ada, "Elsewhere"))
        await uow.commit()
    async with storage.work() as uow:
        page = await uow.boards.page_of_organization(org.id, Page(limit=2, offset=1))
        assert page.total == 5
        assert [b.name for b in page.items] == ["B3", "B2"]
        assert [[s.title for s in b.sections] for b in page.items] == [["S3"], ["S2"]]
        past_the_end = await uow.boards.page_of_organization(org.id, Page(limit=2, offset=10))
        assert (past_the_end.items, past_the_end.total) == ([], 5)
        assert await uow.boards.count_of_organization(org.id) == 5
        assert await uow.boards.count_of_organization(other.id) == 1
        assert await uow.boards.count_of_organization(uuid.uuid4()) == 0


async def test_deleting_a_board_and_an_organization(storage: Storage) -> None:
    ada = await _user(storage)
    org = await _org(storage)
    first, second = _board(org, ada, "One"), _board(org, ada, "Two")
    async with storage.work() as uow:
        await uow.boards.add(first)
        await uow.boards.add(second)
        await uow.commit()
    async with storage.work() as uow:
        await uow.boards.delete(first.id)
        await uow.commit()
    async with storage.work() as uow:
        assert await uow.boards.find(first.id) is None
        assert await uow.boards.find(second.id) is not None
        await uow.organizations.delete(org.id)
        await uow.commit()
    async with storage.work() as uow:
        assert await uow.boards.find(second.id) is None
        assert await uow.boards.count_of_organization(org.id) == 0


async def test_a_board_needs_its_organization_and_creator(storage: Storage) -> None:
    ada = await _user(storage)
    org = await _org(storage)
    ghost = User.register(
        id=uuid.uuid4(),
        name=UserName("Ghost"),
        email=EmailAddress("ghost@example.com"),
        password_hash="$argon2id$x",
        now=NOW,
    )
    nowhere = Organization.create(
        id=uuid.uuid4(), name=OrganizationName("Gone"), slug=Slug("gone"), now=NOW
    )
    for board in (_board(nowhere, ada), _board(org, ghost)):
        with pytest.raises(NotFound):
            async with storage.work() as uow:
                await uow.boards.add(board)
                await uow.commit()


async def test_erasing_the_creator_leaves_the_board_to_the_team(storage: Storage) -> None:
    ada = await _user(storage)
    org = await _org(storage)
    board = _board(org, ada, "Ours", "A", "B")
    async with storage.work() as uow:
        await uow.boards.add(board)
        await uow.commit()
    await storage.erase_user(ada.id)
    async with storage.work() as uow:
        found = await uow.boards.find(board.id)
        assert found is not None
        assert found.created_by is None
        assert [s.title for s in found.sections] == ["A", "B"]
