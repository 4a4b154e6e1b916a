"""Votes: in which phase, within the budget and the cap per topic, taking one back."""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import replace
from datetime import timedelta
from uuid import uuid4

import pytest

from aluzio.domain.errors import DomainError
from aluzio.domain.retros.errors import (
    NoVoteToWithdraw,
    PhaseNotAllowed,
    RetroClosed,
    TopicNotFound,
    TopicVoteCap,
    VoteBudgetExhausted,
)
from aluzio.domain.retros.model import Phase, Topic
from aluzio.domain.retros.votes import (
    Vote,
    cast_vote,
    remaining_budget,
    vote_order,
    vote_totals,
)
from tests.unit.retros.builders import START
from tests.unit.retros.deciding import deciding_world


def _phase_refusal(phase: Phase) -> type[DomainError] | None:
    if phase is Phase.CLOSED:
        return RetroClosed
    return None if phase is Phase.VOTE else PhaseNotAllowed


@pytest.mark.parametrize("kind", range(5))
@pytest.mark.parametrize("phase", list(Phase))
def test_who_may_vote_in_which_phase(phase: Phase, kind: int) -> None:
    """Everyone votes, in vote only; steering a retro gives no more votes."""
    d = deciding_world()
    d.world.retro.phase = phase
    voter, topic = d.people[kind], d.topics()[0]
    version = d.world.retro.version
    refusal = _phase_refusal(phase)
    if refusal is None:
        vote = d.vote(voter, topic)
        assert (vote.retro_id, vote.topic_id, vote.voter_id) == (
            d.world.retro.id, topic.id, voter.user_id,
        )  # fmt: skip
        assert vote.cast_at > START
        assert d.world.retro.version == version + 1
    else:
        with pytest.raises(refusal):
            d.vote(voter, topic)
        assert d.world.retro.version == version
        assert d.votes == []


@pytest.mark.parametrize("phase", list(Phase))
def test_who_may_take_a_vote_back_in_which_phase(phase: Phase) -> None:
    d = deciding_world()
    topic = d.topics()[0]
    d.vote(d.world.member, topic)
    d.world.retro.phase = phase
    version = d.world.retro.version
    refusal = _phase_refusal(phase)
    if refusal is None:
        d.withdraw(d.world.member, topic)
        assert d.votes == []
        assert d.world.retro.version == version + 1
    else:
        with pytest.raises(refusal):
            d.withdraw(d.world.member, topic)
        assert len(d.votes) == 1
        assert d.world.retro.version == version


@pytest.mark.parametrize("budget", [1, 2, 5, 20])
def test_the_budget_holds(budget: int) -> None:
    d = deciding_world(topics=20, vote_budget=budget, max_votes_per_topic=1)
    voter = d.world.other
    for index in range(budget):
        assert remaining_budget(d.world.retro, voter.user_id, d.votes) == budget - index
        d.vote(voter, d.topics()[index])
    assert remaining_budget(d.world.retro, voter.user_id, d.votes) == 0
    version = d.world.retro.version
    with pytest.raises(VoteBudgetExhausted, match=f"all {budget} of your votes"):
        d.vote(voter, d.topics()[budget % 20])
    assert (len(d.votes), d.world.retro.version) == (budget, version)
    # Another participant's budget is their own.
    d.vote(d.world.member, d.topics()[0])


@pytest.mark.parametrize("cap", [1, 2, 3, 5])
def test_the_cap_per_topic_holds(cap: int) -> None:
    d = deciding_world(vote_budget=5, max_votes_per_topic=cap)
    first, second = d.topics()[:2]
    for _ in range(cap):
        d.vote(d.world.member, first)
    if cap < 5:
        with pytest.raises(TopicVoteCap, match=f"at most {cap} votes"):
            d.vote(d.world.member, first)
        d.vote(d.world.member, second)  # the rest of the budget goes elsewhere
        d.vote(d.world.other, first)  # and the cap is per person
    assert (
        Counter(v.topic_id for v in d.votes if v.voter_id == d.world.member.user_id)[first.id]
        == cap
    )


def test_the_budget_answers_before_the_cap() -> None:
    """With nothing left to cast, being told about the cap would mislead."""
    d = deciding_world(vote_budget=3, max_votes_per_topic=3)
    topic = d.topics()[0]
    for _ in range(3):
        d.vote(d.world.member, topic)
    with pytest.raises(VoteBudgetExhausted):
        d.vote(d.world.member, topic)


def test_only_the_voters_votes_in_this_retro_count() -> None:
    """Votes passed in by mistake (another person's, another retro's) spend nothing."""
    d = deciding_world(vote_budget=1, max_votes_per_topic=1)
    topic = d.topics()[0]
    theirs = Vote(uuid4(), d.world.retro.id, topic.id, d.world.other.user_id, START)
    elsewhere = Vote(uuid4(), uuid4(), topic.id, d.world.member.user_id, START)
    vote = cast_vote(
        d.world.retro,
        topic,
        voter=d.world.member,
        votes=[theirs, elsewhere],
        vote_id=uuid4(),
        now=START,
    )
    assert vote.voter_id == d.world.member.user_id
    assert remaining_budget(d.world.retro, d.world.member.user_id, [theirs, elsewhere]) == 1


