"""wrk as the load generator, in its own process, and a bare app served by uvicorn beside
Aluzio with the same settings (one worker, Aluzio's log level, no uvicorn access line)."""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from tests.support.processes import aluzio_env, free_port, wait_for

_UNITS_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


@dataclass(frozen=True)
class WrkResult:
    requests_per_second: float
    p50_ms: float
    p99_ms: float
    non_2xx: int
    errors: str
    wrk_cpu_percent: float
    output: str


class _CpuMeter:
    """CPU seconds used by waited-for children since the previous reading."""

    def __init__(self) -> None:
        self._last = self._now()

    @staticmethod
    def _now() -> float:
        times = os.times()
        return times.children_user + times.children_system

    def delta(self) -> float:
        now = self._now()
        used, self._last = now - self._last, now
        return used


child_cpu = _CpuMeter()


def run_wrk(
    url: str,
    headers: Mapping[str, str],
    *,
    seconds: int,
    connections: int,
    threads: int = 1,
    script: Path | None = None,
) -> WrkResult:
    """wrk for ``seconds`` (bounded: killed after twice that); its own CPU measured."""
    wrk = shutil.which("wrk")
    if wrk is None:
        raise SystemExit("wrk is not installed (apt-get install wrk)")
    command = [
        wrk,
        f"-t{threads}",
        f"-c{connections}",
        f"-d{seconds}s",
        "--timeout",
        "5s",
        "--latency",
    ]
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    if script is not None:
        command += ["-s", str(script)]
    command.append(url)
    child_cpu.delta()
    started = time.monotonic()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)  # noqa: S603
    try:
        output, _ = process.communicate(timeout=seconds * 2 + 10)
    except subprocess.TimeoutExpired:
        process.kill()
        raise
    elapsed = time.monotonic() - started
    text = output.decode()
    rate = re.search(r"Requests/sec:\s+([\d.]+)", text)
    non_2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", text)
    errors = re.search(r"Socket errors:.*", text)
    return WrkResult(
        requests_per_second=float(rate.group(1)) if rate else 0.0,
        p50_ms=_percentile(text, "50"),
        p99_ms=_percentile(text, "99"),
        non_2xx=int(non_2xx.group(1)) if non_2xx else 0,
        errors=errors.group(0) if errors else "",
        wrk_cpu_percent=100 * child_cpu.delta() / elapsed,
        output=text,
    )


def _percentile(text: str, percent: str) -> float:
    found = re.search(rf"^\s+{percent}(?:\.0+)?%\s+([\d.]+)(us|ms|s)\s*$", text, re.MULTILINE)
    return float(found.group(1)) * _UNITS_MS[found.group(2)] if found else float("nan")


@contextlib.contextmanager
def bare_server(
    factory: str, env: Mapping[str, str], *, ready_path: str, ready_status: int
) -> Iterator[tuple[str, int]]:
    """``uvicorn --factory FACTORY`` on a free port; yields (base URL, pid)."""
    port = free_port()
    process = subprocess.Popen(  # noqa: S603
        [
            sys.executable,
            "-m",
            "uvicorn",
            "--factory",
            factory,
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--workers",
            "1",
            # Aluzio's level; it turns uvicorn's access line off too and writes its own.
            "--no-access-log",
            "--log-level",
            "info",
        ],
        env=aluzio_env(env),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for(f"{base}{ready_path}", status=ready_status, timeout=30)
        yield base, process.pid
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=40)
