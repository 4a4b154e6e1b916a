"""A signed-in ``GET /api/me`` on ``aluzio serve`` beside a bare Litestar + asyncpg app.

Both run in one uvicorn worker against the same migrated Postgres; wrk loads each in turn
with the same connections and duration, and the ratio of their request rates is printed.
The bare app (``bench/bare_me.py``) does the same SQL with nothing around it, so the ratio is
what Aluzio's own layers cost on every authenticated request.

Run: ``uv run python -m bench.signed_in_path [--seconds 5] [--rounds 3] [--connections 16]
[--profile DIR]``. The two apps take turns, ``--rounds`` times, and the medians are
compared (the machine's load changes between runs; taking turns spreads it over both). With
``--profile``, py-spy records ``aluzio serve`` during its first round (it needs the rights to
trace the process, e.g. root) and a summary is printed.
"""

from __future__ import annotations

import argparse
import contextlib
import statistics
from collections.abc import Iterator
from pathlib import Path

import httpx

from bench.support import benchmark_database, running_server
from bench.support import profiling as support_profiling
from bench.wrk import bare_server, child_cpu, run_wrk

COOKIE = "_aluzio_key"
# Functions whose inclusive share of the server's samples the profile summary reports.
PROFILE_MARKERS = (
    ("authenticate", "authenticate (aluzio/application/accounts/sessions.py"),
    ("the session lookup", "PostgresSessionLookup.find_active_with_user ("),
    ("pooled connection taken and given back", "AsyncConnection."),
    ("a unit of work", "(aluzio/adapters/postgres/unit_of_work.py"),
    ("SQLAlchemy ORM", "orm/session.py"),
    ("access-log line", "_log_request (aluzio/entrypoints/http/request_context.py"),
    ("security headers", "SecurityHeadersMiddleware._completed ("),
    ("asyncpg protocol", "asyncpg/"),
    ("route handler and response (Litestar)", "HTTPRoute.handle ("),
)


def sign_up(base: str) -> str:
    """Register a user on the running service and return its session token."""
    response = httpx.post(
        f"{base}/api/auth/register",
        json={
            "name": "Bench",
            "email": "bench@example.com",
            "password": "correct horse battery staple violet",
            "confirmsAdult": True,
        },
        timeout=30,
    )
    response.raise_for_status()
    for header in response.headers.get_list("set-cookie"):
        if header.startswith(COOKIE + "="):
            return header.split(";", 1)[0].split("=", 1)[1]
    raise SystemExit("registration set no session cookie")


@contextlib.contextmanager
def profiling(pid: int, directory: Path | None, seconds: int) -> Iterator[None]:
    """:func:`bench.support.profiling` of ``aluzio serve``, py-spy's CPU kept out of wrk's."""
    with support_profiling(pid, directory, seconds, markers=PROFILE_MARKERS, name="aluzio-serve"):
        yield
    child_cpu.delta()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=5, help="per app and round")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--profile", type=Path, default=None, help="record py-spy into DIR")
    args = parser.parse_args()
    with (
        benchmark_database() as url,
        running_server(url) as (aluzio_base, aluzio_pid),
        bare_server(
            "bench.bare_me:create_app",
            {"BARE_DATABASE_URL": url},
            ready_path="/api/me",
            ready_status=401,
        ) as (bare_base, _),
    ):
        token = sign_up(aluzio_base)
        bases = {"bare": bare_base, "aluzio": aluzio_base}
        cookie = {"Cookie": f"{COOKIE}={token}"}
        for base in bases.values():  # warm up: connections, statement caches
            run_wrk(f"{base}/api/me", cookie, seconds=2, connections=args.connections)
        # Rounds alternate the two apps, so a change in the machine's load hits both alike.
        rates: dict[str, list[float]] = {name: [] for name in bases}
        for round_number in range(1, args.rounds + 1):
            for name, base in bases.items():
                profile_this = name == "aluzio" and round_number == 1
                with profiling(aluzio_pid, args.profile if profile_this else None, args.seconds):
                    result = run_wrk(
                        f"{base}/api/me",
                        cookie,
                        seconds=args.seconds,
                        connections=args.connections,
                        threads=args.threads,
                    )
                rates[name].append(result.requests_per_second)
                print(
                    f"round {round_number} {name:>6}: {result.requests_per_second:6.0f} req/s,"
                    f" p50 {result.p50_ms:.1f} ms, p99 {result.p99_ms:.1f} ms,"
                    f" non-2xx {result.non_2xx}, wrk CPU {result.wrk_cpu_percent:.0f}%"
                    f" {result.errors}"
                )
        bare, aluzio = statistics.median(rates["bare"]), statistics.median(rates["aluzio"])
        print(f"median: bare {bare:.0f} req/s, aluzio {aluzio:.0f} req/s")
        print(f" ratio: signed-in GET /api/me at {aluzio / bare:.0%} of the bare baseline")


if __name__ == "__main__":
    main()
