"""Each retention job deletes what has expired, and only that."""

from __future__ import annotations

from datetime import timedelta

from aluzio.adapters.postgres.mail_outbox import PostgresMailQueue
from aluzio.application.mail.delivery import MailRetention
from aluzio.application.privacy.context import PrivacyContext
from aluzio.application.privacy.retention import Scheduler, retention_jobs
from aluzio.domain.organizations.model import INVITATION_LIFETIME
from aluzio.entrypoints.container import build_container
from aluzio.entrypoints.settings import Settings
from tests.integration.accounts.conftest import fast_hasher
from tests.integration.organizations.conftest import SignUp, create_org
from tests.integration.privacy.schema import fetch_value
from tests.support.clock import MutableClock


async def count(database_url: str, table: str) -> object:
    return await fetch_value(database_url, f"SELECT count(*) FROM {table}")


async def test_retention_jobs_delete_expired_sessions_tokens_and_invitations(
    sign_up: SignUp,
    settings: Settings,
    clock: MutableClock,
    database_url: str,
    privacy: PrivacyContext,
) -> None:
    await sign_up("ada@example.com", verified=False)  # a verification token stays
    bea = await sign_up("bea@example.com")
    slug = await create_org(bea, "Team", "team")
    invited = await bea.post(f"/api/orgs/{slug}/invitations", {"email": "cy@example.com"})
    assert invited.status_code == 201
    container = build_container(settings, clock=clock, password_hasher=fast_hasher())
    mail = MailRetention(PostgresMailQueue(container.engine), clock, keep_for=timedelta(days=7))
    scheduler = Scheduler(retention_jobs(container.privacy, mail), clock)
    try:
        first = await scheduler.run_due()
        assert set(first) == {job.name for job in scheduler.jobs}
        assert first["expired-sessions"] == 0
        assert first["expired-tokens"] == 0
        assert await scheduler.run_due() == {}  # nothing is due again within its period

        clock.advance(days=3)  # past the session timeouts, the 48 h verification link
        ran = await scheduler.run_due()
        assert ran["expired-sessions"] == 2
        assert ran["expired-tokens"] == 1
        assert await count(database_url, "auth_sessions") == 0
        assert await count(database_url, "account_tokens") == 0
        assert ran["expired-invitations"] == 0  # a week's invitation is 3 days old
        assert await count(database_url, "org_invitations") == 1

        clock.advance(days=INVITATION_LIFETIME.days)
        ran = await scheduler.run_due()
        assert ran["expired-invitations"] == 1
        assert await count(database_url, "org_invitations") == 0
    finally:
        await container.close()
