"""Retention: the scheduled jobs that delete personal data once it has no purpose left.

One :class:`Scheduler` in the worker runs every job on its own period, by the injected
clock. A job that fails is logged and tried again at its next turn; it never stops the
others. docs/privacy.md lists the jobs with what they delete.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from aluzio.application.mail.delivery import MailRetention
from aluzio.application.ports.clock import Clock
from aluzio.application.privacy.context import PrivacyContext
from aluzio.application.privacy.erasure import purge_due
from aluzio.domain.accounts.throttling import THROTTLE_RETENTION

logger = logging.getLogger("aluzio.retention")

HOURLY = timedelta(hours=1)
DAILY = timedelta(days=1)


@dataclass(frozen=True, slots=True)
class Job:
    name: str
    period: timedelta
    run: Callable[[], Awaitable[int]]  # how many records it deleted or erased


class Scheduler:
    """Runs each job when its period has passed since its last run (every job at once on
    the first call, so a worker that was down catches up as soon as it starts)."""

    def __init__(self, jobs: Sequence[Job], clock: Clock) -> None:
        self.jobs = tuple(jobs)
        self._clock = clock
        self._next: dict[str, datetime] = {}

    async def run_due(self) -> dict[str, int]:
        done: dict[str, int] = {}
        for job in self.jobs:
            now = self._clock.now()
            if now < self._next.get(job.name, now):
                continue
            self._next[job.name] = now + job.period
            try:
                done[job.name] = await job.run()
            except Exception as exc:  # the type only: a database error's text may quote data
                logger.error("retention job %s failed (%s)", job.name, type(exc).__name__)
        return done


def mail_content_job(retention: MailRetention) -> Job:
    """Address and content of mail delivered or given up longer ago than the mail retention."""
    return Job("mail-content", HOURLY, retention.erase_expired)


def retention_jobs(ctx: PrivacyContext, mail: MailRetention) -> list[Job]:
    """Every retention job of the service, with its period."""

    async def expired_sessions() -> int:
        """Sign-in sessions past their idle or absolute timeout."""
        async with ctx.unit_of_work() as uow:
            deleted = await uow.retention.delete_expired_sessions(ctx.accounts.clock.now())
            await uow.commit()
        return deleted

    async def expired_tokens() -> int:
        """Link tokens (verification, reset, email change, deletion cancel) past expiry."""
        async with ctx.unit_of_work() as uow:
            deleted = await uow.retention.delete_expired_tokens(ctx.accounts.clock.now())
            await uow.commit()
        return deleted

    async def stale_throttles() -> int:
        """Attempt counters idle for longer than any rule's window and lockout."""
        async with ctx.unit_of_work() as uow:
            await uow.throttles.purge_stale(ctx.accounts.clock.now() - THROTTLE_RETENTION)
            await uow.commit()
        return 0

    async def expired_invitations() -> int:
        """Organization invitations past expiry (they hold the invited address)."""
        async with ctx.unit_of_work() as uow:
            deleted = await uow.retention.delete_expired_invitations(ctx.accounts.clock.now())
            await uow.commit()
        return deleted

    async def account_purge() -> int:
        """Accounts whose deletion grace period is over, with everything of theirs."""
        return await purge_due(ctx)

    return [
        Job("account-purge", HOURLY, account_purge),
        Job("expired-sessions", HOURLY, expired_sessions),
        Job("expired-tokens", HOURLY, expired_tokens),
        Job("stale-throttles", HOURLY, stale_throttles),
        mail_content_job(mail),
        Job("expired-invitations", DAILY, expired_invitations),
    ]
