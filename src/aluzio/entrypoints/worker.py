"""The worker: delivers the outbox and runs the retention jobs until told to stop.

``aluzio worker`` runs it as its own process; ``aluzio dev`` runs it in a thread beside the
web server. Stopping (SIGTERM, Ctrl-C) lets the message in hand finish for up to
:data:`SHUTDOWN_GRACE_SECONDS`; after that it is given back to the queue untried. Either
way the worker exits well within Fly.io's 30 s kill timeout and no message is lost.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
from typing import Any, Protocol

from aluzio.application.mail.delivery import MailDelivery, RetryPolicy
from aluzio.application.ports.clock import Clock
from aluzio.application.ports.mail import MailTransport
from aluzio.entrypoints.container import build_mail_services, build_transport
from aluzio.entrypoints.settings import Settings

__all__ = ["MailWorker", "WorkerThread", "build_transport", "run_worker"]

logger = logging.getLogger("aluzio.mail")

SHUTDOWN_GRACE_SECONDS = 20.0
RELEASE_SECONDS = 5.0


class RetentionJobs(Protocol):
    async def run_due(self) -> dict[str, int]: ...


class Wakeups(Protocol):
    async def wait(self, seconds: float) -> None: ...

    async def close(self) -> None: ...


class MailWorker:
    def __init__(
        self,
        delivery: MailDelivery,
        retention: RetentionJobs,
        wakeups: Wakeups,
        *,
        poll_seconds: float,
        shutdown_grace_seconds: float = SHUTDOWN_GRACE_SECONDS,
    ) -> None:
        self._delivery = delivery
        self._retention = retention
        self._wakeups = wakeups
        self._poll = poll_seconds
        self._grace = shutdown_grace_seconds

    async def run(self, stop: asyncio.Event) -> None:
        stopping = asyncio.ensure_future(stop.wait())
        try:
            while not stop.is_set():
                # Each job keeps its own period; between turns this costs no query.
                await self._retention.run_due()
                worked = await self._deliver_one(stopping)
                if worked is None:
                    break
                if not worked:
                    await self._idle(stopping)
        finally:
            stopping.cancel()
            await self._wakeups.close()
        logger.info("mail worker: stopped")

    async def _deliver_one(self, stopping: asyncio.Future[Any]) -> bool | None:
        """True when a message was tried, False when none was due (or the database failed),
        None when the worker stopped with the message in hand and gave it back."""
        delivering = asyncio.ensure_future(self._delivery.deliver_next())
        await asyncio.wait({delivering, stopping}, return_when=asyncio.FIRST_COMPLETED)
        if not delivering.done():
            logger.info("mail worker: stopping; finishing the message in hand")
            await asyncio.wait({delivering}, timeout=self._grace)
            if not delivering.done():
                # Cancelled, it gives the message back; that too is bounded, in case the
                # database is what hangs (then the lease runs out and another worker retries).
                delivering.cancel()
                await asyncio.wait({delivering}, timeout=RELEASE_SECONDS)
                return None
        if delivering.cancelled():
            return None
        error = delivering.exception()
        if error is not None:
            # The database is unreachable, most likely; wait a poll interval and try again.
            logger.error("mail worker: delivery round failed (%s)", type(error).__name__)
            return False
        return delivering.result()

    async def _idle(self, stopping: asyncio.Future[Any]) -> None:
        waiting = asyncio.ensure_future(self._wakeups.wait(self._poll))
        await asyncio.wait({waiting, stopping}, return_when=asyncio.FIRST_COMPLETED)
        if not waiting.done():
            waiting.cancel()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await waiting


async def run_worker(
    settings: Settings,
    stop: asyncio.Event,
    *,
    transport: MailTransport | None = None,
    clock: Clock | None = None,
    policy: RetryPolicy | None = None,
) -> None:
    """Run one worker on the settings' database until ``stop`` is set."""
    mail = build_mail_services(settings, transport=transport, clock=clock, policy=policy)
    worker = MailWorker(
        mail.delivery,
        mail.scheduler,
        mail.wakeups,
        poll_seconds=float(settings.mail_poll_seconds),
    )
    logger.info("mail worker: started (%s transport)", settings.mail_transport)
    try:
        await worker.run(stop)
    finally:
        await mail.close()


class WorkerThread:
    """A worker on its own event loop in a background thread (``aluzio dev``)."""

    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        self._ready = threading.Event()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stop: asyncio.Event | None = None
        self._thread = threading.Thread(target=self._main, name="aluzio-mail-worker", daemon=True)

    def start(self) -> None:
        self._thread.start()
        self._ready.wait(timeout=10)

    def stop(self, timeout: float = SHUTDOWN_GRACE_SECONDS + 5) -> None:
        if self._loop is not None and self._stop is not None:
            with contextlib.suppress(RuntimeError):  # the loop has already finished
                self._loop.call_soon_threadsafe(self._stop.set)
        self._thread.join(timeout)

    def _main(self) -> None:
        asyncio.run(self._run())

    async def _run(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._stop = asyncio.Event()
        self._ready.set()
        try:
            await run_worker(self._settings, self._stop)
        except Exception as exc:  # the type only: a database error's text may quote data
            logger.error("mail worker: crashed (%s)", type(exc).__name__)
