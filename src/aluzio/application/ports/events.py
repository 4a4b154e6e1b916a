"""Events that leave a transaction: announced only when the change that raised them commits."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True, slots=True)
class Event:
    """Something that happened, for whoever listens on ``channel`` (the mail worker, real
    time). ``payload`` is a short text (JSON for structured events); it never holds secrets,
    since listeners may log it."""

    channel: str
    payload: str = ""


class EventPublisher(Protocol):
    """Announces a unit of work's events. The unit of work calls it on commit, inside the
    same transaction, so a rolled-back change announces nothing."""

    async def publish(self, events: Sequence[Event]) -> None: ...
