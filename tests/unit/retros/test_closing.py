"""Closing idle retros as the system, by a clock the test controls."""

from __future__ import annotations

from datetime import timedelta

import pytest

from aluzio.domain.retros.closing import DEFAULT_IDLE_DAYS, close_if_idle, is_idle
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
    last = d.world.tick()
    set_timer(retro, by=d.world.facilitator, seconds=60, now=last)
    version = retro.version
    change = close_if_idle(retro, now=last + IDLE)
    assert change is not None
    assert (change.retro_id, change.from_phase, change.to_phase) == (retro.id, phase, Phase.CLOSED)
    assert (change.changed_by, change.changed_at) == (None, last + IDLE)
    assert (retro.phase, retro.timer_ends_at, retro.version) == (Phase.CLOSED, None, version + 1)
    assert retro.changed_at == last + IDLE
    # A second worker, or the same job again, finds nothing to do.
    assert close_if_idle(retro, now=last + 2 * IDLE) is None
    assert retro.version == version + 1


@pytest.mark.parametrize("phase", STARTED)
def test_one_moment_short_of_the_idle_time_it_stays_open(phase: Phase) -> None:
    d = deciding_world(phase=phase)
    last = d.world.retro.changed_at
    version = d.world.retro.version
    now = last + IDLE - timedelta(microseconds=1)
    assert not is_idle(d.world.retro, now=now)
    assert close_if_idle(d.world.retro, now=now) is None
    assert (d.world.retro.phase, d.world.retro.version) == (phase, version)


@pytest.mark.parametrize("phase", [Phase.DRAFT, Phase.CLOSED])
def test_drafts_and_closed_retros_are_left_alone(phase: Phase) -> None:
    d = deciding_world(phase=Phase.DISCUSS)
    d.world.retro.phase = phase
    last = d.world.retro.changed_at
    assert close_if_idle(d.world.retro, now=last + 10 * IDLE) is None
    assert d.world.retro.phase is phase


def test_the_idle_time_is_a_setting() -> None:
    d = deciding_world(phase=Phase.GROUP)
    last = d.world.retro.changed_at
    hour = timedelta(hours=1)
    assert (
        close_if_idle(d.world.retro, now=last + hour - timedelta(seconds=1), idle_for=hour) is None
    )
    assert close_if_idle(d.world.retro, now=last + hour, idle_for=hour)


def test_every_change_stamps_the_time_the_idle_clock_starts_from() -> None:
    d = deciding_world(phase=Phase.VOTE)
    retro = d.world.retro
    assert retro.changed_at == max(c.changed_at for c in d.world.history)
    vote = d.vote(d.world.member, d.topics()[0])
    assert retro.changed_at == vote.cast_at
    d.withdraw(d.world.member, d.topics()[0])
    withdrawn_at = retro.changed_at
    assert withdrawn_at > vote.cast_at
    d.world.go_to(Phase.DISCUSS)
    note = d.note(d.world.member, d.topics()[0])
    assert retro.changed_at == note.updated_at
    # A change made long after restarts the idle time: not idle a day later.
    later = note.updated_at + IDLE
    edit_note(retro, note, by=d.world.member, body="edited", now=later)
    assert retro.changed_at == later
    assert not is_idle(retro, now=later + timedelta(days=1))
    assert is_idle(retro, now=later + IDLE)
