"""The unit of work: one atomic business transaction, and the seam every feature plugs into.

A feature declares typed keys for its repositories (:class:`RepositoryKey`) and a small
typed view of the unit of work (a :class:`FeatureWork` subclass whose attributes are
:class:`Repository` descriptors). An adapter registers one factory per key; a repository is
built the first time a use case touches it in a block, not on every entry.
"""

from __future__ import annotations

from collections.abc import Callable
from types import TracebackType
from typing import Any, Generic, Protocol, Self, TypeVar, cast, overload

from aluzio.application.ports.events import Event

T = TypeVar("T")
S = TypeVar("S")


class RepositoryKey(Generic[T]):
    """Names a repository and the port type it provides (``T``). Compared by identity."""

    __slots__ = ("name",)

    def __init__(self, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        return f"RepositoryKey({self.name!r})"


class UnknownRepository(LookupError):
    """No factory was registered for a key: a wiring mistake in the composition root."""


class RepositoryRegistry(Generic[S]):
    """Repository factories by key, for one kind of unit of work: each factory receives
    that unit of work's scope ``S`` (a database session, an in-memory state...). Features
    register theirs; the composition root runs one registration per feature."""

    def __init__(self) -> None:
        self._factories: dict[RepositoryKey[Any], Callable[[S], object]] = {}

    def register(self, key: RepositoryKey[T], factory: Callable[[S], T]) -> None:
        if key in self._factories:
            raise ValueError(f"{key!r} is registered twice")
        self._factories[key] = factory

    def build(self, key: RepositoryKey[T], scope: S) -> T:
        try:
            factory = self._factories[key]
        except KeyError:
            raise UnknownRepository(key.name) from None
        # register() accepted only a factory of T for this key.
        return cast("T", factory(scope))


class DatabaseUnavailable(Exception):
    """The data store cannot be reached now (down, restarting, unreachable, or not answering
    within its time bounds). Nothing of the unit of work was committed unless its commit had
    already returned; the same request may succeed a few seconds later."""

    def __init__(self) -> None:
        super().__init__("The database is unavailable.")


class UnitOfWork(Protocol):
    """One atomic business transaction.

    Used as ``async with uow: ...; await uow.commit()``. Leaving the block without a commit
    rolls back every change, so a failure half-way through leaves nothing behind. Events
    emitted in the block are published on commit, in the same transaction, and dropped
    otherwise.

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

    def repository(self, key: RepositoryKey[T]) -> T:
        """The repository registered for ``key``, bound to this unit of work."""
        ...

    def emit(self, event: Event) -> None:
        """Publish ``event`` if, and when, this unit of work commits."""
        ...

    async def commit(self) -> None:
        """Make every change of this unit of work durable at once, and publish its events."""
        ...

    async def rollback(self) -> None:
        """Discard every change and event since the unit of work began."""
        ...


class Repository(Generic[T]):
    """A typed attribute of a :class:`FeatureWork`: ``users = Repository(USERS)``."""

    def __init__(self, key: RepositoryKey[T]) -> None:
        self.key = key

    @overload
    def __get__(self, instance: None, owner: type[Any]) -> Self: ...

    @overload
    def __get__(self, instance: FeatureWork, owner: type[Any]) -> T: ...

    def __get__(self, instance: FeatureWork | None, owner: type[Any]) -> T | Self:
        if instance is None:
            return self
        return instance.repository(self.key)


class FeatureWork:
    """A feature's typed view of a unit of work: the repositories its use cases need, as
    attributes, over any :class:`UnitOfWork` (Postgres in production, memory in tests)."""

    def __init__(self, work: UnitOfWork) -> None:
        self.work = work

    async def __aenter__(self) -> Self:
        await self.work.__aenter__()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.work.__aexit__(exc_type, exc, tb)

    def repository(self, key: RepositoryKey[T]) -> T:
        return self.work.repository(key)

    def emit(self, event: Event) -> None:
        self.work.emit(event)

    async def commit(self) -> None:
        await self.work.commit()

    async def rollback(self) -> None:
        await self.work.rollback()
