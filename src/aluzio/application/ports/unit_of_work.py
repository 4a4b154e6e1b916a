from __future__ import annotations

from types import TracebackType
from typing import Protocol, Self


class UnitOfWork(Protocol):
    """One atomic business transaction.

    Used as ``async with uow: ...; await uow.commit()``. Leaving the block without a commit
    rolls back every change, so a failure half-way through leaves nothing behind. Feature
    protocols extend this one with the repositories and outboxes they need.
    """

    async def __aenter__(self) -> Self: ...

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...

    async def commit(self) -> None:
        """Make every change of this unit of work durable at once."""
        ...

    async def rollback(self) -> None:
        """Discard every change made since the unit of work began."""
        ...
