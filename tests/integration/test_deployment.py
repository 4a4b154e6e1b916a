"""fly.toml and the Dockerfile, checked against the code they deploy."""

from __future__ import annotations

import dataclasses
import json
import re
import shlex
import tomllib
from pathlib import Path
from typing import Any

import pytest
from litestar.testing import AsyncTestClient

from aluzio.entrypoints.app import create_app
from aluzio.entrypoints.cli import build_parser
from aluzio.entrypoints.cli.serve import GRACEFUL_SHUTDOWN_SECONDS
from aluzio.entrypoints.http.security_headers import HSTS
from aluzio.entrypoints.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
FLY: dict[str, Any] = tomllib.loads((ROOT / "fly.toml").read_text(encoding="utf-8"))
FLY_ENV: dict[str, str] = FLY.get("env", {})
UNREACHABLE = "postgresql://nobody@127.0.0.1:1/none"

ARGON2_MIB_PER_HASH = 64
DEFAULT_HASH_CONCURRENCY = 2
# Measured: ~100 MiB resident for one `aluzio serve` process, rounded up (see fly.toml).
BASELINE_MIB_PER_PROCESS = 128
HEADROOM_MIB = 128


def assert_is_an_aluzio_command(command: str) -> None:
    argv = shlex.split(command)
    assert argv[0] == "aluzio", command
    try:
        args = build_parser().parse_args(argv[1:])
    except SystemExit:
        pytest.fail(f"`{command}` is not a command of the aluzio CLI")
    assert callable(args.run)


@pytest.mark.parametrize(
    "group",
    list(FLY["processes"]),
)
def test_every_process_command_exists_in_the_cli(group: str) -> None:
    assert_is_an_aluzio_command(FLY["processes"][group])


def test_the_process_groups_are_web_and_worker() -> None:
    assert FLY["processes"] == {"web": "aluzio serve", "worker": "aluzio worker"}


def test_the_release_command_migrates_the_database() -> None:
    command = FLY["deploy"]["release_command"]
    assert command == "aluzio db upgrade"
    assert_is_an_aluzio_command(command)


def test_the_image_serves_by_default() -> None:
    dockerfile = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    commands = re.findall(r"^CMD\s+(\[.*\])\s*$", dockerfile, flags=re.MULTILINE)
    assert commands, "the Dockerfile has no CMD"
    argv = json.loads(commands[-1])
    assert argv == shlex.split(FLY["processes"]["web"])
    assert_is_an_aluzio_command(shlex.join(argv))


def test_the_environment_in_fly_toml_is_valid_settings() -> None:
    settings = Settings.from_env(FLY_ENV)
    assert settings.trust_proxy, "behind Fly's proxy the proxy headers must be trusted"


def test_the_internal_port_is_the_default_port() -> None:
    assert FLY["http_service"]["internal_port"] == Settings().port
    assert FLY["http_service"]["internal_port"] == Settings.from_env(FLY_ENV).port


def test_https_only_with_concurrency_limits_for_the_web_group() -> None:
    service = FLY["http_service"]
    assert service["force_https"] is True
    assert service["processes"] == ["web"]
    limits = service["concurrency"]
    assert 0 < limits["soft_limit"] < limits["hard_limit"]


def test_kill_signal_and_timeout_match_the_graceful_shutdown() -> None:
    assert FLY["kill_signal"] in {"SIGTERM", "SIGINT"}  # uvicorn shuts down gracefully on both
    timeout = FLY["kill_timeout"]
    seconds = int(timeout.rstrip("s")) if isinstance(timeout, str) else int(timeout)
    assert GRACEFUL_SHUTDOWN_SECONDS < seconds <= GRACEFUL_SHUTDOWN_SECONDS + 10


@pytest.mark.parametrize("check", FLY["http_service"]["checks"], ids=lambda c: c["path"])
async def test_the_health_check_answers_200(check: dict[str, Any]) -> None:
    # As production: proxy trusted, only the public host allowed. Fly's checks come to the
    # machine's private address, without a database needed.
    settings = Settings.from_env({**FLY_ENV, "ALUZIO_ALLOWED_HOSTS": "aluzio.example"})
    app = create_app(dataclasses.replace(settings, database_url=UNREACHABLE))
    headers = {"Host": "172.19.2.10:8080", **check.get("headers", {})}
    assert check["headers"]["X-Forwarded-Proto"] == "https"
    async with AsyncTestClient(app) as client:
        response = await client.request(check.get("method", "GET"), check["path"], headers=headers)
    assert response.status_code == 200
    assert response.headers["strict-transport-security"] == HSTS


def mebibytes(size: str) -> int:
    match = re.fullmatch(r"(\d+)\s*(mb|gb)", size.strip().lower())
    assert match is not None, size
    return int(match[1]) * (1024 if match[2] == "gb" else 1)


def test_web_memory_covers_the_argon2_bound() -> None:
    web = next(vm for vm in FLY["vm"] if "web" in vm.get("processes", []))
    workers = Settings.from_env(FLY_ENV).web_workers
    concurrency = int(FLY_ENV.get("ALUZIO_PASSWORD_HASH_CONCURRENCY", DEFAULT_HASH_CONCURRENCY))
    per_process = BASELINE_MIB_PER_PROCESS + concurrency * ARGON2_MIB_PER_HASH
    assert mebibytes(web["memory"]) >= workers * per_process + HEADROOM_MIB
