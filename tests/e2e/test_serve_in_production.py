"""``aluzio serve`` as Fly.io runs it: JSON log lines, request ids, graceful shutdown."""

from __future__ import annotations

import asyncio
import http.client
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import asyncpg
import httpx
import pytest
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import connect

from aluzio.adapters.postgres.database import to_asyncpg_dsn
from aluzio.entrypoints.cli.serve import GRACEFUL_SHUTDOWN_SECONDS
from tests.conftest import TEST_SECRET_KEY
from tests.support.postgres import DatabaseFactory
from tests.support.processes import ALUZIO, aluzio_env, free_port, start_aluzio, wait_for
from tests.support.websocket_app import ECHO_PATH

ROOT = Path(__file__).resolve().parents[2]

# After its graceful shutdown uvicorn re-raises the signal it received, so that the exit
# status tells a supervisor the process stopped because it was asked to.
STOPPED_BY_SIGTERM = -signal.SIGTERM
HOLD_SECONDS = 1.5


class Served:
    def __init__(self, process: subprocess.Popen[bytes], port: int, log: Path) -> None:
        self.process = process
        self.port = port
        self.base = f"http://127.0.0.1:{port}"
        self.log = log

    def lines(self) -> list[str]:
        return [line for line in self.log.read_text(errors="replace").splitlines() if line]


def production_env(database_url: str, port: int) -> dict[str, str]:
    return aluzio_env(
        {
            "DATABASE_URL": database_url,
            "ALUZIO_SECRET_KEY": TEST_SECRET_KEY,
            "ALUZIO_HOST": "127.0.0.1",
            "ALUZIO_PORT": str(port),
            "ALUZIO_TRUST_PROXY": "true",
        }
    )


@pytest.fixture
def served(database_url: str, tmp_path: Path) -> Iterator[Served]:
    port = free_port()
    log = tmp_path / "serve.log"
    process = start_aluzio(["serve"], production_env(database_url, port), cwd=tmp_path, log=log)
    try:
        try:
            wait_for(f"http://127.0.0.1:{port}/readyz", timeout=30)
        except TimeoutError:
            pytest.fail(log.read_text(errors="replace"))
        yield Served(process, port, log)
    finally:
        if process.poll() is None:
            process.kill()
        process.wait(timeout=10)


def test_log_lines_are_json_with_request_ids_and_no_secrets(served: Served) -> None:
    email, password, token = "carol@example.com", "s3cret-Passw0rd", secrets.token_urlsafe(32)
    with httpx.Client(base_url=served.base, timeout=10) as http:
        health = http.get("/healthz", headers={"Fly-Request-Id": "01JF3WBKXN8PQZ-fra"})
        sign_in = http.post(
            "/auth/sign-in",
            params={"email": email, "token": token},
            json={"email": email, "password": password},
            headers={"Authorization": f"Bearer {token}", "Cookie": f"_aluzio_key={token}"},
        )
    assert health.headers["x-request-id"] == "01JF3WBKXN8PQZ-fra"
    served.process.send_signal(signal.SIGTERM)
    assert served.process.wait(timeout=GRACEFUL_SHUTDOWN_SECONDS) == STOPPED_BY_SIGTERM
    lines = served.lines()
    records = [json.loads(line) for line in lines]  # every line is one JSON object
    access = {r["request_id"]: r for r in records if r["logger"] == "aluzio.access"}
    request_id = sign_in.headers["x-request-id"]
    assert access[request_id]["path"] == "/auth/sign-in"
    assert access[request_id]["status"] == sign_in.status_code
    assert any(r["logger"].startswith("uvicorn") for r in records)
    text = "\n".join(lines)
    for secret in (email, password, token):
        assert secret not in text


async def test_sigterm_lets_the_request_in_flight_finish_and_closes_idle_connections(
    served: Served, database_url: str
) -> None:
    """A /readyz request is held by a lock on the table it reads: naturally slow, no test route."""
    idle = http.client.HTTPConnection("127.0.0.1", served.port, timeout=5)
    idle.request("GET", "/healthz")
    assert idle.getresponse().read() == b'{"status":"ok"}'  # a keep-alive connection, now idle
    assert idle.sock is not None

    locker = await asyncpg.connect(to_asyncpg_dsn(database_url))
    transaction = locker.transaction()
    await transaction.start()
    await locker.execute("LOCK TABLE alembic_version IN ACCESS EXCLUSIVE MODE")
    async with httpx.AsyncClient(base_url=served.base, timeout=20) as client:
        in_flight = asyncio.create_task(client.get("/readyz"))
        await wait_until_blocked_on_the_lock(locker)

        signalled = time.monotonic()
        served.process.send_signal(signal.SIGTERM)
        await wait_until_refused(served.port)  # no longer accepting
        assert idle.sock.recv(1) == b""  # the idle keep-alive connection was closed
        # Hold the request for a while (readiness gives up after 3 s): the server must wait.
        await asyncio.sleep(max(0.0, HOLD_SECONDS - (time.monotonic() - signalled)))
        assert served.process.poll() is None  # still serving the request in flight

        await transaction.rollback()  # the slow request can finish now
        response = await in_flight
    await locker.close()
    idle.close()

    assert response.status_code == 200
    assert response.json() == {"status": "ready"}
    exit_code = await asyncio.to_thread(served.process.wait, GRACEFUL_SHUTDOWN_SECONDS)
    assert exit_code == STOPPED_BY_SIGTERM
    assert time.monotonic() - signalled < GRACEFUL_SHUTDOWN_SECONDS
    messages = [json.loads(line)["message"] for line in served.lines()]
    # The app's shutdown hooks ran (the database pool is closed) before the process ended.
    assert messages[-3:] == [
        "Waiting for application shutdown.",
        "Application shutdown complete.",
        f"Finished server process [{served.process.pid}]",
    ]


