"""The database is unavailable: 503 with ``Retry-After``, one log line per outage, no 500, no
acknowledged write lost, and service again within seconds of the database's return.

Each test runs the app on a Postgres of its own (an embedded server in a temporary directory,
not the suite's shared one), which it stops, kills or freezes under load. Every wait is
bounded in time and every loop in count.
"""

from __future__ import annotations

import asyncio
import importlib
import logging
import os
import signal
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import asyncpg
import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from aluzio.adapters.postgres import migrator
from aluzio.adapters.postgres.database import create_engine, to_asyncpg_dsn
from aluzio.entrypoints.app import create_app
from aluzio.entrypoints.embedded_postgres import EmbeddedPostgres
from aluzio.entrypoints.http.problems import PROBLEM_MEDIA_TYPE, PROBLEM_TYPE_BASE
from aluzio.entrypoints.settings import Settings
from tests.conftest import TEST_SECRET_KEY
from tests.integration.accounts.conftest import BASE_URL, PASSWORD, fast_hasher

BOUND_SECONDS = 1.0  # connect, statement and pool waits of the app under test
RECOVERY_SECONDS = 5.0
WRITERS = 4
UNAVAILABLE = PROBLEM_TYPE_BASE + "database-unavailable"


class OwnPostgres:
    """An embedded Postgres that the test may stop, restart, freeze and thaw."""

    def __init__(self, data_dir: Path) -> None:
        self._embedded = EmbeddedPostgres(data_dir)
        self.url = ""

    def start(self) -> str:
        self.url = self._embedded.start()
        return self.url

    @property
    def _server(self) -> Any:
        return self._embedded._server

    def stop(self, mode: str) -> None:
        """``fast`` (a clean shutdown) or ``immediate`` (every process killed, as by SIGKILL)."""
        pg_ctl = importlib.import_module("pgserver._commands").pg_ctl
        server = self._server
        pg_ctl(
            ["-w", "-m", mode, "stop"], pgdata=server.pgdata, user=server.system_user, timeout=20
        )

    def restart(self) -> None:
        server = self._server
        server._postmaster_info = None
        server.ensure_postgres_running()
        assert self._embedded.url("aluzio") == self.url

    def _processes(self) -> list[int]:
        """The postmaster and its backends (Linux /proc)."""
        found = [int(self._server.get_pid())]
        for pid in found:
            children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
            found.extend(int(child) for child in children)
        return found

    def freeze(self) -> None:
        for pid in self._processes():
            os.kill(pid, signal.SIGSTOP)

    def thaw(self) -> None:
        for pid in self._processes():
            os.kill(pid, signal.SIGCONT)

    def close(self) -> None:
        self._embedded.stop()


@pytest.fixture(scope="module")
def own_postgres() -> Iterator[OwnPostgres]:
    with tempfile.TemporaryDirectory(prefix="aluzio-faults-") as tmp:
        server = OwnPostgres(Path(tmp) / "pg")
        try:
            asyncio.run(_migrate(server.start()))
            yield server
        finally:
            server.close()


async def _migrate(url: str) -> None:
    engine = create_engine(url, pool_size=1, statement_timeout=None)
    try:
        await migrator.upgrade(engine)
    finally:
        await engine.dispose()


def make_app(url: str) -> Litestar:
    settings = Settings(
        database_url=url,
        secret_key=TEST_SECRET_KEY,
        base_url=BASE_URL,
        db_connect_timeout_seconds=BOUND_SECONDS,
        db_statement_timeout_seconds=BOUND_SECONDS,
        db_pool_timeout_seconds=BOUND_SECONDS,
    )
    return create_app(settings, password_hasher=fast_hasher())


@dataclass
class Writer:
    """A signed-in user renaming themself again and again."""

    email: str
    headers: dict[str, str] = field(default_factory=dict)
    acknowledged: str | None = None
    attempted_since_ack: list[str] = field(default_factory=list)


async def sign_up(http: AsyncTestClient[Litestar], email: str) -> Writer:
    response = await http.post(
        "/api/auth/register",
        json={"name": "Writer", "email": email, "password": PASSWORD, "confirmsAdult": True},
    )
    assert response.status_code == 201, response.text
    token = response.cookies["_aluzio_key"]
    cookie = {"Cookie": f"_aluzio_key={token}"}
    http.cookies.clear()
    session = await http.get("/api/auth/session", headers=cookie)
    return Writer(email, {**cookie, "X-CSRF-Token": session.json()["csrfToken"]})


@dataclass
class Outcome:
    started: float
    finished: float
    status: int
    headers: dict[str, str]
    body: dict[str, Any]


def assert_database_unavailable(outcome: Outcome) -> None:
    assert outcome.status == 503
    assert outcome.headers["retry-after"].isdigit()
    assert outcome.headers["content-type"].startswith(PROBLEM_MEDIA_TYPE)
    assert outcome.body["type"] == UNAVAILABLE


def database_log(caplog: pytest.LogCaptureFixture, text: str) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name == "aluzio.database" and text in r.getMessage()]


def unhandled(caplog: pytest.LogCaptureFixture) -> str:
    """The tracebacks of the errors answered 500, to name them in a failed assertion (the
    captured log may be cut short in CI)."""
    formatter = logging.Formatter()
    return "\n".join(
        formatter.formatException(r.exc_info) if r.exc_info else r.getMessage()
        for r in caplog.records
        if r.name == "aluzio.entrypoints.http.problems"
    )


