"""Delivering the outbox: one message at a time, retried with backoff, never lost.

Logs name a message by its id and category only: never its address or content.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from aluzio.application.ports.clock import Clock
from aluzio.application.ports.mail import MailDeliveryError, MailQueue, MailTransport, QueuedMail

logger = logging.getLogger("aluzio.mail")


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """Exponential backoff with jitter, for at least ``give_up_after`` since the message was
    queued. The n-th retry waits ``min(max_delay, first_delay * 2**(n-1))``, scaled by a random
    factor in [0.5, 1) so that messages which failed together do not retry together."""

    first_delay: timedelta = timedelta(seconds=30)
    max_delay: timedelta = timedelta(hours=1)
    give_up_after: timedelta = timedelta(hours=24)

    def delay(self, attempts: int, jitter: float) -> timedelta:
        """The wait after the ``attempts``-th failed attempt; ``jitter`` is in [0, 1)."""
        exponent = min(max(attempts - 1, 0), 32)
        base: timedelta = min(self.max_delay, self.first_delay * (2**exponent))
        return base * (0.5 + jitter / 2)


class MailDelivery:
    """Claims the next due message, hands it to the transport and records the outcome."""

    def __init__(
        self,
        queue: MailQueue,
        transport: MailTransport,
        clock: Clock,
        *,
        policy: RetryPolicy | None = None,
        lease: timedelta = timedelta(minutes=2),
        jitter: Callable[[], float] = random.random,
    ) -> None:
        self._queue = queue
        self._transport = transport
        self._clock = clock
        self._policy = policy or RetryPolicy()
        self._lease = lease
        self._jitter = jitter

    async def deliver_next(self) -> bool:
        """Deliver (or try to deliver) one due message; False when none is due.

        Cancelled while the message is in hand, it gives the message back to the queue
        before the cancellation goes on.
        """
        now = self._clock.now()
        mail = await self._queue.claim(now=now, lease_until=now + self._lease)
        if mail is None:
            return False
        try:
            # Stay well inside the lease, so that no other worker takes the message meanwhile.
            async with asyncio.timeout(self._lease.total_seconds() / 2):
                await self._transport.deliver(mail.message)
        except asyncio.CancelledError:
            await asyncio.shield(self._queue.release(mail.id))
            logger.info("mail %s (%s): released untried", mail.id, mail.message.category)
            raise
        except MailDeliveryError as exc:
            await self._attempt_failed(
                mail, str(exc), permanent=exc.permanent, configuration=exc.configuration
            )
        except TimeoutError:
            await self._attempt_failed(mail, "delivery timed out", permanent=False)
        except Exception as exc:  # an adapter bug must not stop the worker
            await self._attempt_failed(mail, f"unexpected {type(exc).__name__}", permanent=False)
        else:
            await self._queue.mark_sent(mail.id, now=self._clock.now())
            logger.info(
                "mail %s (%s): sent, attempt %d", mail.id, mail.message.category, mail.attempts
            )
        return True

    async def deliver_due(self, *, limit: int = 1000) -> int:
        """Deliver every message due now (at most ``limit``); returns how many were tried."""
        tried = 0
        while tried < limit and await self.deliver_next():
            tried += 1
        return tried

    async def _attempt_failed(
        self, mail: QueuedMail, reason: str, *, permanent: bool, configuration: bool = False
    ) -> None:
        now = self._clock.now()
        category = mail.message.category
        if permanent or now - mail.created_at >= self._policy.give_up_after:
            await self._queue.mark_failed(mail.id, now=now, reason=reason)
            logger.error(
                "mail %s (%s): failed for good after %d attempts: %s",
                mail.id,
                category,
                mail.attempts,
                reason,
            )
            return
        wait = self._policy.delay(mail.attempts, self._jitter())
        await self._queue.retry_later(mail.id, at=now + wait, reason=reason)
        # A wrong set-up fails every message until an operator fixes it: say so loudly.
        # The message is still retried, so mail flows again once the set-up is fixed.
        (logger.error if configuration else logger.warning)(
            "mail %s (%s): attempt %d failed (%s); next try in %ds",
            mail.id,
            category,
            mail.attempts,
            reason,
            int(wait.total_seconds()),
        )


class MailRetention:
    """Erases the address and content of messages finished longer ago than the retention."""

    def __init__(self, queue: MailQueue, clock: Clock, *, keep_for: timedelta) -> None:
        self._queue = queue
        self._clock = clock
        self._keep_for = keep_for

    async def erase_expired(self) -> int:
        erased = await self._queue.erase_content(finished_before=self._clock.now() - self._keep_for)
        if erased:
            logger.info("mail retention: erased the content of %d messages", erased)
        return erased
