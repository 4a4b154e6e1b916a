"""The phase machine: every transition, who may make it, the history it leaves."""

from __future__ import annotations

import itertools
from datetime import timedelta
from uuid import uuid4

import pytest

from aluzio.domain.organizations.model import Role
from aluzio.domain.retros.errors import NotFacilitator, PhaseNotAllowed, RetroClosed
from aluzio.domain.retros.history import PhasePeriod, phase_periods
from aluzio.domain.retros.model import (
    PHASE_ORDER,
    Phase,
    Viewer,
    allowed_phase_changes,
    freeze_sections,
)
from tests.unit.retros.builders import BOARD_SECTIONS, START, new_world

D, R, G, V, DI, C = PHASE_ORDER

ALLOWED = {
    (D, R),
    (R, G),
    (G, V),
    (V, DI),
    (DI, C),
    (G, R),
    (V, G),
    (DI, V),
}


def test_the_phases_in_order() -> None:
    assert [p.value for p in PHASE_ORDER] == [
        "draft", "reflect", "group", "vote", "discuss", "closed",
    ]  # fmt: skip


@pytest.mark.parametrize(("current", "to"), list(itertools.product(Phase, Phase)))
def test_every_transition(current: Phase, to: Phase) -> None:
    world = new_world()
    world.retro.phase = current
    version = world.retro.version
    if (current, to) in ALLOWED:
        change = world.retro.change_phase(to, by=world.facilitator, now=START)
        assert world.retro.phase is to
        assert world.retro.version == version + 1
        assert (change.from_phase, change.to_phase) == (current, to)
        assert change.retro_id == world.retro.id
        assert change.changed_by == world.facilitator.user_id
        assert change.changed_at == START
    else:
        refusal = RetroClosed if current is Phase.CLOSED else PhaseNotAllowed
        with pytest.raises(refusal):
            world.retro.change_phase(to, by=world.facilitator, now=START)
        assert world.retro.phase is current
        assert world.retro.version == version


@pytest.mark.parametrize("current", list(Phase))
def test_allowed_changes_match_the_table(current: Phase) -> None:
    assert allowed_phase_changes(current) == {to for c, to in ALLOWED if c is current}


def test_closed_is_final_and_draft_only_goes_forward() -> None:
    assert allowed_phase_changes(Phase.CLOSED) == frozenset()
    assert Phase.CLOSED.next is None
    assert Phase.REFLECT.previous is None  # its sections are frozen
    assert Phase.DRAFT.previous is None


def test_a_phase_stored_as_plain_text_works_the_same() -> None:
    world = new_world(phase=Phase.GROUP)
    world.retro.phase = "group"  # type: ignore[assignment]  # as a storage might load it
    world.retro.change_phase(Phase.VOTE, by=world.facilitator, now=START)
    assert world.retro.current_phase is Phase.VOTE


@pytest.mark.parametrize("kind", ["facilitator", "member", "admin", "owner"])
@pytest.mark.parametrize("current", [p for p in Phase if p is not Phase.CLOSED])
def test_who_may_change_the_phase(kind: str, current: Phase) -> None:
    world = new_world()
    world.retro.phase = current
    by: Viewer = getattr(world, kind)
    to = current.next
    assert to is not None
    if kind == "member":
        with pytest.raises(NotFacilitator):
            world.retro.change_phase(to, by=by, now=START)
        assert world.retro.phase is current
    else:
        assert world.retro.change_phase(to, by=by, now=START).changed_by == by.user_id


def test_a_facilitating_member_stays_a_member_elsewhere() -> None:
    world = new_world()
    other = new_world()
    with pytest.raises(NotFacilitator):
        other.retro.change_phase(Phase.REFLECT, by=world.facilitator, now=START)


def test_closed_is_refused_before_who_asks() -> None:
    world = new_world(phase=Phase.CLOSED)
    with pytest.raises(RetroClosed):
        world.retro.change_phase(Phase.DISCUSS, by=world.member, now=START)


def test_the_message_names_the_allowed_phases() -> None:
    world = new_world(phase=Phase.VOTE)
    with pytest.raises(PhaseNotAllowed, match="discuss or group, not to closed"):
        world.retro.change_phase(Phase.CLOSED, by=world.facilitator, now=START)


def test_a_new_retro_is_a_draft_facilitated_by_its_creator() -> None:
    world = new_world()
    retro = world.retro
    assert retro.phase is Phase.DRAFT
    assert retro.version == 1
    assert retro.facilitator_id == retro.created_by == world.facilitator.user_id
    (created,) = world.history
    assert (created.from_phase, created.to_phase, created.changed_at) == (None, Phase.DRAFT, START)
    assert created.changed_by == retro.created_by
    assert not created.starts_retro


def test_only_draft_to_reflect_starts_the_retro() -> None:
    world = new_world(phase=Phase.CLOSED)
    assert [c.starts_retro for c in world.history] == [False, True, False, False, False, False]


