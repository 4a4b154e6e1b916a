"""The note and action item repositories keep one contract in memory and in Postgres."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

import asyncpg
import pytest

from aluzio.adapters.postgres.database import to_asyncpg_dsn
from aluzio.application.pagination import Page
from aluzio.domain.errors import NotFound
from aluzio.domain.retros.action_items import ActionItem, ActionItemStatus
from aluzio.domain.retros.model import Retro, Topic
from aluzio.domain.retros.notes import Note
from tests.contract.test_retro_stores import (
    NOW,
    Work,
    World,
    _retro,
    _started,
    _world,
    postgres_work,
    work,
)

__all__ = ["postgres_work", "work"]  # the fixtures, over both storages


def _note(retro: Retro, topic: Topic, author_id: uuid.UUID, minutes: int = 0) -> Note:
    at = NOW + timedelta(minutes=minutes)
    return Note(uuid.uuid4(), retro.id, topic.id, author_id, f"note {minutes}", at, at)


def _item(
    retro: Retro,
    world: World,
    *,
    minutes: int = 0,
    done: bool = False,
    topic: Topic | None = None,
    assignee_id: uuid.UUID | None = None,
) -> ActionItem:
    at = NOW + timedelta(minutes=minutes)
    return ActionItem(
        id=uuid.uuid4(),
        organization_id=retro.organization_id,
        board_id=retro.board_id,
        retro_id=retro.id,
        topic_id=None if topic is None else topic.id,
        title=f"item {minutes}",
        assignee_id=assignee_id,
        due_on=date(2026, 12, 24),
        done=done,
        created_by=world.ada.id,
        created_at=at,
        updated_at=at,
        done_at=at if done else None,
    )


async def _topic(work: Work, retro: Retro) -> Topic:
    topic = Topic(uuid.uuid4(), retro.id, None, NOW)
    async with work() as uow:
        await uow.topics.add(topic)
        await uow.commit()
    return topic


async def test_notes_are_added_found_counted_and_deleted(work: Work) -> None:
    world = await _world(work)
    retro = await _started(work, world)
    topic = await _topic(work, retro)
    later, earlier = _note(retro, topic, world.bea.id, 5), _note(retro, topic, world.ada.id, 1)
    async with work() as uow:
        await uow.notes.add(later)
        await uow.notes.add(earlier)
        await uow.commit()
    async with work() as uow:
        assert [n.id for n in await uow.notes.of_retro(retro.id)] == [earlier.id, later.id]
        assert await uow.notes.count(retro.id) == 2
        found = await uow.notes.find(later.id)
        assert found is not None
        found.body = "edited"
        await uow.notes.delete(earlier.id)
        await uow.commit()
    async with work() as uow:
        assert await uow.notes.find(earlier.id) is None
        again = await uow.notes.find(later.id)
        assert again is not None
        assert again.body == "edited"


async def test_a_note_refers_to_an_existing_topic(work: Work) -> None:
    world = await _world(work)
    retro = await _started(work, world)
    ghost = Topic(uuid.uuid4(), retro.id, None, NOW)
    with pytest.raises(NotFound):
        async with work() as uow:
            await uow.notes.add(_note(retro, ghost, world.bea.id))
            await uow.commit()


async def test_action_items_change_and_list_by_board_and_assignee(work: Work) -> None:
    world = await _world(work)
    retro = await _started(work, world)
    first = _item(retro, world, minutes=1, assignee_id=world.bea.id)
    second = _item(retro, world, minutes=2, done=True, assignee_id=world.bea.id)
    third = _item(retro, world, minutes=3)
    async with work() as uow:
        for item in (third, first, second):
            await uow.action_items.add(item)
        await uow.commit()
    async with work() as uow:
        assert await uow.action_items.count(retro.id) == 3
        board = uow.action_items.page_of_board
        open_ = await board(world.board.id, ActionItemStatus.OPEN, Page())
        assert ([i.id for i in open_.items], open_.total) == ([first.id, third.id], 2)
        done = await board(world.board.id, ActionItemStatus.DONE, Page())
        assert [i.id for i in done.items] == [second.id]
        page = await board(world.board.id, ActionItemStatus.ALL, Page(limit=1, offset=1))
        assert ([i.id for i in page.items], page.total) == ([second.id], 3)
        past = await board(world.board.id, ActionItemStatus.ALL, Page(limit=1, offset=9))
        assert (list(past.items), past.total) == ([], 3)
        mine = await uow.action_items.page_assigned_to(world.bea.id, ActionItemStatus.ALL, Page())
        assert [i.id for i in mine.items] == [first.id, second.id]
        found = await uow.action_items.find(third.id)
        assert found is not None
        found.done, found.title = True, "renamed"
        await uow.commit()
    async with work() as uow:
        again = await uow.action_items.find(third.id)
        assert again is not None
        assert (again.done, again.title, again.due_on) == (True, "renamed", date(2026, 12, 24))
        # Bea leaves the organization: her items there are no longer listed as hers.
        await uow.memberships.remove(world.org.id, world.bea.id)
        await uow.commit()
    async with work() as uow:
        mine = await uow.action_items.page_assigned_to(world.bea.id, ActionItemStatus.ALL, Page())
        assert (list(mine.items), mine.total) == ([], 0)


async def test_a_retro_reviews_its_items_and_the_boards_open_earlier_ones(work: Work) -> None:
    world = await _world(work)
    other_world = await _world(work, slug="other")
    earlier = await _retro(work, world, minutes=0)
    current = await _retro(work, world, minutes=10)
    later = await _retro(work, world, minutes=20)
    elsewhere = await _retro(work, other_world, minutes=0)
    carried = _item(earlier, world, minutes=1)
    finished = _item(earlier, world, minutes=2, done=True)
    own = _item(current, world, minutes=11, done=True)
    future = _item(later, world, minutes=21)
    foreign = _item(elsewhere, other_world, minutes=1)
    async with work() as uow:
        for item in (carried, finished, own, future, foreign):
            await uow.action_items.add(item)
        await uow.commit()
    async with work() as uow:
        reviewed = await uow.action_items.reviewed_in(current)
    assert [i.id for i in reviewed.items] == [carried.id, own.id]
    assert reviewed.retros_opened_at == {
        earlier.id: earlier.created_at,
        current.id: NOW + timedelta(minutes=10),
    }


async def test_a_topic_going_takes_its_notes_and_leaves_its_items(work: Work) -> None:
    world = await _world(work)
    retro = await _started(work, world)
    topic = await _topic(work, retro)
    note = _note(retro, topic, world.bea.id)
    item = _item(retro, world, topic=topic)
    async with work() as uow:
        await uow.notes.add(note)
        await uow.action_items.add(item)
        await uow.commit()
    async with work() as uow:
        await uow.topics.delete(topic.id)
        await uow.commit()
    async with work() as uow:
        assert await uow.notes.find(note.id) is None
        kept = await uow.action_items.find(item.id)
        assert kept is not None
        assert kept.topic_id is None


async def test_deleting_a_retro_or_board_deletes_its_notes_and_items(work: Work) -> None:
    world = await _world(work)
    retro = await _started(work, world)
    other = await _started(work, world)
    topic, other_topic = await _topic(work, retro), await _topic(work, other)
    note, item = _note(retro, topic, world.bea.id), _item(retro, world)
    other_note, other_item = _note(other, other_topic, world.bea.id), _item(other, world)
    async with work() as uow:
        for n in (note, other_note):
            await uow.notes.add(n)
        for i in (item, other_item):
            await uow.action_items.add(i)
        await uow.commit()
    async with work() as uow:
        await uow.retros.delete(retro.id)
        await uow.commit()
    async with work() as uow:
        assert await uow.notes.find(note.id) is None
        assert await uow.action_items.find(item.id) is None
        assert await uow.notes.find(other_note.id) is not None
        await uow.boards.delete(world.board.id)
        await uow.commit()
    async with work() as uow:
        assert await uow.notes.find(other_note.id) is None
        assert await uow.action_items.find(other_item.id) is None


async def test_erasing_a_user_erases_their_notes_and_keeps_the_teams_items(
    postgres_work: Work, database_url: str
) -> None:
    world = await _world(postgres_work)
    retro = await _started(postgres_work, world)
    topic = await _topic(postgres_work, retro)
    note = _note(retro, topic, world.ada.id)
    item = _item(retro, world, assignee_id=world.ada.id)  # created by Ada too
    async with postgres_work() as uow:
        await uow.notes.add(note)
        await uow.action_items.add(item)
        await uow.commit()
    connection = await asyncpg.connect(to_asyncpg_dsn(database_url))
    try:
        await connection.execute("DELETE FROM org_memberships WHERE user_id = $1", world.ada.id)
        await connection.execute("DELETE FROM users WHERE id = $1", world.ada.id)
    finally:
        await connection.close()
    async with postgres_work() as uow:
        assert await uow.notes.find(note.id) is None
        kept = await uow.action_items.find(item.id)
        assert kept is not None
        assert kept.assignee_id is None
        # The entity's types do not say it: an erased creator is None, as the column is.
        assert getattr(kept, "created_by") is None  # noqa: B009
