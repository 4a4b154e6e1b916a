"""The ``aluzio`` command, run as a real process."""

from __future__ import annotations

import os
import signal
import subprocess
from pathlib import Path

import pytest

from tests.support.processes import ALUZIO, aluzio_env, free_port, start_aluzio, wait_for


def run_aluzio(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*ALUZIO, *args], env=env, capture_output=True, text=True, timeout=60, check=False
    )


def test_serve_refuses_to_start_without_a_database_url() -> None:
    result = run_aluzio(["serve"], aluzio_env({"ALUZIO_SECRET_KEY": "k" * 40}))
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "aluzio: ALUZIO_DATABASE_URL (or DATABASE_URL): is required"
    ]


def test_serve_refuses_a_short_secret_key() -> None:
    env = aluzio_env({"DATABASE_URL": "postgres://u@127.0.0.1:1/x", "ALUZIO_SECRET_KEY": "short"})
    result = run_aluzio(["serve"], env)
    assert result.returncode == 2
    assert result.stderr.strip().startswith("aluzio: ALUZIO_SECRET_KEY: must be at least 32 bytes")
    assert len(result.stderr.strip().splitlines()) == 1


def test_the_worker_refuses_to_start_without_a_secret_key() -> None:
    env = aluzio_env(
        {"DATABASE_URL": "postgres://u@127.0.0.1:1/x", "ALUZIO_SMTP_HOST": "127.0.0.1"}
    )
    result = run_aluzio(["worker"], env)
    assert result.returncode == 2
    assert result.stderr.strip().startswith("aluzio: ALUZIO_SECRET_KEY: must be at least 32 bytes")


def test_invalid_setting_is_named_in_one_line() -> None:
    result = run_aluzio(["serve"], aluzio_env({"ALUZIO_PORT": "http"}))
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "aluzio: ALUZIO_PORT: must be a whole number (got 'http')"
    ]


def test_db_upgrade_and_downgrade(database_url: str) -> None:
    env = aluzio_env({"ALUZIO_DATABASE_URL": database_url})
    down = run_aluzio(["db", "downgrade", "base"], env)
    assert down.returncode == 0, down.stderr
    up = run_aluzio(["db", "upgrade"], env)
    assert up.returncode == 0, up.stderr


def test_dev_starts_on_embedded_postgres_and_reuses_its_data(tmp_path: Path) -> None:
    """`aluzio dev` with no database configured: embedded Postgres, migrations, docs."""
    for attempt in ("first start", "second start reuses the data"):
        port = free_port()
        log = tmp_path / f"dev-{port}.log"
        process = start_aluzio(
            ["dev", "--port", str(port), "--data-dir", str(tmp_path / "data")],
            aluzio_env(),
            cwd=tmp_path,
            log=log,
        )
        try:
            base = f"http://127.0.0.1:{port}"
            try:
                wait_for(f"{base}/healthz", timeout=30)
                wait_for(f"{base}/readyz", timeout=30)
                schema = wait_for(f"{base}/schema/openapi.json")
            except TimeoutError:
                pytest.fail(f"{attempt}: {log.read_text(errors='replace')}")
            assert "/healthz" in schema.json()["paths"]
            assert f"{base}/schema" in log.read_text()
        finally:
            os.killpg(process.pid, signal.SIGINT)
            process.wait(timeout=30)
        assert (tmp_path / "data" / "postgres" / "PG_VERSION").exists()
        assert (tmp_path / "data" / "secret_key").exists()
    # Ctrl-C stopped the embedded Postgres too.
    assert not (tmp_path / "data" / "postgres" / "postmaster.pid").exists()
