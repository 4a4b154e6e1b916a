"""The facilitator's countdown: an end time in server time that every client counts down
to, so no client drifts. Set and cleared by whoever steers the retro, in any phase between
draft and closed; a phase change clears it (a timer is for the phase it was set in)."""

from __future__ import annotations

from datetime import datetime, timedelta

from aluzio.domain.errors import InvalidInput
from aluzio.domain.retros.model import Phase, Retro, Viewer

MIN_TIMER_SECONDS = 10
MAX_TIMER_SECONDS = 3600
TIMER_PHASES = frozenset({Phase.REFLECT, Phase.GROUP, Phase.VOTE, Phase.DISCUSS})


def set_timer(retro: Retro, *, by: Viewer, seconds: int, now: datetime) -> datetime:
    """Start (or restart) a countdown of ``seconds`` (10 to 3600) from ``now``; answers
    when it ends."""
    retro.check_phase(TIMER_PHASES)
    retro.check_facilitation(by)
    if isinstance(seconds, bool) or not MIN_TIMER_SECONDS <= seconds <= MAX_TIMER_SECONDS:
        raise InvalidInput(
            f"A timer runs {MIN_TIMER_SECONDS} to {MAX_TIMER_SECONDS} seconds.", field="seconds"
        )
    retro.timer_ends_at = now + timedelta(seconds=seconds)
    retro.record_change(now)
    return retro.timer_ends_at


def clear_timer(retro: Retro, *, by: Viewer, now: datetime) -> bool:
    """Stop the countdown; answers whether there was one."""
    retro.check_phase(TIMER_PHASES)
    retro.check_facilitation(by)
    if retro.timer_ends_at is None:
        return False
    retro.timer_ends_at = None
    retro.record_change(now)
    return True
