"""An in-memory unit of work: the Postgres one's contract without a database.

Every block works on a copy of the committed state; :meth:`commit` makes the copy the
committed state and publishes the block's events, leaving the block without it discards
both. Units of work are meant to run one after another (a test's use cases): there are no
row locks, so concurrency is proven against Postgres only.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any, Self, TypeVar, cast

from aluzio.application.ports.events import Event
from aluzio.application.ports.unit_of_work import RepositoryKey, RepositoryRegistry

T = TypeVar("T")


@dataclass
class MemoryState:
    """The data: one dictionary per table, by table name."""

    tables: dict[str, dict[Any, Any]] = field(default_factory=dict)

    def table(self, name: str) -> dict[Any, Any]:
        return self.tables.setdefault(name, {})


class MemoryStore:
    """The committed state and the events published so far (what listeners would hear)."""

    def __init__(self) -> None:
        self.committed = MemoryState()
        self.published: list[Event] = []

    async def publish(self, events: Sequence[Event]) -> None:
        self.published.extend(dict.fromkeys(events))


class MemoryScope:
    """What a repository factory receives: the block's working state and the event sink."""

    def __init__(self, state: MemoryState, emit: Callable[[Event], None]) -> None:
        self.state = state
        self.emit = emit


MemoryRepositories = RepositoryRegistry[MemoryScope]


class MemoryUnitOfWork:
    def __init__(self, store: MemoryStore, repositories: MemoryRepositories) -> None:
        self.store = store
        self._repositories = repositories
        self._working = MemoryState()
        self._built: dict[RepositoryKey[Any], object] = {}
        self._events: list[Event] = []

    async def __aenter__(self) -> Self:
        self._begin()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._begin()

    def _begin(self) -> None:
        self._working = copy.deepcopy(self.store.committed)
        self._built = {}
        self._events = []

    def repository(self, key: RepositoryKey[T]) -> T:
        if key not in self._built:
            self._built[key] = self._repositories.build(key, MemoryScope(self._working, self.emit))
        return cast("T", self._built[key])

    def emit(self, event: Event) -> None:
        self._events.append(event)

    async def commit(self) -> None:
        events, self._events = self._events, []
        await self.store.publish(events)
        # The block may go on after a commit; later changes need a commit of their own.
        self.store.committed = copy.deepcopy(self._working)

    async def rollback(self) -> None:
        self._begin()
