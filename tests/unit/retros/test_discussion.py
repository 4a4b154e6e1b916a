"""The discussion cursor: who moves it, in which phase, to which topics."""

from __future__ import annotations

from uuid import uuid4

import pytest

from aluzio.domain.errors import DomainError
from aluzio.domain.retros.discussion import move_discussion, next_topic
from aluzio.domain.retros.errors import (
    NotFacilitator,
    PhaseNotAllowed,
    RetroClosed,
    TopicNotFound,
)
from aluzio.domain.retros.model import Phase, Topic
from tests.unit.retros.builders import START
from tests.unit.retros.deciding import deciding_world

STEERING = {"facilitator": True, "admin": True, "owner": True, "member": False, "other": False}


@pytest.mark.parametrize("kind", list(STEERING))
@pytest.mark.parametrize("phase", list(Phase))
def test_who_moves_the_cursor_in_which_phase(phase: Phase, kind: str) -> None:
    d = deciding_world()
    d.world.retro.phase = phase
    topic = d.topics()[1]
    version = d.world.retro.version
    refusal: type[DomainError] | None = None
    if phase is Phase.CLOSED:
        refusal = RetroClosed
    elif phase is not Phase.DISCUSS:
        refusal = PhaseNotAllowed
    elif not STEERING[kind]:
        refusal = NotFacilitator
    if refusal is None:
        assert move_discussion(d.world.retro, topic, by=getattr(d.world, kind), now=d.world.tick())
        assert d.world.retro.discussion_topic_id == topic.id
        assert d.world.retro.version == version + 1
    else:
        with pytest.raises(refusal):
            move_discussion(d.world.retro, topic, by=getattr(d.world, kind), now=d.world.tick())
        assert d.world.retro.discussion_topic_id is None
        assert d.world.retro.version == version


def test_only_to_a_topic_of_the_retro() -> None:
    d = deciding_world(phase=Phase.DISCUSS)
    with pytest.raises(TopicNotFound):
        move_discussion(
            d.world.retro,
            Topic(uuid4(), uuid4(), None, START),
            by=d.world.admin,
            now=d.world.tick(),
        )
    assert d.world.retro.discussion_topic_id is None


def test_staying_on_the_same_topic_changes_nothing() -> None:
    d = deciding_world(phase=Phase.DISCUSS)
    topic = d.topics()[0]
    assert move_discussion(d.world.retro, topic, by=d.world.facilitator, now=d.world.tick())
    version = d.world.retro.version
    assert not move_discussion(d.world.retro, topic, by=d.world.facilitator, now=d.world.tick())
    assert d.world.retro.version == version


def test_the_cursor_survives_going_back_and_forth() -> None:
    d = deciding_world(phase=Phase.DISCUSS)
    topic = d.topics()[2]
    move_discussion(d.world.retro, topic, by=d.world.facilitator, now=d.world.tick())
    d.world.go_back()
    d.world.go_to(Phase.DISCUSS)
    assert d.world.retro.discussion_topic_id == topic.id


def test_walking_the_topics_in_vote_order() -> None:
    d = deciding_world(topics=3)
    a, b, c = d.topics()
    d.vote(d.world.member, c)
    d.vote(d.world.other, c)
    d.vote(d.world.other, b)
    d.world.go_to(Phase.DISCUSS)
    walked = []
    while (topic := next_topic(d.world.retro, d.topics(), d.votes)) is not None:
        move_discussion(d.world.retro, topic, by=d.world.facilitator, now=d.world.tick())
        walked.append(topic)
    assert walked == [c, b, a]
    assert next_topic(d.world.retro, [], d.votes) is None
