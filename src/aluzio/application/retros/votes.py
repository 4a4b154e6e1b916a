"""Cast and take back votes, in vote. Each answers what the voter may know of their votes:
their own on the topic and what is left of their budget, never others' votes."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from aluzio.application.actor import Actor
from aluzio.application.retros.access import require_topic
from aluzio.application.retros.context import RetrosContext
from aluzio.application.retros.events import retro_changed
from aluzio.domain.retros import votes as rules


@dataclass(frozen=True, slots=True)
class MyVotes:
    """The caller's votes on one topic and their votes left in the retro."""

    topic_id: UUID
    my_votes: int
    remaining_votes: int


async def cast_vote(ctx: RetrosContext, actor: Actor, topic_id: UUID) -> MyVotes:
    """One more vote of the caller on the topic. The caller's votes are read under the
    retro's lock, so the budget and the per-topic cap hold however many votes race."""
    now = ctx.clock.now()
    async with ctx.unit_of_work() as uow:
        access, topic = await require_topic(uow, actor, topic_id)
        retro, viewer = access.retro, access.viewer
        mine = list(await uow.votes.of_voter(retro.id, viewer.user_id))
        vote = rules.cast_vote(
            retro, topic, voter=viewer, votes=mine, vote_id=ctx.new_id(), now=now
        )
        await uow.votes.add(vote)
        mine.append(vote)
        uow.emit(retro_changed(retro, "vote-cast"))
        await uow.commit()
    return _tally(retro_budget=retro.vote_budget, topic_id=topic.id, mine=mine)


async def withdraw_vote(ctx: RetrosContext, actor: Actor, topic_id: UUID) -> MyVotes:
    """Take back the caller's latest vote on the topic."""
    async with ctx.unit_of_work() as uow:
        access, topic = await require_topic(uow, actor, topic_id)
        retro, viewer = access.retro, access.viewer
        mine = list(await uow.votes.of_voter(retro.id, viewer.user_id))
        taken_back = rules.withdraw_vote(
            retro, topic, voter=viewer, votes=mine, now=ctx.clock.now()
        )
        await uow.votes.delete(taken_back.id)
        mine.remove(taken_back)
        uow.emit(retro_changed(retro, "vote-withdrawn"))
        await uow.commit()
    return _tally(retro_budget=retro.vote_budget, topic_id=topic.id, mine=mine)


def _tally(*, retro_budget: int, topic_id: UUID, mine: list[rules.Vote]) -> MyVotes:
    return MyVotes(
        topic_id=topic_id,
        my_votes=sum(1 for v in mine if v.topic_id == topic_id),
        remaining_votes=max(0, retro_budget - len(mine)),
    )
