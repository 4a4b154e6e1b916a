"""The vote repository, and the cursor and timer stored with a retro, keep one contract in
memory and in Postgres (the budget under concurrency: tests/integration/retros/test_votes.py).
"""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest

from aluzio.domain.errors import NotFound
from aluzio.domain.retros.model import Retro, Topic
from aluzio.domain.retros.votes import Vote
from tests.contract import test_retro_stores as stores
from tests.contract.test_retro_stores import NOW, Work, World

work = stores.work
postgres_work = stores.postgres_work


async def _with_topics(work: Work) -> tuple[World, Retro, Topic, Topic]:
    world = await stores._world(work)
    retro = await stores._started(work, world)
    first = Topic(uuid.uuid4(), retro.id, None, NOW)
    second = Topic(uuid.uuid4(), retro.id, None, NOW + timedelta(seconds=1))
    async with work() as uow:
        await uow.topics.add(first)
        await uow.topics.add(second)
        await uow.commit()
    return world, retro, first, second


def _vote(retro: Retro, topic: Topic, voter: uuid.UUID, seconds: int) -> Vote:
    return Vote(uuid.uuid4(), retro.id, topic.id, voter, NOW + timedelta(seconds=seconds))


async def test_votes_of_a_voter_and_of_a_retro_oldest_first(work: Work) -> None:
    world, retro, first, second = await _with_topics(work)
    ada, bea = world.ada.id, world.bea.id
    cast = [
        _vote(retro, second, ada, 2),
        _vote(retro, first, bea, 1),
        _vote(retro, first, ada, 0),
        _vote(retro, first, ada, 3),
    ]
    async with work() as uow:
        for vote in cast:
            await uow.votes.add(vote)
        await uow.commit()
    async with work() as uow:
        mine = await uow.votes.of_voter(retro.id, ada)
        assert [v.id for v in mine] == [cast[2].id, cast[0].id, cast[3].id]
        assert [v.id for v in await uow.votes.of_retro(retro.id)] == [
            cast[2].id,
            cast[1].id,
            cast[0].id,
            cast[3].id,
        ]
        await uow.votes.delete(cast[3].id)
        await uow.commit()
    async with work() as uow:
        assert len(await uow.votes.of_voter(retro.id, ada)) == 2
        assert await uow.votes.of_voter(retro.id, uuid.uuid4()) == []


async def test_a_vote_is_on_a_topic_of_its_own_retro(work: Work) -> None:
    world, retro, _, _ = await _with_topics(work)
    other = await stores._started(work, world)
    foreign = Topic(uuid.uuid4(), other.id, None, NOW)
    async with work() as uow:
        await uow.topics.add(foreign)
        await uow.commit()
    with pytest.raises(NotFound):
        async with work() as uow:
            await uow.votes.add(_vote(retro, foreign, world.ada.id, 0))
            await uow.commit()


async def test_cursor_and_timer_are_kept_and_a_deleted_topic_takes_its_votes_and_the_cursor(
    work: Work,
) -> None:
    world, retro, first, second = await _with_topics(work)
    ends = NOW + timedelta(minutes=5)
    async with work() as uow:
        found = await uow.retros.find(retro.id, lock=True)
        assert found is not None
        found.discussion_topic_id, found.timer_ends_at = first.id, ends
        found.record_change(ends)
        await uow.votes.add(_vote(retro, first, world.bea.id, 0))
        await uow.votes.add(_vote(retro, second, world.bea.id, 1))
        await uow.commit()
    async with work() as uow:
        kept = await uow.retros.find(retro.id)
        assert kept is not None
        assert (kept.discussion_topic_id, kept.timer_ends_at) == (first.id, ends)
        assert kept.changed_at == ends
        await uow.topics.delete(first.id)
        await uow.commit()
    async with work() as uow:
        after = await uow.retros.find(retro.id)
        assert after is not None
        assert after.discussion_topic_id is None
        assert [v.topic_id for v in await uow.votes.of_retro(retro.id)] == [second.id]
        await uow.retros.delete(retro.id)
        await uow.commit()
    async with work() as uow:
        assert await uow.votes.of_retro(retro.id) == []