def test_a_topic_of_another_retro_is_not_found() -> None:
    d = deciding_world()
    stranger = Topic(uuid4(), uuid4(), None, START)
    version = d.world.retro.version
    with pytest.raises(TopicNotFound):
        d.vote(d.world.member, stranger)
    d.vote(d.world.member, d.topics()[0])
    with pytest.raises(TopicNotFound):
        d.withdraw(d.world.member, stranger)
    assert d.world.retro.version == version + 1


def test_taking_back_the_latest_of_your_votes_on_a_topic() -> None:
    d = deciding_world()
    first, second = d.topics()[:2]
    early = d.vote(d.world.member, first)
    d.vote(d.world.member, second)
    late = d.vote(d.world.member, first)
    theirs = d.vote(d.world.other, first)
    assert d.withdraw(d.world.member, first) is late
    assert d.withdraw(d.world.member, first) is early
    with pytest.raises(NoVoteToWithdraw):
        d.withdraw(d.world.member, first)  # their vote on it is not yours to take
    assert theirs in d.votes
    assert remaining_budget(d.world.retro, d.world.member.user_id, d.votes) == 4


def test_a_vote_taken_back_returns_to_the_budget() -> None:
    d = deciding_world(vote_budget=2, max_votes_per_topic=2)
    topic = d.topics()[0]
    d.vote(d.world.member, topic)
    d.vote(d.world.member, topic)
    d.withdraw(d.world.member, topic)
    d.vote(d.world.member, d.topics()[1])
    with pytest.raises(VoteBudgetExhausted):
        d.vote(d.world.member, topic)


def test_going_back_from_vote_keeps_the_votes() -> None:
    d = deciding_world()
    topic = d.topics()[0]
    d.vote(d.world.member, topic)
    d.world.go_back()
    assert d.world.retro.current_phase is Phase.GROUP
    assert len(d.votes) == 1
    (seen,) = [t for t in d.view(d.world.member).topics if t.id == topic.id]
    assert seen.my_votes == 1
    d.world.go_to(Phase.VOTE)
    d.vote(d.world.member, topic)
    assert remaining_budget(d.world.retro, d.world.member.user_id, d.votes) == 3


@pytest.mark.parametrize("seed", range(20))
def test_budget_and_cap_under_random_votes(seed: int) -> None:
    """Whatever the order of casts and take-backs, a refusal comes exactly when a rule says
    so and the counts never exceed the budget or the cap."""
    rng = random.Random(seed)
    budget = rng.randint(1, 20)
    cap = rng.randint(1, budget)
    d = deciding_world(topics=6, vote_budget=budget, max_votes_per_topic=cap)
    for _ in range(200):
        voter, topic = rng.choice(d.people), rng.choice(d.topics())
        mine = [v for v in d.votes if v.voter_id == voter.user_id]
        on_topic = sum(1 for v in mine if v.topic_id == topic.id)
        if rng.random() < 0.3:
            if on_topic:
                d.withdraw(voter, topic)
            else:
                with pytest.raises(NoVoteToWithdraw):
                    d.withdraw(voter, topic)
        elif len(mine) >= budget:
            with pytest.raises(VoteBudgetExhausted):
                d.vote(voter, topic)
        elif on_topic >= cap:
            with pytest.raises(TopicVoteCap):
                d.vote(voter, topic)
        else:
            d.vote(voter, topic)
        per_voter = Counter(v.voter_id for v in d.votes)
        assert max(per_voter.values(), default=0) <= budget
        per_voter_topic = Counter((v.voter_id, v.topic_id) for v in d.votes)
        assert max(per_voter_topic.values(), default=0) <= cap


def test_totals_and_the_vote_order() -> None:
    """Most votes first; ties in the order the topics were created, then by id."""
    d = deciding_world(topics=5)
    a, b, c, e, f = d.topics()
    for voter, topic in [
        (d.world.member, c), (d.world.other, c), (d.world.admin, e), (d.world.owner, a),
        (d.world.facilitator, f), (d.world.member, f), (d.world.other, f),
    ]:  # fmt: skip
        d.vote(voter, topic)
    totals = vote_totals(d.votes)
    assert totals == {c.id: 2, e.id: 1, a.id: 1, f.id: 3}
    assert vote_order(reversed(d.topics()), totals) == [f, c, a, e, b]
    # Topics created at the same moment are ordered by id, the same on every read.
    twin = replace(a, id=uuid4(), created_at=a.created_at)
    tied = vote_order([twin, a], {})
    assert tied == sorted([twin, a], key=lambda t: t.id)
    assert vote_order([a, twin], {}) == tied


def test_remaining_never_goes_below_zero() -> None:
    d = deciding_world(vote_budget=1, max_votes_per_topic=1)
    many = [
        Vote(uuid4(), d.world.retro.id, d.topics()[0].id, d.world.member.user_id, START)
        for _ in range(3)
    ]
    assert remaining_budget(d.world.retro, d.world.member.user_id, many) == 0


def test_a_vote_records_the_time_it_was_cast() -> None:
    d = deciding_world()
    now = START + timedelta(days=1)
    vote = cast_vote(
        d.world.retro, d.topics()[0], voter=d.world.member, votes=[], vote_id=uuid4(), now=now
    )
    assert vote.cast_at == now
