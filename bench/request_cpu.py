"""CPU per signed-in ``GET /api/me``, Aluzio's app and the bare one, called in-process.

No server and no load generator: each app's ASGI callable is called directly, one request
at a time, and the process's CPU time is read around ``--requests`` calls. Steadier than
request rates on a shared machine, and it shows what the app itself costs, without uvicorn.
Both apps run in this process on the same migrated Postgres; Aluzio's log lines go to
``/dev/null`` through its own logging configuration, as ``aluzio serve``'s do.

Run: ``uv run python -m bench.request_cpu [--requests 3000] [--rounds 3]``.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import logging.config
import os
import sys
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

from litestar import Litestar

from bench.bare_me import create_app as create_bare_app
from bench.support import benchmark_database

COOKIE = b"_aluzio_key"
SECRET_KEY = "bench-secret-key-" + "x" * 32
Asgi = Callable[..., Awaitable[None]]


def http_scope(method: str, path: str, headers: list[tuple[bytes, bytes]]) -> dict[str, Any]:
    return {
        "type": "http",
        "asgi": {"version": "3.0", "spec_version": "2.3"},
        "http_version": "1.1",
        "server": ("127.0.0.1", 8000),
        "client": ("127.0.0.1", 50000),
        "scheme": "http",
        "method": method,
        "root_path": "",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "headers": [(b"host", b"127.0.0.1:8000"), *headers],
        "state": {},
    }


async def call(app: Asgi, scope: dict[str, Any], body: bytes = b"") -> list[dict[str, Any]]:
    """One request through ``app``; the messages it sent."""
    sent: list[dict[str, Any]] = []
    received = False

    async def receive() -> dict[str, Any]:
        nonlocal received
        if not received:
            received = True
            return {"type": "http.request", "body": body, "more_body": False}
        await asyncio.Event().wait()  # no disconnect while the response is being sent
        raise AssertionError("unreachable")

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    await app(scope, receive, send)
    return sent


@contextlib.asynccontextmanager
async def lifespan(app: Litestar) -> AsyncIterator[None]:
    async with app.lifespan():
        yield


async def sign_up(app: Asgi) -> bytes:
    body = json.dumps(
        {
            "name": "Bench",
            "email": "bench@example.com",
            "password": "correct horse battery staple violet",
            "confirmsAdult": True,
        }
    ).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", b"%d" % len(body))]
    sent = await call(app, http_scope("POST", "/api/auth/register", headers), body)
    for name, value in sent[0].get("headers", []):
        if name == b"set-cookie" and value.startswith(COOKIE + b"="):
            return value.split(b";", 1)[0].split(b"=", 1)[1]
    raise SystemExit(f"registration set no session cookie: {sent[0]}")


async def cpu_per_request(app: Asgi, token: bytes, requests: int) -> float:
    """Microseconds of this process's CPU per signed-in ``GET /api/me``."""
    headers = [(b"user-agent", b"bench"), (b"cookie", COOKIE + b"=" + token)]
    for _ in range(300):  # warm up: connections, statement caches
        sent = await call(app, http_scope("GET", "/api/me", headers))
        assert sent[0]["status"] == 200, sent[0]
    started = time.process_time()
    for _ in range(requests):
        await call(app, http_scope("GET", "/api/me", headers))
    return (time.process_time() - started) / requests * 1e6


report = sys.stderr


async def measure(database_url: str, requests: int, rounds: int) -> None:
    os.environ.update(
        {
            "ALUZIO_DATABASE_URL": database_url,
            "ALUZIO_SECRET_KEY": SECRET_KEY,
            "BARE_DATABASE_URL": database_url,
        }
    )
    from aluzio.entrypoints.app import create_app
    from aluzio.entrypoints.logging import logging_config
    from aluzio.entrypoints.settings import Settings

    settings = Settings.from_env()
    bare = create_bare_app()  # before Aluzio's logging: Litestar configures its own
    logging.config.dictConfig(logging_config(settings))  # to sys.stdout: /dev/null here
    aluzio = create_app(settings)
    async with lifespan(aluzio), lifespan(bare):
        token = await sign_up(aluzio)
        for number in range(1, rounds + 1):
            for name, app in (("bare", bare), ("aluzio", aluzio)):
                used = await cpu_per_request(app, token, requests)
                print(f"round {number} {name:>6}: {used:4.0f} us CPU per request", file=report)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=3000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    # Aluzio's log lines (and the embedded server's) go where ``aluzio serve`` sends them in
    # the benchmarks: to standard output, here /dev/null, left open for handlers that log at
    # exit; the figures go to stderr.
    devnull = open(os.devnull, "w")  # noqa: SIM115
    with contextlib.redirect_stdout(devnull), benchmark_database() as url:
        asyncio.run(measure(url, args.requests, args.rounds))


if __name__ == "__main__":
    main()
