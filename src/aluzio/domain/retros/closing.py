"""Closing idle retros: a retro no one has changed for a while (14 days unless configured)
is closed by the system, so abandoned retros do not stay open forever. The change is
recorded like any other, with no person behind it (``changed_by`` is ``None``).

"No change" is read from :attr:`Retro.changed_at`, which every change stamps. A retro still
in draft is left alone: the phase machine has no step from draft to closed (a draft can
only start), and a team often prepares the next retro weeks ahead. A started retro is closed
from whatever phase it is in. The scheduled job calls :func:`close_if_idle` under the
retro's lock; a retro closed or changed meanwhile (by a person or another worker) answers
``None``, so two workers never record two closings.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from aluzio.domain.retros.model import Phase, PhaseChange, Retro

DEFAULT_IDLE_DAYS = 14
# Phases a retro is closed from when idle: started and not yet closed.
CLOSABLE_WHEN_IDLE = frozenset({Phase.REFLECT, Phase.GROUP, Phase.VOTE, Phase.DISCUSS})


def idle_before(now: datetime, idle_for: timedelta) -> datetime:
    """A retro last changed before this moment has been idle for ``idle_for`` at ``now``."""
    return now - idle_for


def is_idle(
    retro: Retro, *, now: datetime, idle_for: timedelta = timedelta(days=DEFAULT_IDLE_DAYS)
) -> bool:
    """Whether the system should close ``retro``: started, not closed, and unchanged for at
    least ``idle_for``."""
    if retro.current_phase not in CLOSABLE_WHEN_IDLE:
        return False
    return retro.changed_at <= idle_before(now, idle_for)


def close_if_idle(
    retro: Retro, *, now: datetime, idle_for: timedelta = timedelta(days=DEFAULT_IDLE_DAYS)
) -> PhaseChange | None:
    """Close an idle retro from whatever phase it is in, as the system: answers the history
    entry to store, or ``None`` when the retro is not idle (or already closed)."""
    if not is_idle(retro, now=now, idle_for=idle_for):
        return None
    current = retro.current_phase
    retro.phase = Phase.CLOSED
    retro.timer_ends_at = None
    retro.record_change(now)
    return PhaseChange(
        retro_id=retro.id,
        from_phase=current,
        to_phase=Phase.CLOSED,
        changed_by=None,
        changed_at=now,
    )
