"""``aluzio worker`` and ``aluzio mail`` as real processes, delivering to a real SMTP server
(aiosmtpd on 127.0.0.1, STARTTLS and AUTH required)."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

from aluzio.adapters.postgres.database import create_engine, create_session_factory
from aluzio.application.ports.mail import EmailMessage, MailUnitOfWork
from aluzio.entrypoints.container import postgres_unit_of_work
from tests.support.processes import ALUZIO, aluzio_env, free_port, start_aluzio, wait_for
from tests.support.smtp import SMTP_PASSWORD, SMTP_USERNAME, SmtpServer, TlsFiles, make_tls_files

SHUTDOWN_LIMIT_SECONDS = 25  # Fly.io kills after 30 s


@pytest.fixture(scope="module")
def tls(tmp_path_factory: pytest.TempPathFactory) -> TlsFiles:
    return make_tls_files(tmp_path_factory.mktemp("tls"))


@pytest.fixture
def smtp_server(tls: TlsFiles) -> Iterator[SmtpServer]:
    server = SmtpServer(tls, free_port()).start()
    yield server
    server.stop()


def worker_env(
    database_url: str, server: SmtpServer, tls: TlsFiles, **extra: str
) -> dict[str, str]:
    return aluzio_env(
        {
            "ALUZIO_DATABASE_URL": database_url,
            "ALUZIO_SECRET_KEY": "w" * 40,
            "ALUZIO_SMTP_HOST": "127.0.0.1",
            "ALUZIO_SMTP_PORT": str(server.port),
            "ALUZIO_SMTP_USERNAME": SMTP_USERNAME,
            "ALUZIO_SMTP_PASSWORD": SMTP_PASSWORD,
            "ALUZIO_MAIL_FROM": "Aluzio <no-reply@mg.aluzio.test>",
            "ALUZIO_MAIL_POLL_SECONDS": "1",
            "SSL_CERT_FILE": str(tls.cert),  # the system trust store, plus the test's CA
            **extra,
        }
    )


def run_aluzio(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*ALUZIO, *args], env=env, capture_output=True, text=True, timeout=60, check=False
    )


def wait_for_log(log: Path, needle: str, *, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if needle in log.read_text(errors="replace"):
            return
        time.sleep(0.1)
    raise AssertionError(f"{needle!r} not logged in {timeout}s:\n{log.read_text(errors='replace')}")


def start_worker(
    env: dict[str, str], tmp_path: Path, name: str
) -> tuple[subprocess.Popen[bytes], Path]:
    log = tmp_path / f"{name}.log"
    process = start_aluzio(["worker"], env, cwd=tmp_path, log=log)
    wait_for_log(log, "mail worker: started")
    return process, log


def stop(process: subprocess.Popen[bytes], signum: signal.Signals = signal.SIGTERM) -> int:
    if process.poll() is None:
        os.killpg(process.pid, signum)
    return process.wait(timeout=SHUTDOWN_LIMIT_SECONDS + 5)


async def enqueue(database_url: str, message: EmailMessage) -> None:
    engine = create_engine(database_url, pool_size=1)
    try:
        async with MailUnitOfWork(postgres_unit_of_work(create_session_factory(engine))()) as work:
            await work.outbox.enqueue(message)
            await work.commit()
    finally:
        await engine.dispose()


async def outbox_rows(database_url: str) -> list[tuple[str, int]]:
    engine = create_engine(database_url, pool_size=1)
    try:
        async with engine.connect() as connection:
            result = await connection.execute(text("SELECT state, attempts FROM mail_outbox"))
            return [(row.state, row.attempts) for row in result]
    finally:
        await engine.dispose()


INVITATION = EmailMessage(
    "ada@example.org",
    "You are invited",
    "Join: https://aluzio.test/join#token=tok123\n",
    '<p><a href="https://aluzio.test/join#token=tok123">Join</a></p>',
    "invitation",
)


def test_worker_delivers_mail_enqueued_by_another_process(
    database_url: str, smtp_server: SmtpServer, tls: TlsFiles, tmp_path: Path
) -> None:
    env = worker_env(database_url, smtp_server, tls)
    worker, log = start_worker(env, tmp_path, "worker")
    try:
        queued = run_aluzio(["mail", "send-test", "ops@example.org"], env)
        assert queued.returncode == 0, queued.stderr
        [received] = smtp_server.wait_for_messages(1, timeout=20)
    finally:
        code = stop(worker)
    assert code == 0, log.read_text()
    assert received.rcpt_tos == ("ops@example.org",)
    assert received.message["Subject"] == "Aluzio test message"
    assert received.over_tls
    assert received.login == SMTP_USERNAME
    status = run_aluzio(["mail", "status"], env)
    assert status.returncode == 0, status.stderr
    assert status.stdout.split() == ["pending", "0", "sending", "0", "sent", "1", "failed", "0"]
    # The worker's log names messages by id and category, never by address.
    assert "ops@example.org" not in log.read_text()


def test_a_worker_killed_mid_delivery_leaves_the_message_to_another(
    database_url: str, smtp_server: SmtpServer, tls: TlsFiles, tmp_path: Path
) -> None:
    env = worker_env(database_url, smtp_server, tls, ALUZIO_MAIL_LEASE_SECONDS="2")
    smtp_server.stall_next_message(10)
    first, _ = start_worker(env, tmp_path, "first")
    second = None
    try:
        asyncio.run(enqueue(database_url, INVITATION))
        assert smtp_server.data_started.wait(20), "the first worker never reached DATA"
        assert stop(first, signal.SIGKILL) == -signal.SIGKILL
        assert asyncio.run(outbox_rows(database_url)) == [("sending", 1)]
        second, _ = start_worker(env, tmp_path, "second")
        [received] = smtp_server.wait_for_messages(1, timeout=20)
    finally:
        stop(first, signal.SIGKILL)
        if second is not None:
            stop(second)
    assert received.rcpt_tos == ("ada@example.org",)
    assert received.text_body == INVITATION.text_body
    assert asyncio.run(outbox_rows(database_url)) == [("sent", 2)]


def test_sigterm_mid_delivery_finishes_the_attempt_and_exits_in_time(
    database_url: str, smtp_server: SmtpServer, tls: TlsFiles, tmp_path: Path
) -> None:
    env = worker_env(database_url, smtp_server, tls)
    smtp_server.stall_next_message(3)  # then answers 451: try again later
    worker, log = start_worker(env, tmp_path, "worker")
    try:
        asyncio.run(enqueue(database_url, INVITATION))
        assert smtp_server.data_started.wait(20)
        started = time.monotonic()
        code = stop(worker)
        took = time.monotonic() - started
    finally:
        stop(worker, signal.SIGKILL)
    assert code == 0, log.read_text()
    assert took < SHUTDOWN_LIMIT_SECONDS
    # Not lost: the failed attempt is recorded and the message waits for its retry.
    assert asyncio.run(outbox_rows(database_url)) == [("pending", 1)]
    assert "mail worker: stopped" in log.read_text()


def test_worker_refuses_smtp_without_a_login(database_url: str) -> None:
    env = aluzio_env({"ALUZIO_DATABASE_URL": database_url, "ALUZIO_SECRET_KEY": "w" * 40})
    result = run_aluzio(["worker"], env)
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "aluzio: ALUZIO_SMTP_USERNAME: is required when ALUZIO_MAIL_TRANSPORT is smtp"
    ]


def test_dev_prints_mail_with_its_links(database_url: str, tmp_path: Path) -> None:
    port = free_port()
    log = tmp_path / "dev.log"
    env = aluzio_env({"ALUZIO_DATABASE_URL": database_url})
    process = start_aluzio(
        ["dev", "--port", str(port), "--data-dir", str(tmp_path / "data")], env, tmp_path, log
    )
    try:
        wait_for(f"http://127.0.0.1:{port}/healthz", timeout=30)
        asyncio.run(enqueue(database_url, INVITATION))
        wait_for_log(log, "link: https://aluzio.test/join#token=tok123", timeout=20)
    finally:
        code = stop(process, signal.SIGINT)
    output = log.read_text()
    assert "Subject: You are invited" in output
    assert "To: ada@example.org" in output
    assert code == 0, output
