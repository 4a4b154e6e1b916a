"""What each person sees of votes, notes, action items, the discussion cursor and the timer
in the retro as read."""

from __future__ import annotations

import pytest

from aluzio.domain.retros.discussion import move_discussion
from aluzio.domain.retros.model import Phase
from aluzio.domain.retros.timer import set_timer
from aluzio.domain.retros.visibility import (
    AssigneeView,
    AuthorView,
    note_view,
    shows_vote,
    topic_view,
)
from tests.unit.retros.builders import START
from tests.unit.retros.deciding import DecidingWorld, deciding_world

AFTER_VOTE = [Phase.DISCUSS, Phase.CLOSED]


def _cast(d: DecidingWorld) -> None:
    """Topic 0: 1 vote, topic 1: none, topic 2: 3 votes, topic 3: 1 vote."""
    t = d.topics()
    for voter, topic in [
        (d.world.member, t[2]), (d.world.member, t[2]), (d.world.other, t[2]),
        (d.world.other, t[3]), (d.world.admin, t[0]),
    ]:  # fmt: skip
        d.vote(voter, topic)


@pytest.mark.parametrize("kind", range(5))
def test_during_vote_each_person_sees_only_their_own_votes(kind: int) -> None:
    d = deciding_world()
    _cast(d)
    viewer = d.people[kind]
    view = d.view(viewer)
    assert not view.votes_revealed
    assert [t.id for t in view.topics] == [t.id for t in d.topics()]  # created order
    assert all(t.votes is None for t in view.topics)
    mine = [v for v in d.votes if v.voter_id == viewer.user_id]
    assert {t.id: t.my_votes for t in view.topics} == {
        t.id: sum(1 for v in mine if v.topic_id == t.id) for t in d.topics()
    }
    assert view.remaining_votes == 5 - len(mine)


@pytest.mark.parametrize("phase", AFTER_VOTE)
@pytest.mark.parametrize("kind", range(5))
def test_from_discuss_on_totals_are_revealed_in_vote_order(phase: Phase, kind: int) -> None:
    d = deciding_world()
    _cast(d)
    d.world.go_to(phase)
    view = d.view(d.people[kind])
    assert view.votes_revealed
    t = d.topics()
    # 3 votes, then the two with 1 in the order they were created, then none.
    assert [topic.id for topic in view.topics] == [t[2].id, t[0].id, t[3].id, t[1].id]
    assert [topic.votes for topic in view.topics] == [3, 1, 1, 0]
    assert sum(topic.my_votes for topic in view.topics) == 5 - (view.remaining_votes or 0)


def test_going_back_to_vote_hides_the_totals_again() -> None:
    d = deciding_world()
    _cast(d)
    d.world.go_to(Phase.DISCUSS)
    d.world.go_back()
    view = d.view(d.world.other)
    assert not view.votes_revealed
    assert all(t.votes is None for t in view.topics)
    assert [t.id for t in view.topics] == [t.id for t in d.topics()]


@pytest.mark.parametrize("anonymous", [True, False])
@pytest.mark.parametrize("phase", [Phase.VOTE, *AFTER_VOTE])
def test_who_voted_for_what_is_never_shown(phase: Phase, anonymous: bool) -> None:
    """No vote id and no other voter is named in anyone's topics (in a named retro people
    appear there only as authors of cards and notes, and these voters wrote none)."""
    d = deciding_world(topics=2, anonymous=anonymous)  # cards by the member and the other
    t = d.topics()
    for voter in (d.world.admin, d.world.owner, d.world.facilitator):
        d.vote(voter, t[0])
        d.vote(voter, t[1])
    d.world.go_to(phase)
    for viewer in d.people:
        shown = repr(d.view(viewer).topics)
        for vote in d.votes:
            assert str(vote.id) not in shown
            if vote.voter_id != viewer.user_id:
                assert str(vote.voter_id) not in shown
        if not anonymous:
            assert str(d.world.member.user_id) in shown  # the check can see an id


@pytest.mark.parametrize("phase", [Phase.VOTE, *AFTER_VOTE])
def test_a_single_vote_is_news_for_its_voter_only(phase: Phase) -> None:
    d = deciding_world()
    vote = d.vote(d.world.other, d.topics()[0])
    d.world.go_to(phase)
    assert [shows_vote(p, vote) for p in d.people] == [False, True, False, False, False]


def test_a_topic_view_alone_counts_like_the_retro() -> None:
    """The per-topic function real-time events use agrees with the whole read."""
    d = deciding_world()
    _cast(d)
    d.world.go_to(Phase.DISCUSS)
    topic = d.topics()[2]
    cards = d.world.cards.values()
    alone = topic_view(d.world.member, d.world.retro, topic, cards, votes=d.votes)
    (whole,) = [t for t in d.view(d.world.member).topics if t.id == topic.id]
    assert alone == whole
    assert (alone.votes, alone.my_votes) == (3, 2)


