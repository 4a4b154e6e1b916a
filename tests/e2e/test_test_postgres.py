"""The test suite's own Postgres: Docker answering is not enough, the container must start;
otherwise the embedded Postgres takes over and the pytest header says why."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support import postgres
from tests.support.postgres import PostgresProvider, choose_provider

BOGUS_IMAGE = "aluzio-local/no-such-postgres:0"
ROOT = Path(__file__).resolve().parents[2]

needs_docker = pytest.mark.skipif(
    not postgres._docker_answers(), reason="needs a Docker engine that answers"
)


@needs_docker
def test_an_image_that_cannot_be_pulled_means_the_embedded_postgres(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("ALUZIO_TEST_DATABASE_URL", raising=False)
    monkeypatch.setenv("ALUZIO_TEST_POSTGRES_IMAGE", BOGUS_IMAGE)
    provider = choose_provider()
    assert provider.kind == "embedded"
    assert BOGUS_IMAGE in provider.description
    assert "Docker answered" in provider.description


@needs_docker
def test_a_container_that_does_not_start_falls_back_to_the_embedded_postgres(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("ALUZIO_TEST_POSTGRES_IMAGE", BOGUS_IMAGE)
    provider = PostgresProvider("testcontainers", f"testcontainers ({BOGUS_IMAGE})")
    try:
        url = provider.start()
        assert provider.kind == "embedded"
        assert "did not start" in provider.description
        assert url.startswith("postgresql")
    finally:
        provider.stop()


@needs_docker
def test_pytest_runs_on_the_embedded_postgres_and_says_so() -> None:
    env = {key: value for key, value in os.environ.items() if key != "ALUZIO_TEST_DATABASE_URL"}
    env["ALUZIO_TEST_POSTGRES_IMAGE"] = BOGUS_IMAGE
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            # One xdist worker: the fallback is chosen again in the worker, as in a full run.
            "-n",
            "1",
            "-v",
            "tests/integration/test_health.py",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    headers = [
        line for line in result.stdout.splitlines() if line.startswith("aluzio test database:")
    ]
    assert len(headers) == 1, result.stdout[:3000]
    header = headers[0]
    assert "embedded pgserver" in header
    assert BOGUS_IMAGE in header
