"""Closing idle retros: a retro no one has changed for a while (14 days unless configured)
is closed by the system, so abandoned retros do not stay open forever. The change is
recorded like any other, with no person behind it (``changed_by`` is ``None``).

A retro still in draft is left alone: it has not started, and a team often prepares the
next retro weeks ahead. The scheduled job calls :func:`close_if_idle` on each candidate
under the retro's lock; a retro closed meanwhile (by a person or another worker) answers
``None``, so two workers never record two closings.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from aluzio.domain.retros.action_items import ActionItem
from aluzio.domain.retros.model import Card, Participant, Phase, PhaseChange, Retro
from aluzio.domain.retros.notes import Note
from aluzio.domain.retros.votes import Vote

DEFAULT_IDLE_DAYS = 14


def last_activity(
    retro: Retro,
    *,
    history: Iterable[PhaseChange] = (),
    participants: Iterable[Participant] = (),
    cards: Iterable[Card] = (),
    votes: Iterable[Vote] = (),
    notes: Iterable[Note] = (),
    action_items: Iterable[ActionItem] = (),
) -> datetime:
    """When the retro or anything in it last changed, from the times its parts record."""
    return max(
        [
            retro.created_at,
            *(c.changed_at for c in history),
            *(p.joined_at for p in participants),
            *(c.updated_at for c in cards),
            *(v.cast_at for v in votes),
            *(n.updated_at for n in notes),
            *(i.updated_at for i in action_items if i.retro_id == retro.id),
        ]
    )


def is_idle(
    retro: Retro,
    *,
    last_activity_at: datetime,
    now: datetime,
    idle_for: timedelta = timedelta(days=DEFAULT_IDLE_DAYS),
) -> bool:
    """Whether the system should close ``retro``: started, not closed, and unchanged for at
    least ``idle_for``."""
    if retro.current_phase in (Phase.DRAFT, Phase.CLOSED):
        return False
    return now - last_activity_at >= idle_for


def close_if_idle(
    retro: Retro,
    *,
    last_activity_at: datetime,
    now: datetime,
    idle_for: timedelta = timedelta(days=DEFAULT_IDLE_DAYS),
) -> PhaseChange | None:
    """Close an idle retro from whatever phase it is in, as the system: answers the history
    entry to store, or ``None`` when the retro is not idle (or already closed)."""
    if not is_idle(retro, last_activity_at=last_activity_at, now=now, idle_for=idle_for):
        return None
    current = retro.current_phase
    retro.phase = Phase.CLOSED
    retro.timer_ends_at = None
    retro.record_change()
    return PhaseChange(
        retro_id=retro.id,
        from_phase=current,
        to_phase=Phase.CLOSED,
        changed_by=None,
        changed_at=now,
    )
