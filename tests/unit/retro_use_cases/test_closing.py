"""Closing idle retros on memory, by a clock the test moves: the job goes through the
phase-change use case as the system, one event per closed retro."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from uuid import UUID

import pytest

from aluzio.adapters.memory.unit_of_work import MemoryStore
from aluzio.application.actor import SystemActor
from aluzio.application.retros import cards, retros
from aluzio.application.retros.closing import close_idle_retros
from aluzio.application.retros.context import RetrosContext
from aluzio.domain.retros.errors import PhaseNotAllowed
from aluzio.domain.retros.model import Phase, PhaseChange, Retro
from tests.support.clock import MutableClock
from tests.unit.retro_use_cases.conftest import Team
from tests.unit.retro_use_cases.test_use_cases import retro_events


async def _stored(ctx: RetrosContext, retro_id: UUID) -> tuple[Retro, Sequence[PhaseChange]]:
    async with ctx.unit_of_work() as uow:
        retro = await uow.retros.find(retro_id)
        assert retro is not None
        return retro, await uow.phase_history.of_retro(retro_id)


async def test_the_job_closes_started_retros_idle_for_the_setting_and_nothing_else(
    retros_ctx: RetrosContext, team: Team, store: MemoryStore, clock: MutableClock
) -> None:
    ctx = retros_ctx
    idle = (await retros.create_retro(ctx, team.ada, team.board.id, title="Idle")).retro.id
    await retros.change_phase(ctx, team.ada, idle, Phase.REFLECT)
    busy = (await retros.create_retro(ctx, team.ada, team.board.id, title="Busy")).retro.id
    await retros.change_phase(ctx, team.ada, busy, Phase.REFLECT)
    draft = (await retros.create_retro(ctx, team.ada, team.board.id, title="Draft")).retro.id
    clock.advance(days=13)
    await cards.add_card(ctx, team.bea, busy, team.board.sections[0].id, "Still here")
    clock.advance(days=1)
    before = len(retro_events(store))

    assert await close_idle_retros(ctx) == 1
    assert await close_idle_retros(ctx) == 0  # the next run finds nothing more

    events = retro_events(store)[before:]
    assert events == [{"retroId": str(idle), "version": 3, "type": "phase-changed"}]
    closed, history = await _stored(ctx, idle)
    assert closed.phase is Phase.CLOSED
    last = history[-1]
    assert (last.from_phase, last.to_phase, last.changed_by) == (Phase.REFLECT, Phase.CLOSED, None)
    assert last.changed_at == clock.now()
    for other, phase in ((busy, Phase.REFLECT), (draft, Phase.DRAFT)):
        assert (await _stored(ctx, other))[0].phase is phase

    # The busy retro's idle time counts from its card.
    clock.advance(days=13)
    assert await close_idle_retros(ctx) == 1
    assert (await _stored(ctx, busy))[0].phase is Phase.CLOSED
    # A draft is never closed by the system (the phase machine has no draft -> closed).
    clock.advance(days=365)
    assert await close_idle_retros(ctx) == 0


async def test_the_idle_time_is_the_contexts_and_batches_are_bounded(
    retros_ctx: RetrosContext, team: Team, clock: MutableClock
) -> None:
    ctx = RetrosContext(
        unit_of_work=retros_ctx.unit_of_work, clock=clock, idle_close_after=timedelta(hours=2)
    )
    ids = []
    for n in range(5):
        rid = (await retros.create_retro(ctx, team.ada, team.board.id, title=f"R{n}")).retro.id
        await retros.change_phase(ctx, team.ada, rid, Phase.REFLECT)
        ids.append(rid)
    clock.advance(hours=2)
    # Two batches of two this run; the last one waits for the next run.
    assert await close_idle_retros(ctx, batch_size=2, max_batches=2) == 4
    assert await close_idle_retros(ctx, batch_size=2, max_batches=2) == 1


async def test_the_system_only_closes_and_only_an_idle_retro(
    retros_ctx: RetrosContext, team: Team, clock: MutableClock
) -> None:
    ctx = retros_ctx
    system = SystemActor("retro-auto-close")
    rid = (await retros.create_retro(ctx, team.ada, team.board.id)).retro.id
    await retros.change_phase(ctx, team.ada, rid, Phase.REFLECT)
    with pytest.raises(PhaseNotAllowed):
        await retros.change_phase(ctx, system, rid, Phase.CLOSED)  # not idle yet
    clock.advance(days=14)
    with pytest.raises(PhaseNotAllowed):
        await retros.change_phase(ctx, system, rid, Phase.GROUP)  # never steers
    closed = await retros.change_phase(ctx, system, rid, Phase.CLOSED)
    assert closed.retro.phase is Phase.CLOSED
    with pytest.raises(PhaseNotAllowed):
        await retros.change_phase(ctx, system, rid, Phase.CLOSED)  # once
