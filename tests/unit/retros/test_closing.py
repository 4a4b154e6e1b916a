"""Closing idle retros as the system."""

from __future__ import annotations

from datetime import timedelta

import pytest

from aluzio.domain.retros.closing import DEFAULT_IDLE_DAYS, close_if_idle, is_idle, last_activity
from aluzio.domain.retros.model import Phase
from aluzio.domain.retros.notes import edit_note
from aluzio.domain.retros.timer import set_timer
from tests.unit.retros.deciding import deciding_world

IDLE = timedelta(days=DEFAULT_IDLE_DAYS)
STARTED = [Phase.REFLECT, Phase.GROUP, Phase.VOTE, Phase.DISCUSS]


@pytest.mark.parametrize("phase", STARTED)
def test_a_started_retro_unchanged_for_14_days_is_closed_by_the_system(phase: Phase) -> None:
    d = deciding_world(phase=phase)
    retro = d.world.retro
    set_timer(retro, by=d.world.facilitator, seconds=60, now=d.world.tick())
    last = d.world.tick()
    version = retro.version
    change = close_if_idle(retro, last_activity_at=last, now=last + IDLE)
    assert change is not None
    assert (change.retro_id, change.from_phase, change.to_phase) == (retro.id, phase, Phase.CLOSED)
    assert (change.changed_by, change.changed_at) == (None, last + IDLE)
    assert (retro.phase, retro.timer_ends_at, retro.version) == (Phase.CLOSED, None, version + 1)
    # A second worker, or the same job again, finds nothing to do.
    assert close_if_idle(retro, last_activity_at=last, now=last + 2 * IDLE) is None
    assert retro.version == version + 1


@pytest.mark.parametrize("phase", STARTED)
def test_one_moment_short_of_the_idle_time_it_stays_open(phase: Phase) -> None:
    d = deciding_world(phase=phase)
    last = d.world.tick()
    version = d.world.retro.version
    now = last + IDLE - timedelta(microseconds=1)
    assert not is_idle(d.world.retro, last_activity_at=last, now=now)
    assert close_if_idle(d.world.retro, last_activity_at=last, now=now) is None
    assert (d.world.retro.phase, d.world.retro.version) == (phase, version)


@pytest.mark.parametrize("phase", [Phase.DRAFT, Phase.CLOSED])
def test_drafts_and_closed_retros_are_left_alone(phase: Phase) -> None:
    d = deciding_world(phase=Phase.DISCUSS)
    d.world.retro.phase = phase
    last = d.world.tick()
    assert close_if_idle(d.world.retro, last_activity_at=last, now=last + 10 * IDLE) is None
    assert d.world.retro.phase is phase


def test_the_idle_time_is_a_setting() -> None:
    d = deciding_world(phase=Phase.GROUP)
    last = d.world.tick()
    hour = timedelta(hours=1)
    assert close_if_idle(d.world.retro, last_activity_at=last, now=last, idle_for=hour) is None
    assert close_if_idle(d.world.retro, last_activity_at=last, now=last + hour, idle_for=hour)


def test_the_last_activity_is_the_latest_change_of_anything_in_the_retro() -> None:
    d = deciding_world(phase=Phase.VOTE)
    retro = d.world.retro
    base = last_activity(retro, history=d.world.history)
    assert base == max(c.changed_at for c in d.world.history)
    assert last_activity(
        retro,
        history=d.world.history,
        participants=d.world.participants,
        cards=d.world.cards.values(),
    ) == max([base, *(c.updated_at for c in d.world.cards.values())])
    vote = d.vote(d.world.member, d.topics()[0])
    assert last_activity(retro, history=d.world.history, votes=d.votes) == vote.cast_at
    d.world.go_to(Phase.DISCUSS)
    note = d.note(d.world.member, d.topics()[0])
    item = d.item(d.world.member)
    assert last_activity(retro, notes=d.notes, action_items=d.items) == item.updated_at
    edit_note(retro, note, by=d.world.member, body="edited", now=d.world.tick())
    assert last_activity(retro, notes=d.notes, action_items=d.items) == note.updated_at
    # Another retro's item says nothing about this one.
    stranger = deciding_world(phase=Phase.DISCUSS)
    later = stranger.item(stranger.world.member)
    later.updated_at = note.updated_at + IDLE
    assert last_activity(retro, notes=d.notes, action_items=[*d.items, later]) == note.updated_at
    # A retro with nothing in it changed last when it was opened.
    assert last_activity(retro) == retro.created_at
