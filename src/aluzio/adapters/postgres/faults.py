"""Recognise "the database is unavailable" and say so once per outage.

Postgres stopped, restarting, unreachable or frozen shows up as many different exceptions:
asyncpg's connection errors (including its refusal to use a connection the server ended
while it sat idle in the pool), refused or reset sockets, timeouts on connect or on a statement,
SQLAlchemy's pool timeout, and the same wrapped by SQLAlchemy or advanced-alchemy (which turns
a connection lost mid-statement into its ``IntegrityError``). :func:`is_unavailable` finds any
of them in an exception's chain of causes.

:func:`watch` attaches an :class:`OutageLog` to an engine: the first failure of an outage logs
one line, every later failure is silent, and the first new connection once Postgres answers
again logs one line with the outage's length. A statement that timed out invalidates its
connection (as a lost one does), so a frozen server's connections are not handed out again.
"""

from __future__ import annotations

import logging
import time
from typing import Any

import asyncpg
from sqlalchemy import event
from sqlalchemy import exc as sa_exc
from sqlalchemy.engine import ExceptionContext
from sqlalchemy.ext.asyncio import AsyncEngine

logger = logging.getLogger("aluzio.database")

# What asyncpg or the socket raise when the server is gone, going, or not answering.
CONNECTION_ERRORS: tuple[type[BaseException], ...] = (
    OSError,  # refused, reset, unreachable (ConnectionError is one)
    TimeoutError,  # connect or statement timeout (asyncio.TimeoutError is the same class)
    asyncpg.exceptions.ConnectionDoesNotExistError,
    asyncpg.exceptions.PostgresConnectionError,  # SQLSTATE class 08
    asyncpg.exceptions.CannotConnectNowError,  # 57P03: starting up or shutting down
    asyncpg.exceptions.AdminShutdownError,  # 57P01
    asyncpg.exceptions.CrashShutdownError,  # 57P02
)
_SQLSTATES = ("57P01", "57P02", "57P03")  # plus class 08, connection exceptions
# asyncpg's protocol state while it discards a server error up to the next sync point
# (``PROTOCOL_ERROR_CONSUME`` in asyncpg/protocol/coreproto.pxd).
_ASYNCPG_ERROR_CONSUME = 2
_MAX_CHAIN = 12


def _chain(exc: BaseException) -> list[BaseException]:
    found: list[BaseException] = []
    seen: BaseException | None = exc
    while seen is not None and seen not in found and len(found) < _MAX_CHAIN:
        found.append(seen)
        orig = getattr(seen, "orig", None)
        seen = seen.__cause__ or (orig if isinstance(orig, BaseException) else None)
        if seen is None:
            context = found[-1].__context__
            seen = context if not found[-1].__suppress_context__ else None
    return found


def is_closed_connection(exc: BaseException) -> bool:
    """asyncpg's refusal to use a connection it already knows is closed (the server ended
    it); SQLAlchemy recognises the same message as a disconnect."""
    return isinstance(exc, asyncpg.exceptions.InterfaceError) and "connection is closed" in str(exc)


def is_ended_while_idle(exc: BaseException) -> bool:
    """asyncpg's refusal to use a connection the server ended while it was idle, when the
    server's goodbye has been read but not yet the end of the socket.

    Postgres sends an idle connection it ends (57P01 on a fast shutdown or a
    ``pg_terminate_backend``) an error out of turn; asyncpg, expecting none, discards
    messages until a sync point that never comes, and refuses the next statement with
    "another operation (2) is in progress" (a connection used twice at once is refused by
    another check, with another message, before that).
    """
    return isinstance(exc, asyncpg.exceptions.InternalClientError) and (
        f"another operation ({_ASYNCPG_ERROR_CONSUME}) is in progress" in str(exc)
    )


def is_lost_connection(exc: BaseException) -> bool:
    """``exc`` itself (not a cause) says the connection it was raised on is gone."""
    return (
        isinstance(exc, CONNECTION_ERRORS) or is_closed_connection(exc) or is_ended_while_idle(exc)
    )


def is_unavailable(exc: BaseException) -> bool:
    """True when ``exc`` (or one of its causes) means the database cannot be reached now."""
    for cause in _chain(exc):
        if isinstance(cause, sa_exc.TimeoutError):  # no pooled connection came free in time
            return True
        if isinstance(cause, sa_exc.DBAPIError) and cause.connection_invalidated:
            return True
        if is_lost_connection(cause):
            return True
        sqlstate = getattr(cause, "sqlstate", None)
        if isinstance(sqlstate, str) and (sqlstate.startswith("08") or sqlstate in _SQLSTATES):
            return True
    return False


def is_database_unavailable(exc: BaseException) -> bool:
    """:func:`is_unavailable`, for an exception met anywhere (not only inside a unit of work):
    a socket error or a timeout counts only when SQLAlchemy or asyncpg raised it."""
    from_database = any(
        isinstance(
            cause,
            sa_exc.SQLAlchemyError
            | asyncpg.exceptions.PostgresError
            | asyncpg.exceptions.InterfaceError
            | asyncpg.exceptions.InternalClientError,
        )
        for cause in _chain(exc)
    )
    return from_database and is_unavailable(exc)


def _kind(exc: BaseException) -> str:
    chain = _chain(exc)
    return type(chain[-1]).__name__


class OutageLog:
    """One log line when the database becomes unavailable, one when it is back."""

    def __init__(self) -> None:
        self._down_since: float | None = None

    @property
    def down(self) -> bool:
        return self._down_since is not None

    def failed(self, exc: BaseException) -> None:
        if self._down_since is not None:
            return
        self._down_since = time.monotonic()
        logger.error(
            "database unavailable (%s): requests that need it are answered 503 until it is back",
            _kind(exc),
        )

    def recovered(self) -> None:
        if self._down_since is None:
            return
        seconds = time.monotonic() - self._down_since
        self._down_since = None
        logger.warning("database available again after %.1f s", seconds)


def _terminate(context: ExceptionContext) -> None:
    """Close a timed-out connection at once: a server that does not answer would not answer
    the polite goodbye SQLAlchemy sends when it invalidates a connection (and waits 2 s for)."""
    try:
        connection = context.connection
        fairy = connection.connection if connection is not None else None
        driver = getattr(fairy, "driver_connection", None)
    except sa_exc.SQLAlchemyError:  # no connection to speak of: nothing to close
        return
    if isinstance(driver, asyncpg.Connection) and not driver.is_closed():
        driver.terminate()


def watch(engine: AsyncEngine) -> OutageLog:
    """Attach an :class:`OutageLog` to ``engine`` (listening to its errors and new connections)."""
    outage = OutageLog()
    sync_engine = engine.sync_engine

    @event.listens_for(sync_engine, "handle_error")
    def on_error(context: ExceptionContext) -> None:
        original = context.original_exception
        if not is_unavailable(original):
            return
        # A timed-out statement leaves its connection in an unknown state: drop it like a
        # lost one, so that it is not handed out again and the pool renews its generation.
        context.is_disconnect = True
        if any(isinstance(cause, TimeoutError) for cause in _chain(original)):
            _terminate(context)
        outage.failed(original)

    @event.listens_for(sync_engine.pool, "invalidate")
    def on_invalidate(_: Any, __: Any, exception: BaseException | None) -> None:
        if exception is not None and is_unavailable(exception):
            outage.failed(exception)

    @event.listens_for(sync_engine.pool, "connect")
    def on_connect(_: Any, __: Any) -> None:
        outage.recovered()

    return outage
