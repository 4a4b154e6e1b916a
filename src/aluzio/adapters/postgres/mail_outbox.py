"""The mail outbox in Postgres: enqueueing inside a unit of work, and the worker's queue.

The outbox table is the queue. A worker claims a message with ``FOR UPDATE SKIP LOCKED``
and takes a lease on it (``locked_until``): if the worker dies, the lease runs out and any
other worker claims the message again. Workers wake on ``NOTIFY aluzio_mail`` and poll as a
fallback.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import uuid
from collections.abc import Callable
from datetime import datetime
from typing import Any

import asyncpg
from sqlalchemy import Text, insert, literal, select, text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from aluzio.adapters.postgres.database import to_asyncpg_dsn
from aluzio.adapters.postgres.tables.accounts import users
from aluzio.adapters.postgres.tables.mail import MAIL_STATES, mail_outbox
from aluzio.adapters.postgres.unit_of_work import PostgresRepositories, SessionScope
from aluzio.application.ports.events import Event
from aluzio.application.ports.mail import (
    MAIL_ENQUEUED,
    MAIL_OUTBOX,
    EmailMessage,
    MailFailure,
    MailStatus,
    QueuedMail,
    WaitingMail,
)

logger = logging.getLogger("aluzio.mail")

# Workers LISTEN on this channel; the unit of work publishes MAIL_ENQUEUED with NOTIFY in
# the enqueueing transaction, so a rolled-back change wakes nobody.
MAIL_CHANNEL = MAIL_ENQUEUED.channel


class PostgresMailOutbox:
    """Writes messages to ``mail_outbox`` inside the unit of work's transaction."""

    def __init__(self, session: AsyncSession, emit: Callable[[Event], None]) -> None:
        self._session = session
        self._emit = emit

    async def enqueue(self, message: EmailMessage, *, user_id: uuid.UUID | None = None) -> None:
        await self._session.execute(
            insert(mail_outbox).values(
                user_id=user_id,
                category=message.category,
                recipient=message.to,
                subject=message.subject,
                text_body=message.text_body,
                html_body=message.html_body,
            )
        )
        self._emit(MAIL_ENQUEUED)

    async def enqueue_if_registered(self, message: EmailMessage) -> None:
        # One INSERT ... SELECT whether or not the address has an account: the request that
        # asks does the same database work either way, so its timing tells nothing.
        values = select(
            users.c.id,
            literal(message.category, Text),
            literal(message.to, Text),
            literal(message.subject, Text),
            literal(message.text_body, Text),
            literal(message.html_body, Text),
        ).where(users.c.email == message.to)
        await self._session.execute(
            insert(mail_outbox).from_select(
                ["user_id", "category", "recipient", "subject", "text_body", "html_body"], values
            )
        )
        self._emit(MAIL_ENQUEUED)


def register_postgres_mail(repositories: PostgresRepositories) -> None:
    def outbox(scope: SessionScope) -> PostgresMailOutbox:
        return PostgresMailOutbox(scope.session, scope.emit)

    repositories.register(MAIL_OUTBOX, outbox)


# A message is due when the worker's clock or the database's says so: a worker whose clock
# lags the database's a little still delivers mail the moment it is notified.
_CLAIM = text(
    """
    UPDATE mail_outbox
       SET state = 'sending', attempts = attempts + 1, locked_until = :lease_until
     WHERE id = (
            SELECT id FROM mail_outbox
             WHERE (state = 'pending' AND available_at <= greatest(:now, now()))
                OR (state = 'sending' AND locked_until <= :now)
             ORDER BY available_at
             LIMIT 1
               FOR UPDATE SKIP LOCKED)
    RETURNING id, recipient, subject, text_body, html_body, category, attempts, created_at
    """
)
# A finished message keeps no content: the links in it (reset, verification) must not be
# readable from the table. Its address stays until the retention sweep.
_MARK_SENT = text(
    """
    UPDATE mail_outbox
       SET state = 'sent', sent_at = :now, locked_until = NULL, last_error = NULL,
           subject = NULL, text_body = NULL, html_body = NULL
     WHERE id = :id
    """
)
_RETRY_LATER = text(
    """
    UPDATE mail_outbox
       SET state = 'pending', available_at = :at, locked_until = NULL, last_error = :reason
     WHERE id = :id AND state = 'sending'
    """
)
_MARK_FAILED = text(
    """
    UPDATE mail_outbox
       SET state = 'failed', failed_at = :now, locked_until = NULL, last_error = :reason,
           subject = NULL, text_body = NULL, html_body = NULL
     WHERE id = :id AND state = 'sending'
    """
)
_RELEASE = text(
    """
    UPDATE mail_outbox
       SET state = 'pending', locked_until = NULL, attempts = greatest(attempts - 1, 0)
     WHERE id = :id AND state = 'sending'
    """
)
_ERASE = text(
    """
    UPDATE mail_outbox
       SET recipient = NULL, subject = NULL, text_body = NULL, html_body = NULL
     WHERE (recipient IS NOT NULL OR subject IS NOT NULL
            OR text_body IS NOT NULL OR html_body IS NOT NULL)
       AND ((state = 'sent' AND sent_at < :before)
            OR (state = 'failed' AND failed_at < :before))
    """
)
_WAITING = text(
    """
    SELECT id, category, state, attempts, created_at, available_at,
           coalesce(last_error, '') AS reason
      FROM mail_outbox
     WHERE state IN ('pending', 'sending')
     ORDER BY created_at
     LIMIT :limit
    """
)
_COUNTS = text("SELECT state, count(*) FROM mail_outbox GROUP BY state")
_FAILURES = text(
    """
    SELECT id, category, attempts, failed_at, coalesce(last_error, '') AS reason
      FROM mail_outbox
     WHERE state = 'failed'
     ORDER BY failed_at DESC
     LIMIT :limit
    """
)


