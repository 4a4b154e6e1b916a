"""Each phase's start and end, derived from the phase history (never stored twice)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from aluzio.domain.retros.model import Phase, PhaseChange


@dataclass(frozen=True, slots=True)
class PhasePeriod:
    """A stretch of time the retro spent in ``phase``; the current one has no end.
    A phase the retro went back to has a period per visit."""

    phase: Phase
    started_at: datetime
    ended_at: datetime | None


def phase_periods(history: Iterable[PhaseChange]) -> list[PhasePeriod]:
    """The periods in the order they happened: each change ends the period before it and
    starts one for the phase it enters."""
    changes = sorted(history, key=lambda change: change.changed_at)  # stable for ties
    periods: list[PhasePeriod] = []
    for index, change in enumerate(changes):
        following = changes[index + 1] if index + 1 < len(changes) else None
        periods.append(
            PhasePeriod(
                phase=Phase(change.to_phase),
                started_at=change.changed_at,
                ended_at=following.changed_at if following else None,
            )
        )
    return periods
