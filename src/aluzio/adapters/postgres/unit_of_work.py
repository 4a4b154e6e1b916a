from __future__ import annotations

from collections.abc import Callable, Sequence
from types import TracebackType
from typing import Any, Self, TypeVar, cast

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from aluzio.adapters.postgres.faults import is_unavailable
from aluzio.adapters.postgres.integrity import translate, translated_integrity_errors
from aluzio.application.ports.events import Event, EventPublisher
from aluzio.application.ports.unit_of_work import (
    DatabaseUnavailable,
    RepositoryKey,
    RepositoryRegistry,
)

T = TypeVar("T")


class SessionScope:
    """What a repository factory receives: the unit of work's session, and a way to raise
    events that are published if the work commits."""

    def __init__(self, session: AsyncSession, emit: Callable[[Event], None]) -> None:
        self.session = session
        self.emit = emit


# Each feature registers its factories in its ``register_postgres_<feature>`` function.
PostgresRepositories = RepositoryRegistry[SessionScope]


class PostgresNotifier:
    """Publishes events with ``pg_notify`` in the session's transaction: Postgres delivers
    them to every ``LISTEN`` er when, and only if, the transaction commits."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def publish(self, events: Sequence[Event]) -> None:
        for event in dict.fromkeys(events):  # the same event twice is announced once
            await self._session.execute(select(func.pg_notify(event.channel, event.payload)))


class PostgresUnitOfWork:
    """A unit of work on one SQLAlchemy session: one Postgres transaction.

    Repositories are built from the registry on first use in a block. Leaving the block
    without :meth:`commit` rolls back. A unique or foreign-key violation leaves the block as
    the domain error it means (see :mod:`.integrity`); a database that cannot be reached, as
    :class:`DatabaseUnavailable` (see :mod:`.faults`).
    """

    session: AsyncSession

    def __init__(
        self,
        session_factory: async_sessionmaker[AsyncSession],
        repositories: PostgresRepositories | None = None,
        *,
        publisher: Callable[[AsyncSession], EventPublisher] = PostgresNotifier,
    ) -> None:
        self._session_factory = session_factory
        self._repositories = repositories or PostgresRepositories()
        self._publisher = publisher
        self._built: dict[RepositoryKey[Any], object] = {}
        self._events: list[Event] = []

    async def __aenter__(self) -> Self:
        self.session = self._session_factory()
        self._built = {}
        self._events = []
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._built = {}
        self._events = []
        try:
            try:
                # Entities read in the block stay readable afterwards (detached, as loaded)
                # instead of being expired by the rollback.
                self.session.expunge_all()
                await self.session.rollback()
            finally:
                await self.session.close()
        except Exception as cleanup:
            # The block's own error, if any, says more than a failed rollback after it.
            if exc is None and is_unavailable(cleanup):
                raise DatabaseUnavailable() from cleanup
            if exc is None:
                raise
        # A lost or unreachable database, or a violation raised by a statement inside the
        # block, is translated here, on its way out.
        if exc is not None and is_unavailable(exc):
            raise DatabaseUnavailable() from exc
        error = translate(exc) if exc is not None else None
        if error is not None:
            raise error from exc

    def repository(self, key: RepositoryKey[T]) -> T:
        if key not in self._built:
            self._built[key] = self._repositories.build(key, SessionScope(self.session, self.emit))
        return cast("T", self._built[key])

    def emit(self, event: Event) -> None:
        self._events.append(event)

    async def flush(self) -> None:
        """Send pending changes now, so that constraint violations surface as domain errors."""
        with translated_integrity_errors():
            await self.session.flush()

    async def commit(self) -> None:
        events, self._events = self._events, []
        with translated_integrity_errors():
            if events:
                await self._publisher(self.session).publish(events)
            await self.session.commit()

    async def rollback(self) -> None:
        self._events = []
        await self.session.rollback()
