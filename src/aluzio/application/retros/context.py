from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from uuid import UUID, uuid4

from aluzio.application.ports.clock import Clock
from aluzio.application.retros.ports import RetrosUnitOfWork


@dataclass(frozen=True)
class RetrosContext:
    """Everything the retro use cases depend on, wired once in the composition root."""

    unit_of_work: Callable[[], RetrosUnitOfWork]
    clock: Clock
    new_id: Callable[[], UUID] = uuid4
