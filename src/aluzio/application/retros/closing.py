"""The scheduled job that closes idle retros, through the phase-change use case, as the
system. Several workers may run it at once: each candidate is decided again under its
retro's lock, so every idle retro is closed once, with one phase-change event."""

from __future__ import annotations

from aluzio.application.actor import SystemActor
from aluzio.application.retros.context import RetrosContext
from aluzio.application.retros.retros import change_phase
from aluzio.domain.retros.closing import idle_before
from aluzio.domain.retros.errors import PhaseNotAllowed, RetroNotFound
from aluzio.domain.retros.model import Phase

SYSTEM = SystemActor("retro-auto-close")
BATCH_SIZE = 100
# At most this many batches a run; the rest waits for the next run.
MAX_BATCHES = 10


async def close_idle_retros(
    ctx: RetrosContext, *, batch_size: int = BATCH_SIZE, max_batches: int = MAX_BATCHES
) -> int:
    """Close the retros idle for ``ctx.idle_close_after``, in bounded batches; answers how
    many this run closed."""
    closed = 0
    for _ in range(max_batches):
        async with ctx.unit_of_work() as uow:
            cutoff = idle_before(ctx.clock.now(), ctx.idle_close_after)
            candidates = await uow.retros.idle(cutoff, limit=batch_size)
        for retro_id in candidates:
            try:
                await change_phase(ctx, SYSTEM, retro_id, Phase.CLOSED)
            except (PhaseNotAllowed, RetroNotFound):
                continue  # changed, closed (by a person or another worker) or deleted meanwhile
            closed += 1
        if len(candidates) < batch_size:
            break
    return closed
