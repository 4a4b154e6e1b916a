from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from uuid import UUID, uuid4

from aluzio.application.boards.ports import BoardsUnitOfWork
from aluzio.application.ports.clock import Clock


@dataclass(frozen=True)
class BoardsContext:
    """Everything the board use cases depend on, wired once in the composition root."""

    unit_of_work: Callable[[], BoardsUnitOfWork]
    clock: Clock
    new_id: Callable[[], UUID] = uuid4