def test_sections_are_frozen_in_the_boards_order() -> None:
    world = new_world()
    sections = freeze_sections(world.retro, BOARD_SECTIONS)
    assert [(s.id, s.title, s.prompt, s.color, s.position) for s in sections] == [
        (b.id, b.title, b.prompt, b.color, i) for i, b in enumerate(BOARD_SECTIONS)
    ]
    assert {s.retro_id for s in sections} == {world.retro.id}


def test_every_phase_has_its_start_and_end() -> None:
    world = new_world(phase=Phase.VOTE)
    world.go_back()  # to group
    world.go_to(Phase.CLOSED)
    times = [START + timedelta(minutes=m) for m in range(7)]
    assert phase_periods(world.history) == [
        PhasePeriod(Phase.DRAFT, times[0], times[1]),
        PhasePeriod(Phase.REFLECT, times[1], times[2]),
        PhasePeriod(Phase.GROUP, times[2], times[3]),
        PhasePeriod(Phase.VOTE, times[3], times[4]),
        PhasePeriod(Phase.GROUP, times[4], times[5]),
        PhasePeriod(Phase.VOTE, times[5], times[6]),
        PhasePeriod(Phase.DISCUSS, times[6], START + timedelta(minutes=7)),
        PhasePeriod(Phase.CLOSED, START + timedelta(minutes=7), None),
    ]


def test_periods_follow_time_not_storage_order() -> None:
    world = new_world(phase=Phase.GROUP)
    assert phase_periods(reversed(world.history)) == phase_periods(world.history)
    assert phase_periods([]) == []


@pytest.mark.parametrize("kind", ["facilitator", "admin", "owner"])
def test_hand_over(kind: str) -> None:
    world = new_world(phase=Phase.GROUP)
    version = world.retro.version
    assert world.retro.hand_over(world.member.user_id, by=getattr(world, kind), now=world.tick())
    assert world.retro.facilitator_id == world.member.user_id
    assert world.retro.version == version + 1
    # The new facilitator steers; the former one, a plain member, no longer does.
    world.retro.change_phase(Phase.VOTE, by=world.member, now=START)
    if kind == "facilitator":
        with pytest.raises(NotFacilitator):
            world.retro.change_phase(Phase.DISCUSS, by=world.facilitator, now=START)


def test_hand_over_to_the_facilitator_changes_nothing() -> None:
    world = new_world()
    assert not world.retro.hand_over(world.facilitator.user_id, by=world.admin, now=world.tick())
    assert world.retro.version == 1


def test_hand_over_refusals() -> None:
    world = new_world()
    with pytest.raises(NotFacilitator):
        world.retro.hand_over(world.member.user_id, by=world.member, now=world.tick())
    world.go_to(Phase.CLOSED)
    with pytest.raises(RetroClosed):
        world.retro.hand_over(world.member.user_id, by=world.facilitator, now=world.tick())
    assert world.retro.facilitator_id == world.facilitator.user_id


@pytest.mark.parametrize("kind", ["facilitator", "member", "admin", "owner"])
@pytest.mark.parametrize("phase", list(Phase))
def test_who_may_delete_a_retro(kind: str, phase: Phase) -> None:
    world = new_world()
    world.retro.phase = phase
    by: Viewer = getattr(world, kind)
    if phase is Phase.CLOSED:
        with pytest.raises(RetroClosed):
            world.retro.check_deletion(by=by)
    elif kind == "member":
        with pytest.raises(NotFacilitator):
            world.retro.check_deletion(by=by)
    else:
        world.retro.check_deletion(by=by)


def test_participants_join_once_and_each_join_is_a_change() -> None:
    world = new_world()
    world.join_everyone()
    assert [p.user_id for p in world.participants] == [
        v.user_id for v in (world.facilitator, world.member, world.other, world.admin, world.owner)
    ]
    assert world.retro.version == 1 + 5
    assert (
        world.retro.admit(world.member.user_id, participants=world.participants, now=START) is None
    )
    assert world.retro.version == 6


def test_opening_a_closed_retro_changes_nothing() -> None:
    world = new_world(phase=Phase.CLOSED)
    version = world.retro.version
    assert world.retro.admit(uuid4(), participants=[], now=START) is None
    assert world.retro.version == version


def test_viewer_role_as_text() -> None:
    world = new_world()
    admin = Viewer(uuid4(), "admin")  # type: ignore[arg-type]  # as a membership row holds it
    assert admin.may_facilitate(world.retro)
    assert not Viewer(uuid4(), Role.MEMBER).may_facilitate(world.retro)


def test_a_retro_whose_facilitator_was_erased_is_steered_by_admins() -> None:
    """Storage forgets an erased facilitator (the retro stays, the team's record)."""
    world = new_world(phase=Phase.GROUP)
    world.retro.facilitator_id = None  # as erasure leaves it
    with pytest.raises(NotFacilitator):
        world.retro.change_phase(Phase.VOTE, by=world.member, now=START)
    world.retro.change_phase(Phase.VOTE, by=world.admin, now=START)
    assert world.retro.hand_over(world.member.user_id, by=world.owner, now=world.tick())
    world.retro.change_phase(Phase.DISCUSS, by=world.member, now=START)
