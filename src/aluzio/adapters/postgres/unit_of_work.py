from __future__ import annotations

from types import TracebackType
from typing import Self

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from aluzio.adapters.postgres.accounts import (
    PostgresAccountTokenRepository,
    PostgresSessionStore,
    PostgresThrottleStore,
    PostgresUserRepository,
)
from aluzio.adapters.postgres.faults import is_unavailable
from aluzio.adapters.postgres.integrity import translate, translated_integrity_errors
from aluzio.adapters.postgres.mail_outbox import PostgresMailOutbox
from aluzio.application.ports.unit_of_work import DatabaseUnavailable


class PostgresUnitOfWork:
    """A unit of work on one SQLAlchemy session: one Postgres transaction.

    Repositories and outboxes are attributes, bound to the session on entry. Leaving the
    block without :meth:`commit` rolls back. A unique or foreign-key violation leaves the
    block as the domain error it means (see :mod:`.integrity`); a database that cannot be
    reached, as :class:`DatabaseUnavailable` (see :mod:`.faults`).
    """

    session: AsyncSession
    outbox: PostgresMailOutbox
    users: PostgresUserRepository
    sessions: PostgresSessionStore
    account_tokens: PostgresAccountTokenRepository
    throttles: PostgresThrottleStore

    def __init__(self, session_factory: async_sessionmaker[AsyncSession]) -> None:
        self._session_factory = session_factory

    async def __aenter__(self) -> Self:
        self.session = self._session_factory()
        self.outbox = PostgresMailOutbox(self.session)
        self.users = PostgresUserRepository(session=self.session)
        self.sessions = PostgresSessionStore(session=self.session)
        self.account_tokens = PostgresAccountTokenRepository(session=self.session)
        self.throttles = PostgresThrottleStore(session=self.session)
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
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

    async def flush(self) -> None:
        """Send pending changes now, so that constraint violations surface as domain errors."""
        with translated_integrity_errors():
            await self.session.flush()

    async def commit(self) -> None:
        with translated_integrity_errors():
            await self.session.commit()

    async def rollback(self) -> None:
        await self.session.rollback()
