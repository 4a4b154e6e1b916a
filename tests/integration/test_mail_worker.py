"""The mail worker's loop on a real Postgres: several workers, wake-ups, an SMTP outage, and
stopping with a message in hand."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import timedelta

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from aluzio.adapters.clock import SystemClock
from aluzio.adapters.mail.memory import InMemoryMailTransport
from aluzio.adapters.mail.smtp import SmtpMailTransport
from aluzio.adapters.postgres.database import create_engine, create_session_factory
from aluzio.adapters.postgres.mail_outbox import MailWakeups, PostgresMailQueue
from aluzio.application.mail.delivery import MailDelivery, MailRetention, RetryPolicy
from aluzio.application.ports.mail import EmailMessage, MailUnitOfWork
from aluzio.application.privacy.retention import Scheduler, mail_content_job
from aluzio.entrypoints.container import postgres_unit_of_work
from aluzio.entrypoints.settings import Settings
from aluzio.entrypoints.worker import MailWorker, run_worker
from tests.support.processes import free_port
from tests.support.smtp import SMTP_PASSWORD, SMTP_USERNAME, SmtpServer, TlsFiles, make_tls_files


@pytest.fixture
async def engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(database_url, pool_size=3)
    yield engine
    await engine.dispose()


@pytest.fixture(scope="module")
def tls(tmp_path_factory: pytest.TempPathFactory) -> TlsFiles:
    return make_tls_files(tmp_path_factory.mktemp("tls"))


def message(to: str) -> EmailMessage:
    return EmailMessage(to, "Hello", "text", "<p>html</p>", "invitation")


async def enqueue(engine: AsyncEngine, *addresses: str) -> None:
    async with MailUnitOfWork(postgres_unit_of_work(create_session_factory(engine))()) as work:
        for address in addresses:
            await work.outbox.enqueue(message(address))
        await work.commit()


async def states(engine: AsyncEngine) -> list[tuple[str, int]]:
    async with engine.connect() as connection:
        result = await connection.execute(
            text("SELECT state, attempts FROM mail_outbox ORDER BY created_at")
        )
        return [(row.state, row.attempts) for row in result]


async def eventually(check: Callable[[], Awaitable[bool]], *, within: float) -> None:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if await check():
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"not true within {within}s")


def worker_settings(database_url: str, *, poll_seconds: int = 10) -> Settings:
    return Settings(
        database_url=database_url, mail_transport="memory", mail_poll_seconds=poll_seconds
    )


async def stopped(task: asyncio.Task[None], stop: asyncio.Event, *, within: float = 5) -> None:
    stop.set()
    async with asyncio.timeout(within):
        await task


async def test_two_workers_deliver_every_message_exactly_once(
    database_url: str, engine: AsyncEngine
) -> None:
    transports = [InMemoryMailTransport(), InMemoryMailTransport()]
    for transport in transports:
        transport.delay = 0.01
    stop = asyncio.Event()
    settings = worker_settings(database_url)
    workers = [
        asyncio.create_task(run_worker(settings, stop, transport=transport))
        for transport in transports
    ]
    addresses = [f"member{n}@example.org" for n in range(60)]
    for batch in range(0, 60, 15):
        await enqueue(engine, *addresses[batch : batch + 15])

    async def all_sent() -> bool:
        return [state for state, _ in await states(engine)] == ["sent"] * 60

    await eventually(all_sent, within=30)
    stop.set()
    async with asyncio.timeout(10):
        await asyncio.gather(*workers)
    delivered = [m.to for transport in transports for m in transport.delivered]
    assert sorted(delivered) == sorted(addresses)
    assert all(transport.delivered for transport in transports), "both workers took part"


async def test_a_notification_wakes_an_idle_worker_at_once(
    database_url: str, engine: AsyncEngine
) -> None:
    transport = InMemoryMailTransport()
    stop = asyncio.Event()
    worker = asyncio.create_task(
        run_worker(worker_settings(database_url, poll_seconds=60), stop, transport=transport)
    )
    try:
        await asyncio.sleep(1)  # idle, listening
        await enqueue(engine, "ada@example.org")
        started = time.monotonic()

        async def delivered() -> bool:
            return len(transport.delivered) == 1

        await eventually(delivered, within=5)
        assert time.monotonic() - started < 5  # the poll interval is a minute
    finally:
        await stopped(worker, stop)


async def test_polling_finds_mail_that_no_notification_announced(
    database_url: str, engine: AsyncEngine
) -> None:
    transport = InMemoryMailTransport()
    stop = asyncio.Event()
    worker = asyncio.create_task(
        run_worker(worker_settings(database_url, poll_seconds=1), stop, transport=transport)
    )
    try:
        await asyncio.sleep(0.5)
        async with engine.begin() as connection:  # no NOTIFY
            await connection.execute(
                text(
                    "INSERT INTO mail_outbox (category, recipient, subject, text_body, html_body)"
                    " VALUES ('invitation', 'ada@example.org', 's', 't', 'h')"
                )
            )

        async def delivered() -> bool:
            return len(transport.delivered) == 1

        await eventually(delivered, within=5)
    finally:
        await stopped(worker, stop)


async def test_smtp_down_then_back_delivers_the_message_once(
    database_url: str, engine: AsyncEngine, tls: TlsFiles
) -> None:
    port = free_port()
    transport = SmtpMailTransport(
        sender="Aluzio <no-reply@mg.aluzio.test>",
        username=SMTP_USERNAME,
        password=SMTP_PASSWORD,
        host="127.0.0.1",
        port=port,
        timeout=2,
        deadline=4,
        tls_context=tls.client_context(),
    )
    quick = RetryPolicy(first_delay=timedelta(seconds=0.2), max_delay=timedelta(seconds=0.5))
    stop = asyncio.Event()
    worker = asyncio.create_task(
        run_worker(
            worker_settings(database_url, poll_seconds=1), stop, transport=transport, policy=quick
        )
    )
    server: SmtpServer | None = None
    try:
        await enqueue(engine, "ada@example.org")

        async def failed_twice() -> bool:
            return (await states(engine))[0] in {("pending", 2), ("pending", 3)}

        await eventually(failed_twice, within=10)
        server = SmtpServer(tls, port).start()

        async def sent() -> bool:
            return (await states(engine))[0][0] == "sent"

        await eventually(sent, within=10)
        await asyncio.sleep(1.5)  # a second delivery would have had time to arrive
        assert [r.rcpt_tos for r in server.received] == [("ada@example.org",)]
    finally:
        await stopped(worker, stop)
        if server is not None:
            server.stop()


def bare_worker(
    database_url: str, engine: AsyncEngine, transport: InMemoryMailTransport, *, grace: float
) -> MailWorker:
    queue = PostgresMailQueue(engine)
    clock = SystemClock()
    return MailWorker(
        MailDelivery(queue, transport, clock),
        Scheduler(
            [mail_content_job(MailRetention(queue, clock, keep_for=timedelta(days=7)))], clock
        ),
        MailWakeups(database_url),
        poll_seconds=1,
        shutdown_grace_seconds=grace,
    )


async def test_stopping_finishes_the_message_in_hand(
    database_url: str, engine: AsyncEngine
) -> None:
    transport = InMemoryMailTransport()
    transport.delay = 1.0
    stop = asyncio.Event()
    worker = asyncio.create_task(bare_worker(database_url, engine, transport, grace=5).run(stop))
    await enqueue(engine, "ada@example.org")

    async def in_hand() -> bool:
        return (await states(engine)) == [("sending", 1)]

    await eventually(in_hand, within=5)
    await stopped(worker, stop, within=5)
    assert await states(engine) == [("sent", 1)]
    assert [m.to for m in transport.delivered] == ["ada@example.org"]


async def test_stopping_gives_back_a_message_that_takes_too_long(
    database_url: str, engine: AsyncEngine
) -> None:
    transport = InMemoryMailTransport()
    transport.delay = 30.0
    stop = asyncio.Event()
    worker = asyncio.create_task(bare_worker(database_url, engine, transport, grace=0.3).run(stop))
    await enqueue(engine, "ada@example.org")

    async def in_hand() -> bool:
        return (await states(engine)) == [("sending", 1)]

    await eventually(in_hand, within=5)
    started = time.monotonic()
    await stopped(worker, stop, within=5)
    assert time.monotonic() - started < 2
    # Back in the queue, due at once, its interrupted attempt not counted.
    assert await states(engine) == [("pending", 0)]
    assert transport.delivered == []


async def test_a_worker_listens_again_after_its_connection_drops(
    database_url: str, engine: AsyncEngine
) -> None:
    transport = InMemoryMailTransport()
    stop = asyncio.Event()
    worker = asyncio.create_task(
        run_worker(worker_settings(database_url, poll_seconds=60), stop, transport=transport)
    )
    try:
        await asyncio.sleep(1)
        async with engine.begin() as connection:
            ended = await connection.execute(
                text(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                    " WHERE datname = current_database() AND query LIKE 'LISTEN%'"
                )
            )
            assert ended.scalars().all() == [True]
        await asyncio.sleep(1)
        await enqueue(engine, "ada@example.org")

        async def delivered() -> bool:
            return len(transport.delivered) == 1

        await eventually(delivered, within=5)  # long before the next poll
    finally:
        await stopped(worker, stop)
