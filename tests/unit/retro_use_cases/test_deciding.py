"""Votes, the discussion cursor and the timer on memory: each change announces one event
with the retro's next version; a refusal changes and announces nothing."""

from __future__ import annotations

import pytest

from aluzio.adapters.memory.unit_of_work import MemoryStore
from aluzio.application.retros import cards, reading, retros, steering, votes
from aluzio.application.retros.context import RetrosContext
from aluzio.domain.retros.errors import (
    NotFacilitator,
    TopicVoteCap,
    VoteBudgetExhausted,
)
from aluzio.domain.retros.model import Phase
from tests.support.clock import MutableClock
from tests.unit.retro_use_cases.conftest import Team
from tests.unit.retro_use_cases.test_use_cases import retro_events


async def test_votes_cursor_and_timer_each_announce_the_next_version(
    retros_ctx: RetrosContext, team: Team, store: MemoryStore, clock: MutableClock
) -> None:
    ctx = retros_ctx
    created = await retros.create_retro(
        ctx, team.ada, team.board.id, vote_budget=2, max_votes_per_topic=1
    )
    rid = created.retro.id
    await retros.change_phase(ctx, team.ada, rid, Phase.REFLECT)
    section = team.board.sections[0].id
    card = await cards.add_card(ctx, team.bea, rid, section, "Hello")
    other = await cards.add_card(ctx, team.bea, rid, section, "Bye")
    await retros.change_phase(ctx, team.ada, rid, Phase.GROUP)
    await retros.change_phase(ctx, team.ada, rid, Phase.VOTE)
    before = len(retro_events(store))

    first = await votes.cast_vote(ctx, team.bea, card.topic_id)
    assert (first.my_votes, first.remaining_votes) == (1, 1)
    with pytest.raises(TopicVoteCap):
        await votes.cast_vote(ctx, team.bea, card.topic_id)
    second = await votes.cast_vote(ctx, team.bea, other.topic_id)
    assert (second.my_votes, second.remaining_votes) == (1, 0)
    with pytest.raises(VoteBudgetExhausted):  # the budget is told before the cap
        await votes.cast_vote(ctx, team.bea, other.topic_id)
    back = await votes.withdraw_vote(ctx, team.bea, other.topic_id)
    assert (back.my_votes, back.remaining_votes) == (0, 1)
    await votes.cast_vote(ctx, team.ada, card.topic_id)

    await retros.change_phase(ctx, team.ada, rid, Phase.DISCUSS)
    with pytest.raises(NotFacilitator):
        await steering.move_discussion(ctx, team.bea, rid, card.topic_id)
    moved = await steering.move_discussion(ctx, team.ada, rid, card.topic_id)
    timed = await steering.set_timer(ctx, team.ada, rid, 90)
    assert timed.timer_ends_at is not None
    assert (timed.timer_ends_at - clock.now()).total_seconds() == 90
    await steering.clear_timer(ctx, team.ada, rid)
    await steering.clear_timer(ctx, team.ada, rid)  # none runs: no change

    events = retro_events(store)[before:]
    assert [e["type"] for e in events] == [
        "vote-cast",
        "vote-cast",
        "vote-withdrawn",
        "vote-cast",
        "phase-changed",
        "discussion-moved",
        "timer-set",
        "timer-cleared",
    ]
    versions = [e["version"] for e in events]
    assert versions == list(range(versions[0], versions[0] + len(versions)))
    assert moved.version == versions[-3]

    view = await reading.get_retro(ctx, team.bea, rid)
    assert view.discussion_topic_id == card.topic_id
    assert view.timer_ends_at is None
    assert view.votes_revealed
    assert [(t.votes, t.my_votes) for t in view.topics] == [(2, 1), (0, 0)]
