"""schemathesis over every operation of the published schema, anonymous and signed in.

The app runs in this process under uvicorn on 127.0.0.1 (its own database, Argon2 at the test
cost); schemathesis's CLI reads ``/schema/openapi.json`` from it, so a new route is fuzzed the
day it is added. Throttles stay on: their 429 is documented and must conform like any other
answer. The run is bounded (examples per operation, request timeout, wall clock).
"""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import uvicorn
from litestar import Litestar

from tests.integration.accounts.conftest import PASSWORD
from tests.support.processes import free_port

SCHEMATHESIS = str(Path(sys.executable).parent / "schemathesis")
CHECKS = ",".join(
    [
        "not_a_server_error",
        "status_code_conformance",
        "content_type_conformance",
        "response_schema_conformance",
        "response_headers_conformance",
        "negative_data_rejection",
        "unsupported_method",
    ]
)
MAX_EXAMPLES = 8
RUN_TIMEOUT_SECONDS = 120

# Operations left out of one run, each with its reason. Nothing is excluded for all routes.
SIGNED_IN_EXCLUDED = {
    # Each of these ends the very session the run uses (by design: a sign-in replaces the
    # session the browser presented), so every later request would be anonymous. The
    # anonymous run covers them.
    "logout": "ends the session",
    "login": "a successful sign-in replaces the presented session",
    "register": "registering signs in and replaces the presented session",
}


@pytest.fixture
def served(app: Litestar) -> Iterator[str]:
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        assert time.monotonic() < deadline, "the app did not start"
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=15)


def _sign_in(base: str, config: Path) -> None:
    """Register a user and give schemathesis its session cookie and CSRF token through the
    schema's security schemes, so it knows what it sends (and what leaving one out means)."""
    with httpx.Client(base_url=base, timeout=10) as http:
        registered = http.post(
            "/api/auth/register",
            json={
                "name": "Fuzz",
                "email": "fuzz@example.com",
                "password": PASSWORD,
                "confirmsAdult": True,
            },
        )
        assert registered.status_code == 201, registered.text
        token = registered.cookies["_aluzio_key"]
        session = http.get("/api/auth/session", cookies={"_aluzio_key": token})
        assert session.status_code == 200, session.text
        csrf = session.json()["csrfToken"]
    config.write_text(
        f'[auth.openapi.sessionCookie]\napi_key = "{token}"\n\n'
        f'[auth.openapi.csrfHeader]\napi_key = "{csrf}"\n'
    )


@pytest.mark.parametrize("identity", ["anonymous", "signed-in"])
def test_schemathesis_finds_no_failure(served: str, identity: str, tmp_path: Path) -> None:
    config = tmp_path / "schemathesis.toml"
    config.write_text("")
    extra: list[str] = []
    if identity == "signed-in":
        _sign_in(served, config)
        for operation_id in SIGNED_IN_EXCLUDED:
            extra += ["--exclude-operation-id", operation_id]
    started = time.monotonic()
    result = subprocess.run(
        [
            SCHEMATHESIS,
            "--config-file",
            str(config),
            "run",
            f"{served}/schema/openapi.json",
            "--checks",
            CHECKS,
            "--max-examples",
            str(MAX_EXAMPLES),
            # The stateful phase needs OpenAPI links between operations; there are none yet.
            "--phases",
            "examples,coverage,fuzzing",
            "--request-timeout",
            "10",
            "--seed",
            "1",
            "--generation-deterministic",
            # Hypothesis's data-generation health checks (slow or filtered generation), not
            # response checks: with 8 examples they only add noise.
            "--suppress-health-check",
            "all",
            "--no-color",
            *extra,
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=RUN_TIMEOUT_SECONDS,
        check=False,
    )
    report = result.stdout + result.stderr
    assert result.returncode == 0, report[-8000:]
    assert "No issues found" in report or " passed" in report, report[-4000:]
    if identity == "signed-in":
        # The session held for the whole run: schemathesis warns when operations answer
        # only 401/403.
        assert "Authentication failed" not in report, report[-4000:]
    assert time.monotonic() - started < RUN_TIMEOUT_SECONDS
