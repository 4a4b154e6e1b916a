"""The outbox on a real Postgres: transactional enqueueing, claims, retries, failure after
the retry budget (on a clock the test controls), and retention."""

from __future__ import annotations

import itertools
import logging
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from aluzio.adapters.mail.memory import InMemoryMailTransport
from aluzio.adapters.mail.templates import FileMailTemplates
from aluzio.adapters.postgres.database import create_engine, create_session_factory
from aluzio.adapters.postgres.mail_outbox import PostgresMailQueue
from aluzio.application.actor import SystemActor
from aluzio.application.mail.delivery import MailDelivery, MailRetention, RetryPolicy
from aluzio.application.mail.send_test import SendTestMail
from aluzio.application.ports.mail import EmailMessage, MailUnitOfWork
from aluzio.domain.errors import Conflict, InvalidInput
from aluzio.entrypoints.container import postgres_unit_of_work


class TestClock:
    __test__ = False

    def __init__(self) -> None:
        # A little ahead of the database's clock, so that mail queued just now is due.
        self.current = datetime.now(UTC) + timedelta(seconds=1)

    def now(self) -> datetime:
        return self.current

    def advance(self, delta: timedelta) -> None:
        self.current += delta


@pytest.fixture
async def engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(database_url, pool_size=3)
    yield engine
    await engine.dispose()


def uow(engine: AsyncEngine) -> MailUnitOfWork:
    return MailUnitOfWork(postgres_unit_of_work(create_session_factory(engine))())


def message(to: str = "ada@example.org", body: str = "secret body 42") -> EmailMessage:
    return EmailMessage(to, "Your invitation", body, f"<p>{body}</p>", "invitation")


async def enqueue(engine: AsyncEngine, *messages: EmailMessage) -> None:
    async with uow(engine) as work:
        for each in messages:
            await work.outbox.enqueue(each)
        await work.commit()


async def rows(engine: AsyncEngine) -> list[dict[str, object]]:
    async with engine.connect() as connection:
        result = await connection.execute(text("SELECT * FROM mail_outbox ORDER BY created_at"))
        return [dict(row._mapping) for row in result]


# --- A use case's mail is sent only if its change commits -----------------------------------


async def invite_member(unit_of_work: MailUnitOfWork, to: str, *, already_member: bool) -> None:
    """A use case in miniature: queue the invitation, then find the change is refused."""
    async with unit_of_work as work:
        await work.outbox.enqueue(message(to))
        if already_member:
            raise Conflict("Already a member.")
        await work.commit()


async def test_a_use_case_that_fails_after_enqueueing_sends_nothing(engine: AsyncEngine) -> None:
    transport = InMemoryMailTransport()
    delivery = MailDelivery(PostgresMailQueue(engine), transport, TestClock())
    with pytest.raises(Conflict):
        await invite_member(uow(engine), "ada@example.org", already_member=True)
    await invite_member(uow(engine), "bob@example.org", already_member=False)
    assert await delivery.deliver_due() == 1
    assert [m.to for m in transport.delivered] == ["bob@example.org"]
    assert await delivery.deliver_due() == 0


async def test_send_test_mail_queues_the_test_template(engine: AsyncEngine) -> None:
    templates = FileMailTemplates("https://aluzio.test")

    def unit_of_work() -> MailUnitOfWork:
        return uow(engine)

    send = SendTestMail(unit_of_work, templates)
    await send(SystemActor("cli"), "ops@example.org")
    with pytest.raises(InvalidInput):
        await send(SystemActor("cli"), "not an address")
    [row] = await rows(engine)
    assert (row["recipient"], row["category"], row["state"]) == (
        "ops@example.org",
        "mail-test",
        "pending",
    )
    assert "https://aluzio.test/" in str(row["text_body"])


# --- Claims and leases ---------------------------------------------------------------------


async def test_a_claim_is_a_lease_that_another_worker_may_take_over_when_it_ends(
    engine: AsyncEngine,
) -> None:
    queue = PostgresMailQueue(engine)
    await enqueue(engine, message())
    now = datetime.now(UTC) + timedelta(seconds=1)
    first = await queue.claim(now=now, lease_until=now + timedelta(minutes=2))
    assert first is not None
    assert first.message == message()
    assert first.attempts == 1
    # Held: nobody else gets it until the lease ends.
    assert await queue.claim(now=now + timedelta(minutes=1), lease_until=now) is None
    later = now + timedelta(minutes=2, seconds=1)
    second = await queue.claim(now=later, lease_until=later + timedelta(minutes=2))
    assert second is not None
    assert (second.id, second.attempts) == (first.id, 2)


