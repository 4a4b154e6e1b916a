"""Log lines through the production logging configuration: redacted, with request ids.

The app gets one deliberately careless route (test code only) that logs a sign-in request's
headers, query and body and then fails with the body in the exception: the worst a future
handler could do. Nothing secret may come out of the handler that ``aluzio serve`` installs.
"""

from __future__ import annotations

import json
import logging
import logging.config
import secrets
from collections.abc import Iterator

import pytest
from litestar import Request, post
from litestar.testing import AsyncTestClient

from aluzio.entrypoints.app import create_app
from aluzio.entrypoints.logging import logging_config
from aluzio.entrypoints.settings import LogFormat, Settings

UNREACHABLE = "postgresql://nobody@127.0.0.1:1/none"
EMAIL = "bob.retro@example.com"
PASSWORD = "Tr0ub4dor&3 correct horse"
TOKEN = secrets.token_urlsafe(32)
CSRF = secrets.token_urlsafe(24)
SECRETS = (EMAIL, "bob.retro", PASSWORD, "Tr0ub4dor", TOKEN, CSRF)

careless = logging.getLogger("aluzio.careless")


@post("/careless/sign-in", status_code=200)
async def careless_sign_in(request: Request) -> None:
    body = await request.body()
    careless.warning(
        "sign-in attempt headers=%s query=%s body=%s",
        dict(request.headers),
        dict(request.query_params),
        body,
    )
    careless.info("cookies %s, user %s", request.cookies, json.loads(body)["email"])
    request.logger.info("signing in %s", json.loads(body))
    raise RuntimeError(f"could not sign in with {body!r}")


@pytest.fixture
def production_logging() -> Iterator[None]:
    """Apply a logging config for the test, then put the previous handlers back."""
    names = ["", "uvicorn", "uvicorn.error", "uvicorn.access", "uvicorn.asgi"]
    saved = {}
    for name in names:
        logger = logging.getLogger(name)
        saved[name] = (logger.handlers[:], logger.level, logger.propagate)
    try:
        yield
    finally:
        for name, (handlers, level, propagate) in saved.items():
            logger = logging.getLogger(name)
            logger.handlers[:] = handlers
            logger.setLevel(level)
            logger.propagate = propagate


def sign_in_like_request() -> dict[str, object]:
    return {
        "params": {"email": EMAIL, "token": TOKEN},
        "json": {"email": EMAIL, "password": PASSWORD},
        "headers": {
            "Authorization": f"Bearer {TOKEN}",
            "Cookie": f"_aluzio_key={TOKEN}",
            "X-CSRF-Token": CSRF,
        },
    }


@pytest.mark.parametrize("log_format", ["json", "console"])
async def test_sign_in_like_requests_leave_no_secret_in_the_log(
    log_format: LogFormat, production_logging: None, capsys: pytest.CaptureFixture[str]
) -> None:
    settings = Settings(database_url=UNREACHABLE, log_format=log_format)
    logging.config.dictConfig(logging_config(settings))
    app = create_app(settings)
    app.register(careless_sign_in)
    async with AsyncTestClient(app, base_url="http://aluzio.test") as http:
        response = await http.post("/careless/sign-in", **sign_in_like_request())  # type: ignore[arg-type]
        missing = await http.post("/auth/sign-in", **sign_in_like_request())  # type: ignore[arg-type]
    assert response.status_code == 500
    assert missing.status_code == 404
    output = capsys.readouterr().out
    for secret in SECRETS:
        assert secret not in output
    request_id = response.headers["x-request-id"]
    lines = [line for line in output.splitlines() if request_id in line]
    # three careless lines, the unhandled-exception line and the access line
    assert len(lines) == 5, output
    assert "RuntimeError" in output  # the traceback is there, without its secrets
    assert "[redacted]" in output
    assert "[email]" in output
    if log_format == "json":
        records = [json.loads(line) for line in output.splitlines() if line.startswith("{")]
        assert len(records) == len(output.splitlines())
        access = [r for r in records if r["logger"] == "aluzio.access"]
        assert [(r["method"], r["path"], r["status"]) for r in access] == [
            ("POST", "/careless/sign-in", 500),
            ("POST", "/auth/sign-in", 404),
        ]
        assert [r["request_id"] for r in access] == [request_id, missing.headers["x-request-id"]]
        failure = next(r for r in records if r["logger"] == "aluzio.entrypoints.http.problems")
        assert failure["request_id"] == request_id
        assert "RuntimeError" in failure["exception"]


@pytest.mark.parametrize("log_format", ["json", "console"])
async def test_the_access_line_redacts_secrets_in_the_path(
    log_format: LogFormat, production_logging: None, capsys: pytest.CaptureFixture[str]
) -> None:
    settings = Settings(database_url=UNREACHABLE, log_format=log_format)
    logging.config.dictConfig(logging_config(settings))
    async with AsyncTestClient(create_app(settings), base_url="http://aluzio.test") as http:
        response = await http.get(f"/reset/{TOKEN}/{EMAIL}", params={"token": TOKEN})
    assert response.status_code == 404
    output = capsys.readouterr().out
    [line] = [line for line in output.splitlines() if "aluzio.access" in line]
    for secret in SECRETS:
        assert secret not in output
    assert "/reset/[redacted]/[email]" in line
    if log_format == "json":
        record = json.loads(line)
        assert (record["method"], record["path"], record["status"]) == (
            "GET",
            "/reset/[redacted]/[email]",
            404,
        )
