from __future__ import annotations

from types import TracebackType
from typing import Protocol, Self


class DatabaseUnavailable(Exception):
    """The data store cannot be reached now (down, restarting, unreachable, or not answering
    within its time bounds). Nothing of the unit of work was committed unless its commit had
    already returned; the same request may succeed a few seconds later."""

    def __init__(self) -> None:
        super().__init__("The database is unavailable.")


class UnitOfWork(Protocol):
    """One atomic business transaction.

    Used as ``async with uow: ...; await uow.commit()``. Leaving the block without a commit
    rolls back every change, so a failure half-way through leaves nothing behind. Feature
    protocols extend this one with the repositories and outboxes they need.

    A unit of work that cannot reach its store leaves the block as
    :class:`DatabaseUnavailable`, whatever statement found it out.
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
