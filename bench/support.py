"""Start a real ``aluzio serve`` process on a migrated database for benchmarks, and profile it."""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
from tests.support.processes import aluzio_env, free_port, wait_for

from aluzio.adapters.postgres import migrator
from aluzio.adapters.postgres.database import create_engine
from aluzio.entrypoints.embedded_postgres import EmbeddedPostgres


@contextlib.contextmanager
def benchmark_database() -> Iterator[str]:
    """``ALUZIO_BENCH_DATABASE_URL`` if set, else a throwaway embedded Postgres; migrated."""
    url = os.environ.get("ALUZIO_BENCH_DATABASE_URL")
    if url:
        asyncio.run(_migrate(url))
        yield url
        return
    with tempfile.TemporaryDirectory(prefix="aluzio-bench-") as data_dir:
        embedded = EmbeddedPostgres(Path(data_dir))
        try:
            url = embedded.start()
            asyncio.run(_migrate(url))
            yield url
        finally:
            embedded.stop()


async def _migrate(url: str) -> None:
    engine = create_engine(url, pool_size=1)
    try:
        await migrator.upgrade(engine)
    finally:
        await engine.dispose()


@contextlib.contextmanager
def running_server(database_url: str, **settings: str) -> Iterator[tuple[str, int]]:
    """``aluzio serve`` on a free port; yields (base URL, pid)."""
    port = free_port()
    env = aluzio_env(
        {
            "ALUZIO_DATABASE_URL": database_url,
            "ALUZIO_SECRET_KEY": "bench-secret-key-" + "x" * 32,
            "ALUZIO_HOST": "127.0.0.1",
            "ALUZIO_PORT": str(port),
            **settings,
        }
    )
    process = subprocess.Popen(
        [sys.executable, "-m", "aluzio", "serve"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for(f"{base}/healthz", timeout=30)
        yield base, process.pid
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=40)


def rss_mib(pid: int) -> float:
    """Resident memory of a process and its children, in MiB (Linux /proc)."""
    total_kib = 0
    for candidate in [pid, *_children(pid)]:
        with contextlib.suppress(OSError):
            for line in Path(f"/proc/{candidate}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total_kib += int(line.split()[1])
    return total_kib / 1024


def _children(pid: int) -> list[int]:
    try:
        found = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return []
    children = [int(child) for child in found]
    return children + [grand for child in children for grand in _children(child)]


@dataclass(frozen=True)
class LoadResult:
    requests: int
    failures: int
    seconds: float
    latencies_ms: list[float]

    def summary(self, name: str) -> str:
        ordered = sorted(self.latencies_ms)
        p99 = ordered[max(0, int(len(ordered) * 0.99) - 1)] if ordered else float("nan")
        return (
            f"{name}: {self.requests} requests, {self.failures} failed, "
            f"{self.requests / self.seconds:.0f} req/s, "
            f"p50 {statistics.median(ordered):.1f} ms, p99 {p99:.1f} ms"
        )


async def load(
    make_request: Callable[[httpx.AsyncClient], Awaitable[httpx.Response]],
    *,
    requests: int,
    concurrency: int,
    expect: int = 200,
    client: httpx.AsyncClient | None = None,
) -> LoadResult:
    """Send ``requests`` requests, ``concurrency`` at a time; bounded in count."""
    latencies: list[float] = []
    failures = 0
    queue = iter(range(requests))

    async def worker(http: httpx.AsyncClient) -> None:
        nonlocal failures
        for _ in queue:
            started = time.perf_counter()
            response = await make_request(http)
            latencies.append((time.perf_counter() - started) * 1000)
            failures += response.status_code != expect

    async with _client(client) as http:
        started = time.perf_counter()
        await asyncio.gather(*(worker(http) for _ in range(concurrency)))
        elapsed = time.perf_counter() - started
    return LoadResult(requests, failures, elapsed, latencies)


@contextlib.asynccontextmanager
async def _client(client: httpx.AsyncClient | None) -> AsyncIterator[httpx.AsyncClient]:
    if client is not None:
        yield client
        return
    async with httpx.AsyncClient(timeout=30.0) as fresh:
        yield fresh


Markers = tuple[tuple[str, str], ...]  # (label, text found in a stack of the code it names)


@contextlib.contextmanager
def profiling(
    pid: int, directory: Path | None, seconds: int, *, markers: Markers, name: str
) -> Iterator[None]:
    """Record process ``pid`` with py-spy meanwhile (when ``directory`` is given), then print
    the share of each marker and the top functions by own time."""
    if directory is None:
        yield
        return
    directory.mkdir(parents=True, exist_ok=True)
    raw = directory / f"{name}.txt"
    recorder = subprocess.Popen(  # noqa: S603
        [
            str(Path(sys.executable).with_name("py-spy")),
            "record",
            "--pid",
            str(pid),
            "--rate",
            "250",
            "--duration",
            str(seconds),
            "--format",
            "raw",
            "--output",
            str(raw),
            "--nonblocking",
        ],
        stdout=subprocess.DEVNULL,
        stderr=(directory / "py-spy.log").open("wb"),
    )
    try:
        yield
    finally:
        recorder.wait(timeout=seconds + 30)
        print(profile_summary(raw, markers, name))
        print(f"profile (collapsed stacks, e.g. for speedscope): {raw}")


def profile_summary(raw: Path, markers: Markers, name: str) -> str:
    """Inclusive share of each marker and the top functions by own time."""
    total = 0
    inclusive: Counter[str] = Counter()
    own: Counter[str] = Counter()
    with contextlib.suppress(OSError):  # py-spy wrote nothing
        for line in raw.read_text().splitlines():
            stack, _, count_text = line.rpartition(" ")
            if not stack or not count_text.isdigit():
                continue
            count = int(count_text)
            total += count
            for label, marker in markers:
                if marker in stack:
                    inclusive[label] += count
            own[re.sub(r":\d+\)$", ")", stack.rsplit(";", 1)[-1])] += count
    if total == 0:
        return "profile: no samples (py-spy needs the right to trace the server)"
    lines = [f"profile of {name}: {total} samples"]
    lines += [f"  {inclusive[label] / total:6.1%}  {label}" for label, _ in markers]
    lines.append("  top functions by own time:")
    lines += [f"  {count / total:6.1%}  {function}" for function, count in own.most_common(12)]
    return "\n".join(lines)
