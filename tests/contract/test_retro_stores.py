"""The retro repositories keep one contract in memory and in Postgres.

Row locks and concurrent changes are Postgres's alone: see
tests/integration/retros/test_consistency.py.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import asyncpg
import pytest

from aluzio.adapters.postgres.database import to_asyncpg_dsn
from aluzio.application.accounts.ports import USERS
from aluzio.application.pagination import Page
from aluzio.application.ports.unit_of_work import UnitOfWork
from aluzio.application.retros.ports import RetrosUnitOfWork
from aluzio.domain.accounts.email import EmailAddress
from aluzio.domain.accounts.user import User, UserName
from aluzio.domain.boards.model import Board, Section
from aluzio.domain.errors import NotFound
from aluzio.domain.organizations.model import (
    Membership,
    Organization,
    OrganizationName,
    Role,
    Slug,
)
from aluzio.domain.retros.model import (
    Card,
    Participant,
    Phase,
    PhaseChange,
    Retro,
    Topic,
    freeze_sections,
)
from aluzio.domain.retros.settings import RetroSettings

NOW = datetime(2026, 11, 29, 9, 0, tzinfo=UTC)
Work = Callable[[], RetrosUnitOfWork]


@pytest.fixture
def work(new_unit_of_work: Callable[[], UnitOfWork]) -> Work:
    return lambda: RetrosUnitOfWork(new_unit_of_work())


@pytest.fixture
def postgres_work(postgres_unit_of_work_factory: Callable[[], UnitOfWork]) -> Work:
    return lambda: RetrosUnitOfWork(postgres_unit_of_work_factory())


class World:
    """An organization with a board of three sections, and two people in it."""

    def __init__(self, org: Organization, board: Board, ada: User, bea: User) -> None:
        self.org, self.board, self.ada, self.bea = org, board, ada, bea


def _user(email: str) -> User:
    return User.register(
        id=uuid.uuid4(),
        name=UserName(email.split("@")[0].capitalize()),
        email=EmailAddress(email),
        password_hash="$argon2id$x",
        now=NOW,
    )


async def _world(work: Work, slug: str = "acme") -> World:
    ada, bea = _user(f"ada@{slug}.test"), _user(f"bea@{slug}.test")
    org = Organization.create(
        id=uuid.uuid4(), name=OrganizationName(slug.title()), slug=Slug(slug), now=NOW
    )
    board = Board(
        id=uuid.uuid4(),
        organization_id=org.id,
        name="Team board",
        created_by=bea.id,  # Ada, the facilitator, is erased in a test below
        created_at=NOW,
        sections=[Section(uuid.uuid4(), title, None, None) for title in ("Start", "Stop", "Go")],
    )
    async with work() as uow:
        await uow.repository(USERS).add(ada)
        await uow.repository(USERS).add(bea)
        await uow.organizations.add(org)
        await uow.memberships.add(Membership(org.id, ada.id, Role.OWNER.value, NOW))
        await uow.memberships.add(Membership(org.id, bea.id, Role.MEMBER.value, NOW))
        await uow.boards.add(board)
        await uow.commit()
    return World(org, board, ada, bea)


async def _retro(work: Work, world: World, minutes: int = 0) -> Retro:
    retro, created = Retro.open(
        id=uuid.uuid4(),
        board_id=world.board.id,
        organization_id=world.org.id,
        settings=RetroSettings(),
        created_by=world.ada.id,
        now=NOW + timedelta(minutes=minutes),
    )
    async with work() as uow:
        await uow.retros.add(retro)
        await uow.phase_history.add(created)
        await uow.commit()
    return retro


async def _started(work: Work, world: World) -> Retro:
    retro = await _retro(work, world)
    async with work() as uow:
        found = await uow.retros.find(retro.id, lock=True)
        assert found is not None
        found.phase = Phase.REFLECT
        await uow.sections.add_all(freeze_sections(found, world.board.sections))
        await uow.phase_history.add(
            PhaseChange(retro.id, Phase.DRAFT, Phase.REFLECT, world.ada.id, NOW)
        )
        await uow.commit()
    return retro


def _card(retro: Retro, section_id: uuid.UUID, topic: Topic, author: User, position: int) -> Card:
    return Card(
        id=uuid.uuid4(),
        retro_id=retro.id,
        section_id=section_id,
        topic_id=topic.id,
        author_id=author.id,
        body=f"card {position}",
        position=position,
        created_at=NOW,
        updated_at=NOW,
    )


async def test_retros_of_a_board_newest_first_with_their_history(work: Work) -> None:
    world = await _world(work)
    older = await _retro(work, world, minutes=0)
    newer = await _retro(work, world, minutes=5)
    async with work() as uow:
        page = await uow.retros.page_of_board(world.board.id, Page(limit=1))
        assert ([r.id for r in page.items], page.total) == ([newer.id], 2)
        rest = await uow.retros.page_of_board(world.board.id, Page(limit=1, offset=1))
        assert [r.id for r in rest.items] == [older.id]
        history = await uow.phase_history.of_retros([older.id, newer.id])
        assert [c.to_phase for c in history[older.id]] == [Phase.DRAFT]
        found = await uow.retros.find(older.id)
        assert found is not None
        assert found.phase is Phase.DRAFT
        assert (found.version, found.anonymous, found.facilitator_id) == (1, True, world.ada.id)
        found.version += 1
        found.title = "Renamed"
        await uow.commit()
    async with work() as uow:
        again = await uow.retros.find(older.id, lock=True)
        assert again is not None
        assert (again.version, again.title) == (2, "Renamed")


async def test_phase_history_keeps_its_order(work: Work) -> None:
    world = await _world(work)
    retro = await _retro(work, world)
    steps = [Phase.REFLECT, Phase.GROUP, Phase.REFLECT, Phase.GROUP]
    async with work() as uow:
        previous = Phase.DRAFT
        for step in steps:  # the same instant: the order of insertion decides
            await uow.phase_history.add(PhaseChange(retro.id, previous, step, world.bea.id, NOW))
            previous = step
        await uow.commit()
    async with work() as uow:
        history = await uow.phase_history.of_retro(retro.id)
        assert [c.to_phase for c in history] == [Phase.DRAFT, *steps]
        assert history[1].from_phase is Phase.DRAFT


async def test_sections_freeze_in_order(work: Work) -> None:
    world = await _world(work)
    retro = await _started(work, world)
    async with work() as uow:
        sections = await uow.sections.of_retro(retro.id)
        assert [s.title for s in sections] == ["Start", "Stop", "Go"]
        assert [s.id for s in sections] == [s.id for s in world.board.sections]


async def test_a_section_is_found_in_its_retro_only(work: Work) -> None:
    world = await _world(work)
    retro = await _started(work, world)
    other = await _retro(work, world)
    start = world.board.sections[0]
    async with work() as uow:
        found = await uow.sections.find(retro.id, start.id)
        assert found is not None
        assert (found.retro_id, found.id, found.title) == (retro.id, start.id, "Start")
        assert await uow.sections.find(other.id, start.id) is None  # not frozen there
        assert await uow.sections.find(retro.id, uuid.uuid4()) is None


async def test_participants_join_once(work: Work) -> None:
    world = await _world(work)
    retro = await _retro(work, world)
    async with work() as uow:
        assert await uow.participants.join(Participant(retro.id, world.bea.id, NOW))
        assert not await uow.participants.join(Participant(retro.id, world.bea.id, NOW))
        assert await uow.participants.join(
            Participant(retro.id, world.ada.id, NOW + timedelta(seconds=1))
        )
        await uow.commit()
    async with work() as uow:
        joined = await uow.participants.of_retro(retro.id)
        assert [p.user_id for p in joined] == [world.bea.id, world.ada.id]
        names = await uow.people.names({world.ada.id, world.bea.id, uuid.uuid4()})
        assert names == {world.ada.id: "Ada", world.bea.id: "Bea"}


async def test_cards_and_topics(work: Work) -> None:
    world = await _world(work)
    retro = await _started(work, world)
    start, stop = world.board.sections[0].id, world.board.sections[1].id
    first = Topic(uuid.uuid4(), retro.id, None, NOW)
    second = Topic(uuid.uuid4(), retro.id, "Named", NOW + timedelta(seconds=1))
    async with work() as uow:
        await uow.topics.add(first)
        await uow.topics.add(second)
        a = await uow.cards.add(_card(retro, start, first, world.ada, 0))
        b = await uow.cards.add(_card(retro, stop, first, world.bea, 1))
        c = await uow.cards.add(_card(retro, stop, second, world.bea, 0))
        await uow.commit()
    async with work() as uow:
        assert await uow.cards.count(retro.id) == 3
        assert [t.id for t in await uow.topics.of_retro(retro.id)] == [first.id, second.id]
        in_first = await uow.cards.in_topics([first.id])
        assert [x.id for x in in_first] == [a.id, b.id]
        # A card moves into the second topic; the first is then deleted once empty.
        moving = await uow.cards.find(b.id)
        assert moving is not None
        moving.topic_id, moving.position = second.id, 1
        stay = await uow.cards.find(a.id)
        assert stay is not None
        stay.topic_id, stay.position = second.id, 2
        await uow.topics.delete(first.id)
        await uow.commit()
    async with work() as uow:
        assert await uow.topics.find(first.id) is None
        assert [x.id for x in await uow.cards.in_topics([second.id])] == [c.id, b.id, a.id]
        await uow.cards.delete(c.id)
        await uow.commit()
    async with work() as uow:
        assert await uow.cards.find(c.id) is None
        assert {x.id for x in await uow.cards.of_retro(retro.id)} == {a.id, b.id}


async def test_a_card_refers_to_its_retros_sections_and_topics(work: Work) -> None:
    world = await _world(work)
    retro = await _started(work, world)
    other = await _started(work, world)
    topic = Topic(uuid.uuid4(), other.id, None, NOW)
    async with work() as uow:
        await uow.topics.add(topic)
        await uow.commit()
    with pytest.raises(NotFound):
        async with work() as uow:
            await uow.cards.add(_card(retro, uuid.uuid4(), topic, world.ada, 0))
            await uow.commit()
    with pytest.raises(NotFound):  # the other retro's topic
        async with work() as uow:
            await uow.cards.add(_card(retro, world.board.sections[0].id, topic, world.ada, 0))
            await uow.commit()


async def test_deleting_a_retro_deletes_everything_in_it(work: Work) -> None:
    world = await _world(work)
    retro = await _started(work, world)
    kept = await _started(work, world)
    topic = Topic(uuid.uuid4(), retro.id, None, NOW)
    async with work() as uow:
        await uow.topics.add(topic)
        card = await uow.cards.add(_card(retro, world.board.sections[0].id, topic, world.bea, 0))
        await uow.participants.join(Participant(retro.id, world.bea.id, NOW))
        await uow.commit()
    async with work() as uow:
        await uow.retros.delete(retro.id)
        await uow.commit()
    async with work() as uow:
        assert await uow.retros.find(retro.id) is None
        assert await uow.cards.find(card.id) is None
        assert await uow.topics.find(topic.id) is None
        assert await uow.participants.of_retro(retro.id) == []
        assert await uow.phase_history.of_retro(retro.id) == []
        assert await uow.sections.of_retro(retro.id) == []
        assert await uow.retros.find(kept.id) is not None


async def test_deleting_the_organization_deletes_its_retros(work: Work) -> None:
    world = await _world(work)
    retro = await _started(work, world)
    async with work() as uow:
        await uow.organizations.delete(world.org.id)
        await uow.commit()
    async with work() as uow:
        assert await uow.retros.find(retro.id) is None
        assert await uow.sections.of_retro(retro.id) == []


async def test_erasing_a_user_erases_their_cards_not_the_retros_they_steer(
    postgres_work: Work, database_url: str
) -> None:
    world = await _world(postgres_work)
    retro = await _started(postgres_work, world)
    topic = Topic(uuid.uuid4(), retro.id, None, NOW)
    async with postgres_work() as uow:
        await uow.topics.add(topic)
        await uow.cards.add(_card(retro, world.board.sections[0].id, topic, world.bea, 0))
        await uow.cards.add(_card(retro, world.board.sections[0].id, topic, world.ada, 1))
        await uow.participants.join(Participant(retro.id, world.ada.id, NOW))
        await uow.commit()
    connection = await asyncpg.connect(to_asyncpg_dsn(database_url))
    try:
        await connection.execute("DELETE FROM org_memberships WHERE user_id = $1", world.ada.id)
        await connection.execute("DELETE FROM users WHERE id = $1", world.ada.id)
    finally:
        await connection.close()
    async with postgres_work() as uow:
        kept = await uow.retros.find(retro.id)
        assert kept is not None
        # The entity's types do not say it yet: an erased facilitator or creator is None.
        assert (kept.facilitator_id, kept.created_by) == (None, None)
        assert [c.author_id for c in await uow.cards.of_retro(retro.id)] == [world.bea.id]
        assert await uow.participants.of_retro(retro.id) == []
        assert [c.changed_by for c in await uow.phase_history.of_retro(retro.id)] == [None, None]


async def test_deleting_the_board_deletes_its_retros(work: Work) -> None:
    world = await _world(work)
    retro = await _started(work, world)
    topic = Topic(uuid.uuid4(), retro.id, None, NOW)
    async with work() as uow:
        await uow.topics.add(topic)
        card = await uow.cards.add(_card(retro, world.board.sections[0].id, topic, world.bea, 0))
        await uow.commit()
    async with work() as uow:
        await uow.boards.delete(world.board.id)
        await uow.commit()
    async with work() as uow:
        assert await uow.retros.find(retro.id) is None
        assert await uow.cards.find(card.id) is None
        assert (await uow.retros.page_of_board(world.board.id, Page())).total == 0


async def test_idle_retros_are_the_started_open_ones_changed_by_the_cutoff_oldest_first(
    work: Work,
) -> None:
    world = await _world(work)
    draft = await _retro(work, world)
    old, newer, recent, closed = [await _started(work, world) for _ in range(4)]
    stamps = {old.id: 10, newer.id: 20, recent.id: 31, closed.id: 5}
    async with work() as uow:
        for retro_id, minutes in stamps.items():
            found = await uow.retros.find(retro_id, lock=True)
            assert found is not None
            found.record_change(NOW + timedelta(minutes=minutes))
            if retro_id == closed.id:
                found.phase = Phase.CLOSED
        await uow.commit()
    cutoff = NOW + timedelta(minutes=30)
    async with work() as uow:
        assert list(await uow.retros.idle(cutoff, limit=10)) == [old.id, newer.id]
        assert list(await uow.retros.idle(cutoff, limit=1)) == [old.id]
        assert list(await uow.retros.idle(NOW + timedelta(minutes=20), limit=10)) == [
            old.id,
            newer.id,
        ]
        found = await uow.retros.find(recent.id)
        assert found is not None
        assert found.changed_at == NOW + timedelta(minutes=31)
    assert draft.changed_at == NOW  # a draft is never a candidate, however old
