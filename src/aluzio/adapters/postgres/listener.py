"""``LISTEN`` on one dedicated asyncpg connection, reconnecting with backoff when it drops.

The same connection announces (``pg_notify`` outside a transaction) what other instances
must hear but nothing stores, such as who has a retro open.

A drop is seen at once when the server closes the connection (restart, ``pg_terminate_backend``)
and within ``health_interval`` seconds when the network silently stops answering (a periodic
``SELECT 1`` with a timeout). After a reconnect the subscribers are told to resync: whatever
was committed while nobody listened was not heard.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Sequence
from typing import Any

import asyncpg

from aluzio.adapters.postgres.database import to_asyncpg_dsn
from aluzio.application.ports.listener import ListenerSubscriber

logger = logging.getLogger(__name__)

APPLICATION_NAME = "aluzio-listener"


class PostgresListener:
    def __init__(
        self,
        database_url: str,
        channels: Sequence[str],
        *,
        connect_timeout: float = 5.0,
        health_interval: float = 10.0,
        first_backoff: float = 0.1,
        max_backoff: float = 5.0,
    ) -> None:
        self._dsn = to_asyncpg_dsn(database_url)
        self._channels = tuple(channels)
        self._connect_timeout = connect_timeout
        self._health_interval = health_interval
        self._first_backoff = first_backoff
        self._max_backoff = max_backoff
        self._subscribers: list[ListenerSubscriber] = []
        self._task: asyncio.Task[None] | None = None
        self._listening = asyncio.Event()
        self._connection: asyncpg.Connection[Any] | None = None
        # One statement at a time on the connection: the health check and announcements.
        self._statement = asyncio.Lock()

    def subscribe(self, subscriber: ListenerSubscriber) -> None:
        self._subscribers.append(subscriber)
        if self._task is None:
            self._task = asyncio.get_running_loop().create_task(self._run())

    async def wait_listening(self, seconds: float) -> bool:
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(seconds):
                await self._listening.wait()
        return self._listening.is_set()

    async def announce(self, channel: str, payload: str) -> bool:
        connection = self._connection
        if connection is None or not self._listening.is_set():
            return False
        try:
            async with self._statement, asyncio.timeout(self._connect_timeout):
                await connection.execute("SELECT pg_notify($1, $2)", channel, payload)
        except (OSError, TimeoutError, asyncpg.PostgresError, asyncpg.InterfaceError) as exc:
            logger.warning("realtime: could not announce on %s (%s)", channel, type(exc).__name__)
            return False
        return True

    @property
    def backend_pid(self) -> int | None:
        """The server process of the listening connection, while there is one."""
        connection = self._connection
        return connection.get_server_pid() if connection is not None else None

    async def close(self) -> None:
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def _run(self) -> None:
        backoff = self._first_backoff
        heard_before = False
        while True:
            connection = await self._connect()
            if connection is None:
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, self._max_backoff)
                continue
            backoff = self._first_backoff
            self._connection = connection
            self._listening.set()
            if heard_before:
                logger.warning("realtime: listening again; clients resync")
                for subscriber in list(self._subscribers):
                    subscriber.resync()
            heard_before = True
            try:
                await self._until_lost(connection)
            finally:
                self._listening.clear()
                self._connection = None
                connection.terminate()
            logger.warning("realtime: the listening connection was lost; reconnecting")

    async def _connect(self) -> asyncpg.Connection[Any] | None:
        connection: asyncpg.Connection[Any] | None = None
        try:
            async with asyncio.timeout(self._connect_timeout):
                connection = await asyncpg.connect(
                    self._dsn, server_settings={"application_name": APPLICATION_NAME}
                )
                for channel in self._channels:
                    await connection.add_listener(channel, self._notified)
        except (OSError, TimeoutError, asyncpg.PostgresError) as exc:
            logger.warning("realtime: cannot listen (%s)", type(exc).__name__)
            if connection is not None:
                connection.terminate()
            return None
        return connection

    async def _until_lost(self, connection: asyncpg.Connection[Any]) -> None:
        lost = asyncio.Event()
        connection.add_termination_listener(lambda _: lost.set())
        while not lost.is_set() and not connection.is_closed():
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(self._health_interval):
                    await lost.wait()
            if lost.is_set():
                return
            try:
                async with self._statement, asyncio.timeout(self._connect_timeout):
                    await connection.execute("SELECT 1")
            except (OSError, TimeoutError, asyncpg.PostgresError, asyncpg.InterfaceError):
                return

    def _notified(self, _connection: object, _pid: int, channel: str, payload: object) -> None:
        for subscriber in list(self._subscribers):
            subscriber.notified(channel, str(payload))
