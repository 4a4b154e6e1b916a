from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from uuid import UUID, uuid4

from aluzio.application.ports.clock import Clock
from aluzio.application.retros.ports import RetrosUnitOfWork
from aluzio.domain.retros.closing import DEFAULT_IDLE_DAYS


@dataclass(frozen=True)
class RetrosContext:
    """Everything the retro use cases depend on, wired once in the composition root."""

    unit_of_work: Callable[[], RetrosUnitOfWork]
    clock: Clock
    new_id: Callable[[], UUID] = uuid4
    # How long a started retro stays unchanged before the system closes it.
    idle_close_after: timedelta = timedelta(days=DEFAULT_IDLE_DAYS)