class PostgresMailQueue:
    """The worker's side of the outbox; each call is one short transaction."""

    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    async def claim(self, *, now: datetime, lease_until: datetime) -> QueuedMail | None:
        async with self._engine.begin() as connection:
            row = (
                await connection.execute(_CLAIM, {"now": now, "lease_until": lease_until})
            ).one_or_none()
        if row is None:
            return None
        return QueuedMail(
            id=str(row.id),
            message=EmailMessage(
                to=row.recipient or "",
                subject=row.subject or "",
                text_body=row.text_body or "",
                html_body=row.html_body or "",
                category=row.category,
            ),
            attempts=row.attempts,
            created_at=row.created_at,
        )

    async def mark_sent(self, mail_id: str, *, now: datetime) -> None:
        await self._execute(_MARK_SENT, id=uuid.UUID(mail_id), now=now)

    async def retry_later(self, mail_id: str, *, at: datetime, reason: str) -> None:
        await self._execute(_RETRY_LATER, id=uuid.UUID(mail_id), at=at, reason=reason)

    async def mark_failed(self, mail_id: str, *, now: datetime, reason: str) -> None:
        await self._execute(_MARK_FAILED, id=uuid.UUID(mail_id), now=now, reason=reason)

    async def release(self, mail_id: str) -> None:
        await self._execute(_RELEASE, id=uuid.UUID(mail_id))

    async def erase_content(self, *, finished_before: datetime) -> int:
        return await self._execute(_ERASE, before=finished_before)

    async def status(self, *, failures: int, waiting: int = 10) -> MailStatus:
        async with self._engine.connect() as connection:
            counts = {state: 0 for state in MAIL_STATES}
            for state, count in (await connection.execute(_COUNTS)).all():
                counts[state] = int(count)
            rows = (await connection.execute(_FAILURES, {"limit": failures})).all()
            waiting_rows = (await connection.execute(_WAITING, {"limit": waiting})).all()
        return MailStatus(
            counts=counts,
            recent_failures=[
                MailFailure(
                    id=str(row.id),
                    category=row.category,
                    attempts=row.attempts,
                    failed_at=row.failed_at,
                    reason=row.reason,
                )
                for row in rows
            ],
            waiting=[
                WaitingMail(
                    id=str(row.id),
                    category=row.category,
                    state=row.state,
                    attempts=row.attempts,
                    created_at=row.created_at,
                    available_at=row.available_at,
                    reason=row.reason,
                )
                for row in waiting_rows
            ],
        )

    async def _execute(self, statement: Any, **params: object) -> int:
        async with self._engine.begin() as connection:
            result = await connection.execute(statement, params)
        return int(result.rowcount)


class MailWakeups:
    """Wakes a worker when mail is enqueued (``LISTEN aluzio_mail``).

    The listening connection is opened lazily and opened again after it drops; while there
    is none, :meth:`wait` simply times out, so the worker falls back to polling.
    """

    def __init__(self, database_url: str) -> None:
        self._dsn = to_asyncpg_dsn(database_url)
        self._event = asyncio.Event()
        self._connection: asyncpg.Connection[Any] | None = None

    async def wait(self, seconds: float) -> None:
        """Return when mail was enqueued since the last call, or after ``seconds``."""
        await self._listen()
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(seconds):
                await self._event.wait()
        self._event.clear()

    async def _listen(self) -> None:
        if self._connection is not None and not self._connection.is_closed():
            return
        self._connection = None
        connection: asyncpg.Connection[Any] | None = None
        try:
            async with asyncio.timeout(5):
                connection = await asyncpg.connect(self._dsn)
                await connection.add_listener(MAIL_CHANNEL, self._notified)
                # A lost connection wakes the worker, which listens again and looks for mail.
                connection.add_termination_listener(self._notified)
        except Exception as exc:  # polling carries on until the database is back
            logger.warning("mail worker: cannot listen for new mail (%s)", type(exc).__name__)
            if connection is not None:
                connection.terminate()
            return
        self._connection = connection
        # Anything enqueued while no one listened is found by the next claim.
        self._event.set()

    def _notified(self, *_: object) -> None:
        self._event.set()

    async def close(self) -> None:
        if self._connection is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self._connection.close(), timeout=5)
            self._connection = None
