"""With a clock the test controls, the purge never happens later than 30 days after the
request, even with the longest grace period and the worker down for a day when it was due."""

from __future__ import annotations

from datetime import timedelta

import pytest

from aluzio.adapters.postgres.mail_outbox import PostgresMailQueue
from aluzio.application.mail.delivery import MailRetention
from aluzio.application.privacy.retention import Scheduler, retention_jobs
from aluzio.domain.privacy.erasure import ERASURE_DEADLINE, MAX_GRACE
from aluzio.entrypoints.container import build_container
from aluzio.entrypoints.settings import Settings
from tests.conftest import TEST_SECRET_KEY
from tests.integration.accounts.conftest import BASE_URL, PASSWORD, fast_hasher
from tests.integration.organizations.conftest import SignUp
from tests.integration.privacy.schema import fetch_value
from tests.support.clock import MutableClock

STEP = timedelta(hours=6)


@pytest.fixture
def settings(database_url: str) -> Settings:
    """The account tests' settings with the longest grace period allowed."""
    return Settings(
        database_url=database_url,
        secret_key=TEST_SECRET_KEY,
        base_url=BASE_URL,
        erasure_grace_days=MAX_GRACE.days,
    )


async def test_the_purge_happens_within_30_days_even_when_the_worker_was_down_for_a_day(
    sign_up: SignUp, settings: Settings, clock: MutableClock, database_url: str
) -> None:
    ada = await sign_up("ada@example.com")
    requested_at = clock.now()
    assert (await ada.send("DELETE", "/api/me", {"password": PASSWORD})).status_code == 202
    purge_at = requested_at + MAX_GRACE
    down = (purge_at - timedelta(hours=12), purge_at + timedelta(hours=12))

    container = build_container(settings, clock=clock, password_hasher=fast_hasher())
    mail = MailRetention(PostgresMailQueue(container.engine), clock, keep_for=timedelta(days=7))
    scheduler = Scheduler(retention_jobs(container.privacy, mail), clock)
    purged_at = None
    try:
        for _ in range(int(ERASURE_DEADLINE / STEP) + 8):  # bounded: a little past 30 days
            worker_up = not down[0] <= clock.now() < down[1]
            if worker_up:
                await scheduler.run_due()
            if await _exists(database_url, ada.id):
                if worker_up:
                    assert clock.now() < purge_at, "kept past its purge time with a worker up"
            else:
                purged_at = clock.now()
                break
            clock.advance(seconds=STEP.total_seconds())
    finally:
        await container.close()
    assert purged_at is not None
    assert purge_at <= purged_at <= requested_at + ERASURE_DEADLINE


async def _exists(database_url: str, user_id: str) -> bool:
    count = await fetch_value(
        database_url, "SELECT count(*) FROM users WHERE id = $1::uuid", user_id
    )
    return count == 1
