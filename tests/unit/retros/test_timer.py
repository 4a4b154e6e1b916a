"""The facilitator's countdown: who sets and clears it, when, for how long."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from aluzio.domain.errors import DomainError, InvalidInput
from aluzio.domain.retros.errors import NotFacilitator, PhaseNotAllowed, RetroClosed
from aluzio.domain.retros.model import Phase, Retro
from aluzio.domain.retros.timer import (
    MAX_TIMER_SECONDS,
    MIN_TIMER_SECONDS,
    clear_timer,
    set_timer,
)
from tests.unit.retros.builders import START, new_world

STEERING = {"facilitator": True, "admin": True, "owner": True, "member": False, "other": False}


def _refusal(phase: Phase, kind: str) -> type[DomainError] | None:
    if phase is Phase.CLOSED:
        return RetroClosed
    if phase is Phase.DRAFT:
        return PhaseNotAllowed
    return None if STEERING[kind] else NotFacilitator


@pytest.mark.parametrize("kind", list(STEERING))
@pytest.mark.parametrize("phase", list(Phase))
def test_who_sets_the_timer_in_which_phase(phase: Phase, kind: str) -> None:
    world = new_world()
    world.retro.phase = phase
    version = world.retro.version
    refusal = _refusal(phase, kind)
    if refusal is None:
        ends = set_timer(world.retro, by=getattr(world, kind), seconds=90, now=START)
        assert ends == world.retro.timer_ends_at == START + timedelta(seconds=90)
        assert world.retro.version == version + 1
    else:
        with pytest.raises(refusal):
            set_timer(world.retro, by=getattr(world, kind), seconds=90, now=START)
        assert world.retro.timer_ends_at is None
        assert world.retro.version == version


@pytest.mark.parametrize("kind", list(STEERING))
@pytest.mark.parametrize("phase", list(Phase))
def test_who_clears_the_timer_in_which_phase(phase: Phase, kind: str) -> None:
    world = new_world()
    ends = START + timedelta(minutes=5)
    world.retro.phase = phase
    set_timer_directly(world.retro, ends)
    version = world.retro.version
    refusal = _refusal(phase, kind)
    if refusal is None:
        assert clear_timer(world.retro, by=getattr(world, kind), now=world.tick())
        assert world.retro.timer_ends_at is None
        assert world.retro.version == version + 1
    else:
        with pytest.raises(refusal):
            clear_timer(world.retro, by=getattr(world, kind), now=world.tick())
        assert world.retro.timer_ends_at == ends
        assert world.retro.version == version


def set_timer_directly(retro: Retro, ends: datetime | None) -> None:
    """As stored, whatever the phase (the rules would refuse it in draft and closed)."""
    retro.timer_ends_at = ends


@pytest.mark.parametrize(
    ("seconds", "allowed"),
    [(0, False), (-10, False), (9, False), (10, True), (3600, True), (3601, False)],
)
def test_how_long_a_timer_runs(seconds: int, allowed: bool) -> None:
    world = new_world(phase=Phase.REFLECT)
    if allowed:
        assert set_timer(world.retro, by=world.facilitator, seconds=seconds, now=START) == (
            START + timedelta(seconds=seconds)
        )
    else:
        with pytest.raises(InvalidInput) as refused:
            set_timer(world.retro, by=world.facilitator, seconds=seconds, now=START)
        assert refused.value.field == "seconds"
        assert f"{MIN_TIMER_SECONDS} to {MAX_TIMER_SECONDS}" in refused.value.message


def test_a_boolean_is_no_number_of_seconds() -> None:
    world = new_world(phase=Phase.REFLECT)
    with pytest.raises(InvalidInput):
        set_timer(world.retro, by=world.facilitator, seconds=True, now=START)


def test_setting_again_restarts_and_clearing_nothing_changes_nothing() -> None:
    world = new_world(phase=Phase.GROUP)
    set_timer(world.retro, by=world.facilitator, seconds=60, now=START)
    later = START + timedelta(seconds=30)
    assert set_timer(world.retro, by=world.facilitator, seconds=60, now=later) == (
        later + timedelta(seconds=60)
    )
    assert clear_timer(world.retro, by=world.facilitator, now=world.tick())
    version = world.retro.version
    assert not clear_timer(world.retro, by=world.facilitator, now=world.tick())
    assert world.retro.version == version


@pytest.mark.parametrize("back", [False, True])
def test_a_phase_change_clears_the_timer(back: bool) -> None:
    world = new_world(phase=Phase.VOTE)
    set_timer(world.retro, by=world.facilitator, seconds=60, now=START)
    if back:
        world.go_back()
    else:
        world.go_to(Phase.DISCUSS)
    assert world.retro.timer_ends_at is None