async def test_a_message_retried_later_is_not_due_before_its_time(engine: AsyncEngine) -> None:
    queue = PostgresMailQueue(engine)
    await enqueue(engine, message())
    now = datetime.now(UTC) + timedelta(seconds=1)
    claimed = await queue.claim(now=now, lease_until=now + timedelta(minutes=2))
    assert claimed is not None
    await queue.retry_later(claimed.id, at=now + timedelta(minutes=5), reason="SMTP timed out")
    assert await queue.claim(now=now + timedelta(minutes=4), lease_until=now) is None
    again = await queue.claim(now=now + timedelta(minutes=5), lease_until=now)
    assert again is not None
    assert again.id == claimed.id


async def test_a_released_message_is_due_at_once_and_its_attempt_not_counted(
    engine: AsyncEngine,
) -> None:
    queue = PostgresMailQueue(engine)
    await enqueue(engine, message())
    now = datetime.now(UTC) + timedelta(seconds=1)
    claimed = await queue.claim(now=now, lease_until=now + timedelta(minutes=2))
    assert claimed is not None
    await queue.release(claimed.id)
    again = await queue.claim(now=now, lease_until=now + timedelta(minutes=2))
    assert again is not None
    assert (again.id, again.attempts) == (claimed.id, 1)


# --- Retries, then failure, on a clock the test controls ------------------------------------


async def test_a_message_that_always_fails_ends_failed_after_a_day_of_backoff(
    engine: AsyncEngine, caplog: pytest.LogCaptureFixture
) -> None:
    clock = TestClock()
    transport = InMemoryMailTransport()
    transport.down = True
    queue = PostgresMailQueue(engine)
    delivery = MailDelivery(queue, transport, clock)
    await enqueue(engine, message())
    clock.advance(timedelta(seconds=1))
    caplog.set_level(logging.INFO, logger="aluzio.mail")

    attempt_times: list[datetime] = []
    for _ in range(200):  # far more than the budget needs; the loop ends on `failed`
        assert await delivery.deliver_due() == 1
        attempt_times.append(clock.now())
        [row] = await rows(engine)
        if row["state"] == "failed":
            break
        assert row["state"] == "pending"
        assert await delivery.deliver_due() == 0  # not due yet
        due = row["available_at"]
        assert isinstance(due, datetime)
        clock.current = due
    [row] = await rows(engine)
    assert row["state"] == "failed"
    assert row["attempts"] == len(attempt_times)
    assert row["last_error"] == "mail server unreachable"
    # Retried for at least 24 hours, with waits that grow, then stop growing at the cap.
    created = row["created_at"]
    assert isinstance(created, datetime)
    assert attempt_times[-1] - created >= timedelta(hours=24)
    assert attempt_times[-2] - created < timedelta(hours=24)
    waits = [b - a for a, b in itertools.pairwise(attempt_times)]
    assert waits[0] < timedelta(seconds=31)
    assert waits[4] > waits[0] * 4
    assert max(waits) <= timedelta(hours=1)
    assert len(set(waits)) > len(waits) // 2  # jitter: waits differ
    # Logged, without the address or the body.
    log = caplog.text
    assert "failed for good" in log
    assert "ada@example.org" not in log
    assert "secret body 42" not in log
    assert transport.delivered == []


async def test_a_refused_recipient_fails_at_once(engine: AsyncEngine) -> None:
    transport = InMemoryMailTransport()
    transport.refuse("gone@example.org")
    delivery = MailDelivery(PostgresMailQueue(engine), transport, TestClock())
    await enqueue(engine, message("gone@example.org"))
    assert await delivery.deliver_due() == 1
    [row] = await rows(engine)
    assert (row["state"], row["attempts"]) == ("failed", 1)
    assert "gone@example.org" not in str(row["last_error"])


def test_backoff_doubles_up_to_its_cap_with_jitter() -> None:
    policy = RetryPolicy()
    assert policy.delay(1, 0.0) == timedelta(seconds=15)
    assert policy.delay(1, 0.999999) < timedelta(seconds=30)
    assert policy.delay(3, 0.0) == timedelta(seconds=60)
    assert policy.delay(50, 0.0) == timedelta(minutes=30)
    assert policy.delay(50, 0.999999) < timedelta(hours=1)


# --- Status and retention -------------------------------------------------------------------


async def test_status_counts_by_state_and_lists_failures_without_content(
    engine: AsyncEngine,
) -> None:
    clock = TestClock()
    transport = InMemoryMailTransport()
    transport.refuse("gone@example.org")
    queue = PostgresMailQueue(engine)
    await enqueue(engine, message("gone@example.org"), message("ada@example.org"))
    await MailDelivery(queue, transport, clock).deliver_due()
    await enqueue(engine, message("bob@example.org"))
    status = await queue.status(failures=5)
    assert dict(status.counts) == {"pending": 1, "sending": 0, "sent": 1, "failed": 1}
    [failure] = status.recent_failures
    assert failure.category == "invitation"
    assert failure.reason == "recipient refused (550)"