@pytest.mark.parametrize("anonymous", [True, False])
@pytest.mark.parametrize("kind", range(5))
def test_notes_follow_the_card_rule_for_authors(anonymous: bool, kind: int) -> None:
    d = deciding_world(phase=Phase.DISCUSS, anonymous=anonymous)
    topic = d.topics()[1]
    note = d.note(d.world.member, topic, "Talk to ops")
    viewer = d.people[kind]
    seen = note_view(viewer, d.world.retro, note, d.names)
    assert (seen.id, seen.topic_id, seen.body) == (note.id, topic.id, "Talk to ops")
    assert seen.mine is (kind == 0)
    if anonymous:
        assert seen.author is None
    else:
        assert seen.author == AuthorView(d.world.member.user_id, "Ada Author")
    (shown,) = [t for t in d.view(viewer).topics if t.id == topic.id]
    assert shown.notes == (seen,)
    if anonymous and kind != 0:
        # Nothing about the topic (no card of the member's in it) names the author.
        assert "Ada Author" not in repr(shown)
        assert str(d.world.member.user_id) not in repr(shown)


def test_notes_come_oldest_first_on_their_topic() -> None:
    d = deciding_world(phase=Phase.DISCUSS)
    first, second = d.topics()[:2]
    a = d.note(d.world.other, first, "a")
    d.note(d.world.other, second, "elsewhere")
    b = d.note(d.world.member, first, "b")
    (shown,) = [t for t in d.view(d.world.admin).topics if t.id == first.id]
    assert [n.id for n in shown.notes] == [a.id, b.id]


@pytest.mark.parametrize("anonymous", [True, False])
def test_action_items_name_the_assignee_never_the_creator(anonymous: bool) -> None:
    d = deciding_world(phase=Phase.DISCUSS, anonymous=anonymous)
    first = d.item(d.world.member, "Fix the deploys", assignee=d.world.other)
    second = d.item(d.world.member, "Write it down")
    for viewer in d.people:
        view = d.view(viewer)
        assert [i.id for i in view.action_items] == [first.id, second.id]
        assert {(i.organization_id, i.board_id, i.retro_id) for i in view.action_items} == {
            (d.world.retro.organization_id, d.world.retro.board_id, d.world.retro.id)
        }
        seen = view.action_items[0]
        assert seen.assignee == AssigneeView(d.world.other.user_id, "Pat Participant")
        assert view.action_items[1].assignee is None
        assert seen.mine is (viewer == d.world.member)
        if viewer != d.world.member and anonymous:
            assert str(d.world.member.user_id) not in repr(view.action_items)
            assert "Ada Author" not in repr(view.action_items)


def test_carried_over_items_are_shown_apart() -> None:
    earlier = deciding_world(phase=Phase.DISCUSS)
    item = earlier.item(earlier.world.facilitator, "Old promise")
    d = deciding_world(phase=Phase.REFLECT)
    d.carried = [item]
    view = d.view(d.world.member)
    assert view.action_items == ()
    assert [(i.id, i.title, i.retro_id) for i in view.carried_over_action_items] == [
        (item.id, "Old promise", earlier.world.retro.id)
    ]


def test_the_discussion_cursor_and_the_timer_as_read() -> None:
    d = deciding_world(phase=Phase.DISCUSS)
    assert (d.view(d.world.member).discussion_topic_id, d.view(d.world.member).timer_ends_at) == (
        None,
        None,
    )
    topic = d.topics()[3]
    move_discussion(d.world.retro, topic, by=d.world.facilitator, now=d.world.tick())
    ends = set_timer(d.world.retro, by=d.world.facilitator, seconds=300, now=START)
    view = d.view(d.world.other)
    assert (view.discussion_topic_id, view.timer_ends_at) == (topic.id, ends)


def test_a_cursor_on_a_topic_that_is_gone_is_not_shown() -> None:
    d = deciding_world(phase=Phase.DISCUSS)
    first, second = d.topics()[:2]
    move_discussion(d.world.retro, first, by=d.world.facilitator, now=d.world.tick())
    d.world.go_back()
    d.world.go_back()
    (card,) = d.world.topic_cards(first.id)
    d.world.move(card, second)  # the topic under discussion empties and disappears
    assert first.id not in d.world.topics
    assert d.world.retro.discussion_topic_id == first.id
    assert d.view(d.world.member).discussion_topic_id is None


def test_a_retro_without_anything_of_this_has_the_defaults() -> None:
    d = deciding_world(phase=Phase.GROUP)
    view = d.view(d.world.member)
    assert (view.votes_revealed, view.remaining_votes) == (False, 5)
    assert (view.action_items, view.carried_over_action_items) == ((), ())
    assert all((t.votes, t.my_votes, t.notes) == (None, 0, ()) for t in view.topics)