async def wait_until_blocked_on_the_lock(connection: asyncpg.Connection) -> None:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        waiting = await connection.fetchval(
            "SELECT count(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation "
            "WHERE c.relname = 'alembic_version' AND NOT l.granted"
        )
        if waiting:
            return
        await asyncio.sleep(0.05)
    raise AssertionError("the request never reached the database")


async def wait_until_refused(port: int) -> None:
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
        except ConnectionRefusedError:
            return
        await asyncio.sleep(0.05)
    raise AssertionError("the server still accepts connections after SIGTERM")


def test_sigterm_closes_open_websockets_with_service_restart(
    database_url: str, tmp_path: Path
) -> None:
    """Served with serve's uvicorn options: a WebSocket is told 1012 and the process ends."""
    port = free_port()
    log = tmp_path / "websocket.log"
    with log.open("wb") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "tests.support.websocket_app"],
            env=production_env(database_url, port),
            cwd=ROOT,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        try:
            wait_for(f"http://127.0.0.1:{port}/healthz", timeout=30)
        except TimeoutError:
            pytest.fail(log.read_text(errors="replace"))
        with connect(f"ws://127.0.0.1:{port}{ECHO_PATH}", open_timeout=10) as socket_:
            socket_.send("hello")
            assert socket_.recv(timeout=5) == "hello"
            signalled = time.monotonic()
            process.send_signal(signal.SIGTERM)
            with pytest.raises(ConnectionClosed) as closed:
                socket_.recv(timeout=10)
        assert closed.value.rcvd is not None
        assert closed.value.rcvd.code == 1012  # service restart: reconnect elsewhere
        assert process.wait(timeout=GRACEFUL_SHUTDOWN_SECONDS) == STOPPED_BY_SIGTERM
        # It did not sit out the graceful-shutdown timeout for the open connection.
        assert time.monotonic() - signalled < 5
    finally:
        if process.poll() is None:
            process.kill()
        process.wait(timeout=10)


def test_dev_writes_readable_lines_with_request_ids(database_url: str, tmp_path: Path) -> None:
    port = free_port()
    log = tmp_path / "dev.log"
    env = aluzio_env({"ALUZIO_DATABASE_URL": database_url})
    args = ["dev", "--port", str(port), "--data-dir", str(tmp_path / "data")]
    process = start_aluzio(args, env, cwd=tmp_path, log=log)
    try:
        try:
            wait_for(f"http://127.0.0.1:{port}/healthz", timeout=30)
        except TimeoutError:
            pytest.fail(log.read_text(errors="replace"))
        response = httpx.get(
            f"http://127.0.0.1:{port}/nowhere", headers={"X-Request-Id": "dev-check-1"}
        )
        assert response.headers["x-request-id"] == "dev-check-1"
        deadline = time.monotonic() + 10
        while "GET /nowhere 404" not in log.read_text() and time.monotonic() < deadline:
            time.sleep(0.1)
    finally:
        os.killpg(process.pid, signal.SIGINT)
        process.wait(timeout=30)
    lines = log.read_text(errors="replace").splitlines()
    access = [line for line in lines if "GET /nowhere 404" in line]
    assert len(access) == 1, lines
    assert not access[0].startswith("{")
    assert access[0].endswith("rid=dev-check-1")
    assert any(line.endswith("Application startup complete.") for line in lines)


async def test_the_release_command_writes_json_lines(
    database_factory: DatabaseFactory, tmp_path: Path
) -> None:
    url = await database_factory.create(template=False)
    try:
        result = await asyncio.to_thread(
            subprocess.run,
            [*ALUZIO, "db", "upgrade"],
            env=aluzio_env({"DATABASE_URL": url}),
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
    finally:
        await database_factory.drop(url)
    assert result.returncode == 0, result.stderr
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert any(r["message"].startswith("Running upgrade") for r in records), records