async def test_finished_mail_keeps_no_content(engine: AsyncEngine) -> None:
    """Sent or failed for good, a message's subject and bodies (and any link in them) are
    erased at once; its category, state and times stay, its address until the retention."""
    clock = TestClock()
    transport = InMemoryMailTransport()
    transport.refuse("gone@example.org")
    link = "https://aluzio.test/auth/reset-password#token=SECRET-TOKEN-123"
    await enqueue(engine, message("ada@example.org", link), message("gone@example.org", link))
    await MailDelivery(PostgresMailQueue(engine), transport, clock).deliver_due()
    assert [sent.text_body for sent in transport.delivered] == [link]
    finished = await rows(engine)
    assert {row["state"] for row in finished} == {"sent", "failed"}
    for row in finished:
        assert (row["subject"], row["text_body"], row["html_body"]) == (None, None, None)
        assert row["category"] == "invitation"
        assert row["created_at"] is not None
        assert (row["sent_at"] or row["failed_at"]) is not None
    assert "SECRET-TOKEN-123" not in str(finished)
    assert {row["recipient"] for row in finished} == {"ada@example.org", "gone@example.org"}


async def test_retention_erases_the_content_of_finished_mail_after_its_period(
    engine: AsyncEngine,
) -> None:
    clock = TestClock()
    transport = InMemoryMailTransport()
    transport.refuse("gone@example.org")
    queue = PostgresMailQueue(engine)
    await enqueue(engine, message("old@example.org"), message("gone@example.org"))
    await MailDelivery(queue, transport, clock).deliver_due()
    clock.advance(timedelta(days=3))
    await enqueue(engine, message("recent@example.org"))
    await MailDelivery(queue, transport, clock).deliver_due()
    await enqueue(engine, message("waiting@example.org"))
    retention = MailRetention(queue, clock, keep_for=timedelta(days=7))

    clock.advance(timedelta(days=5))  # the first two finished 8 days ago, the third 5
    assert await retention.erase_expired() == 2
    by_state = {(r["recipient"], r["state"]) for r in await rows(engine)}
    assert by_state == {
        (None, "sent"),
        (None, "failed"),
        ("recent@example.org", "sent"),
        ("waiting@example.org", "pending"),
    }
    for row in await rows(engine):
        if row["recipient"] is None:
            assert (row["subject"], row["text_body"], row["html_body"]) == (None, None, None)
            assert row["category"] == "invitation"
    assert await retention.erase_expired() == 0


# --- Configuration errors, seen by an operator ----------------------------------------------


async def test_a_refused_certificate_is_logged_as_an_error_and_shown_in_status(
    engine: AsyncEngine, tmp_path, caplog: pytest.LogCaptureFixture
) -> None:
    from aluzio.adapters.mail.smtp import SmtpMailTransport
    from aluzio.entrypoints.cli.mail import format_status
    from tests.support.processes import free_port
    from tests.support.smtp import SMTP_PASSWORD, SMTP_USERNAME, SmtpServer, make_tls_files

    tls = make_tls_files(tmp_path)
    server = SmtpServer(tls, free_port()).start()
    try:
        # The relay's certificate is signed by a CA this process does not trust.
        transport = SmtpMailTransport(
            sender="Aluzio <no-reply@mg.aluzio.test>",
            username=SMTP_USERNAME,
            password=SMTP_PASSWORD,
            host="127.0.0.1",
            port=server.port,
            timeout=5.0,
            deadline=10.0,
        )
        clock = TestClock()
        queue = PostgresMailQueue(engine)
        await enqueue(engine, message())
        with caplog.at_level(logging.INFO, logger="aluzio.mail"):
            assert await MailDelivery(queue, transport, clock).deliver_due() == 1
    finally:
        server.stop()
    [record] = [r for r in caplog.records if r.name == "aluzio.mail"]
    assert record.levelno == logging.ERROR
    assert "certificate verification failed" in record.getMessage()
    assert "cannot reach" not in record.getMessage()

    status = await queue.status(failures=5)
    [waiting] = status.waiting
    assert (waiting.state, waiting.attempts, waiting.category) == ("pending", 1, "invitation")
    assert waiting.configuration_error
    report = format_status(status, now=clock.now())
    assert "SMTP CONFIGURATION ERROR: SMTP certificate verification failed" in report
    assert "ada@example.org" not in report
    assert "secret body 42" not in report


async def test_status_lists_waiting_mail_and_tells_when_no_worker_delivers(
    engine: AsyncEngine,
) -> None:
    from aluzio.entrypoints.cli.mail import format_status

    clock = TestClock()
    queue = PostgresMailQueue(engine)
    await enqueue(engine, message())
    status = await queue.status(failures=5)
    [waiting] = status.waiting
    assert (waiting.attempts, waiting.reason) == (0, "")
    assert "NO DELIVERY" not in format_status(status, now=clock.now())
    clock.advance(timedelta(hours=2))
    report = format_status(status, now=clock.now())
    assert "NO DELIVERY: a message has waited 120 minutes" in report
    assert "is a worker running" in report
    assert f"{waiting.id}  invitation  pending  0 attempts  not tried yet" in report
