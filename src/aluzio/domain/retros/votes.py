"""Votes: in vote, each participant spends the retro's budget on topics, at most
``max_votes_per_topic`` on one topic, and may take votes back. Going back from vote to group
keeps the votes; a topic that disappears takes its votes with it (they return to the
budget).

What is shown of votes is decided here and used by :mod:`visibility`: each person always
sees their own votes and what is left of their budget; the totals per topic (everyone's
votes together, never who cast them) are shown from discuss on, when topics also come in
vote order.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from aluzio.domain.retros.errors import (
    NoVoteToWithdraw,
    TopicNotFound,
    TopicVoteCap,
    VoteBudgetExhausted,
)
from aluzio.domain.retros.model import Phase, Retro, Topic, Viewer


@dataclass(eq=False)
class Vote:
    """One vote of ``voter_id`` on a topic; a participant may put several on one topic."""

    id: UUID
    retro_id: UUID
    topic_id: UUID
    voter_id: UUID
    cast_at: datetime


# Phases in which the totals per topic are shown to everyone, and topics come in vote order.
VOTES_REVEALED_PHASES = frozenset({Phase.DISCUSS, Phase.CLOSED})


def own_votes(voter_id: UUID, votes: Iterable[Vote]) -> list[Vote]:
    return [v for v in votes if v.voter_id == voter_id]


def remaining_budget(retro: Retro, voter_id: UUID, votes: Iterable[Vote]) -> int:
    """The votes ``voter_id`` has left to cast (never below zero)."""
    spent = sum(1 for v in votes if v.voter_id == voter_id and v.retro_id == retro.id)
    return max(0, retro.vote_budget - spent)


def cast_vote(
    retro: Retro,
    topic: Topic,
    *,
    voter: Viewer,
    votes: Iterable[Vote],
    vote_id: UUID,
    now: datetime,
) -> Vote:
    """A new vote of ``voter`` on ``topic``, in vote only. ``votes``: the voter's votes in
    this retro (others' are ignored), read under the retro's lock so the budget and the cap
    hold under concurrency. The budget is checked before the cap: with no vote left, that is
    what the voter needs to hear."""
    retro.check_phase({Phase.VOTE})
    if topic.retro_id != retro.id:
        raise TopicNotFound()
    mine = [v for v in own_votes(voter.user_id, votes) if v.retro_id == retro.id]
    if len(mine) >= retro.vote_budget:
        raise VoteBudgetExhausted(f"You have cast all {retro.vote_budget} of your votes.")
    if sum(1 for v in mine if v.topic_id == topic.id) >= retro.max_votes_per_topic:
        raise TopicVoteCap(
            f"One person may put at most {retro.max_votes_per_topic} votes on a topic."
        )
    retro.record_change(now)
    return Vote(
        id=vote_id, retro_id=retro.id, topic_id=topic.id, voter_id=voter.user_id, cast_at=now
    )


def withdraw_vote(
    retro: Retro, topic: Topic, *, voter: Viewer, votes: Iterable[Vote], now: datetime
) -> Vote:
    """Take back one of ``voter``'s votes on ``topic``, in vote only: answers the vote to
    delete (the latest one cast)."""
    retro.check_phase({Phase.VOTE})
    if topic.retro_id != retro.id:
        raise TopicNotFound()
    on_topic = [
        v
        for v in own_votes(voter.user_id, votes)
        if v.retro_id == retro.id and v.topic_id == topic.id
    ]
    if not on_topic:
        raise NoVoteToWithdraw()
    retro.record_change(now)
    return max(on_topic, key=lambda v: (v.cast_at, v.id))


def votes_revealed(retro: Retro) -> bool:
    # ``phase`` may be held as plain text: a StrEnum set matches it either way.
    return retro.phase in VOTES_REVEALED_PHASES


def vote_totals(votes: Iterable[Vote]) -> dict[UUID, int]:
    """Votes per topic, everyone's together (topics without votes are absent)."""
    return dict(Counter(v.topic_id for v in votes))


def vote_order(topics: Iterable[Topic], totals: Mapping[UUID, int]) -> list[Topic]:
    """Most votes first; ties keep the order the topics were created in (then by id), so
    the order is the same for everyone and on every read."""
    return sorted(topics, key=lambda t: (-totals.get(t.id, 0), t.created_at, t.id))