@pytest.mark.parametrize("mode", ["fast", "immediate"])
async def test_a_stopped_database_means_503_then_service_within_seconds(
    own_postgres: OwnPostgres, mode: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    async with AsyncTestClient(make_app(own_postgres.url), base_url=BASE_URL) as http:
        writers = [await sign_up(http, f"writer{i}-{mode}@example.com") for i in range(WRITERS)]
        outcomes: list[Outcome] = []
        stop_writing = asyncio.Event()
        deadline = time.monotonic() + 30

        async def write(writer: Writer) -> None:
            for attempt in range(5000):
                if stop_writing.is_set() or time.monotonic() > deadline:
                    return
                name = f"Writer {attempt}"
                started = time.monotonic()
                response = await http.patch("/api/me", json={"name": name}, headers=writer.headers)
                body = (
                    response.json()
                    if response.headers.get("content-type", "").endswith("json")
                    else {}
                )
                outcomes.append(
                    Outcome(
                        started,
                        time.monotonic(),
                        response.status_code,
                        dict(response.headers),
                        body,
                    )
                )
                if response.status_code == 200:
                    writer.acknowledged, writer.attempted_since_ack = name, []
                else:
                    writer.attempted_since_ack.append(name)
                await asyncio.sleep(0.01)

        tasks = [asyncio.create_task(write(writer)) for writer in writers]
        try:
            await asyncio.sleep(0.5)
            await asyncio.to_thread(own_postgres.stop, mode)
            stopped_at = time.monotonic()
            await asyncio.sleep(2.0)
            restarting_at = time.monotonic()
            await asyncio.to_thread(own_postgres.restart)
            restarted_at = time.monotonic()
            # Every writer gets through again, then a little more load.
            for _ in range(200):
                served = {id(o) for o in outcomes if o.status == 200 and o.started > restarted_at}
                if len(served) >= 2 * WRITERS or time.monotonic() > restarted_at + 8:
                    break
                await asyncio.sleep(0.05)
        finally:
            stop_writing.set()
            await asyncio.wait_for(asyncio.gather(*tasks), timeout=30)

    statuses = {o.status for o in outcomes}
    assert statuses <= {200, 503}, f"{statuses}\n{unhandled(caplog)}"
    during = [o for o in outcomes if stopped_at < o.started and o.finished < restarting_at]
    assert during, "no request was made while the database was down"
    for outcome in during:
        assert_database_unavailable(outcome)
    for outcome in outcomes:
        if outcome.status == 503:
            assert_database_unavailable(outcome)
    first_success = min(
        o.finished for o in outcomes if o.status == 200 and o.started > restarted_at
    )
    assert first_success - restarted_at < RECOVERY_SECONDS
    # Every writer is served again once the database is back.
    for writer in writers:
        assert writer.acknowledged is not None

    # Acknowledged writes are kept (a write whose answer was lost may have landed too).
    connection = await asyncpg.connect(to_asyncpg_dsn(own_postgres.url))
    try:
        rows = await connection.fetch("SELECT email, name FROM users")
    finally:
        await connection.close()
    stored = {row["email"]: row["name"] for row in rows}
    for writer in writers:
        assert stored[writer.email] in [writer.acknowledged, *writer.attempted_since_ack]

    # One line when the outage began, one when it ended; no traceback per request.
    assert len(database_log(caplog, "database unavailable")) == 1
    assert len(database_log(caplog, "available again")) == 1
    assert not [r for r in caplog.records if r.exc_info], "a traceback was logged"
    assert not [r for r in caplog.records if r.name == "aluzio.entrypoints.http.problems"]


async def test_a_frozen_database_means_503_within_the_bounds(
    own_postgres: OwnPostgres, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    async with AsyncTestClient(make_app(own_postgres.url), base_url=BASE_URL) as http:
        writer = await sign_up(http, "frozen@example.com")
        assert (await http.get("/api/me", headers=writer.headers)).status_code == 200
        own_postgres.freeze()
        try:
            timings = []
            for path in ("/api/me", "/api/me"):  # a pooled connection, then a new one
                started = time.monotonic()
                response = await asyncio.wait_for(
                    http.get(path, headers=writer.headers), timeout=20
                )
                timings.append(time.monotonic() - started)
                assert response.status_code == 503, response.text
                assert response.headers["retry-after"].isdigit()
                assert response.json()["type"] == UNAVAILABLE
        finally:
            own_postgres.thaw()
        thawed_at = time.monotonic()
        for _ in range(100):
            response = await http.get("/api/me", headers=writer.headers)
            if response.status_code == 200 or time.monotonic() > thawed_at + 10:
                break
            await asyncio.sleep(0.05)
        recovered_after = time.monotonic() - thawed_at

    # The statement's (then the connection's) bound, and some slack for a loaded machine.
    assert max(timings) < BOUND_SECONDS + 1.5, timings
    assert response.status_code == 200
    assert recovered_after < RECOVERY_SECONDS
    assert len(database_log(caplog, "database unavailable")) == 1
    assert len(database_log(caplog, "available again")) == 1
    assert not [r for r in caplog.records if r.exc_info], "a traceback was logged"


async def test_the_first_signed_in_request_after_a_restart_is_served(
    own_postgres: OwnPostgres, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    async with AsyncTestClient(make_app(own_postgres.url), base_url=BASE_URL) as http:
        writer = await sign_up(http, "restart@example.com")
        assert (await http.get("/api/me", headers=writer.headers)).status_code == 200
        await asyncio.to_thread(own_postgres.stop, "fast")
        await asyncio.to_thread(own_postgres.restart)
        # The pooled connections all died with the server; none is pinged before use.
        response = await http.get("/api/me", headers=writer.headers)
        assert response.status_code == 200, response.text
        again = await http.patch("/api/me", json={"name": "Back"}, headers=writer.headers)
        assert again.status_code == 200, again.text
