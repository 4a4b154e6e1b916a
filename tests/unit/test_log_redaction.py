"""No password, token, cookie, Authorization value or email address reaches a log line."""

from __future__ import annotations

import io
import json
import logging
import secrets
import uuid

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aluzio.entrypoints.logging import (
    _PLAIN,
    REDACTED,
    REDACTED_EMAIL,
    ConsoleFormatter,
    JsonFormatter,
    RedactionFilter,
    RequestContextFilter,
    _apply_rules,
    bind_request_id,
    redact,
)

TOKEN = secrets.token_urlsafe(32)
HEX_TOKEN = secrets.token_hex(32)
AN_ID = uuid.uuid4()


def stable_id(value: object) -> str | None:
    """Test ids without the random values, so every xdist worker collects the same tests."""
    if not isinstance(value, str):
        return None
    return value.replace(TOKEN, "<token>").replace(HEX_TOKEN, "<hex>").replace(str(AN_ID), "<id>")


@pytest.mark.parametrize(
    ("text", "secrets_in_it"),
    [
        ("POST /auth/sign-in?email=bob%40example.com&password=hunter2", ["bob", "hunter2"]),
        ("Authorization: Bearer abcdefghijk.lmn", ["abcdefghijk"]),
        ("authorization=Bearer abcdefghijk", ["abcdefghijk"]),
        (
            "{'authorization': 'Basic dXNlcjpwYXNz', 'cookie': '_aluzio_key=abc123; theme=dark'}",
            ["dXNlcjpwYXNz", "abc123"],
        ),
        ("[(b'cookie', b'_aluzio_key=s3cr3t'), (b'host', b'x')]", ["s3cr3t"]),
        (
            '{"email": "Bob.Smith+retro@Example.co.uk", "password": "a \\" b"}',
            ["Bob.Smith", 'a \\"'],
        ),
        ("Key (email)=(bob@example.com) already exists.", ["bob@example.com"]),
        ("postgres://aluzio:Pa55word@db.internal:5432/aluzio", ["Pa55word"]),
        (f"GET /auth/reset/{TOKEN} 404", [TOKEN]),
        (f"token digest {HEX_TOKEN}", [HEX_TOKEN]),
        ("cookie=_aluzio_key=abc123; theme=dark", ["abc123"]),
        ("newPassword=xyz&currentPassword=abc", ["xyz", "abc"]),
        ("Set-Cookie: _aluzio_key=abc; HttpOnly\nnext line", ["abc"]),
        ('{"X-CSRF-Token": "c5rf", "api_key": "k3y"}', ["c5rf", "k3y"]),
        ("contact hi@aluzio.ai", ["hi@aluzio.ai"]),
    ],
    ids=stable_id,
)
def test_secrets_and_emails_are_redacted(text: str, secrets_in_it: list[str]) -> None:
    redacted = redact(text)
    for secret in secrets_in_it:
        assert secret not in redacted
    assert REDACTED in redacted or REDACTED_EMAIL in redacted


@pytest.mark.parametrize(
    "text",
    [
        f"GET /boards/{AN_ID}/sessions 200",
        "HTTP_500_INTERNAL_SERVER_ERROR in test_a_malformed_forwarded_ip_falls_back_to_the_socket",
        "basic usage information, bearer of news, a token of thanks",
        "Uvicorn running on http://0.0.0.0:8080 (Press CTRL+C to quit)",
        'File "/app/.venv/lib/python3.11/site-packages/litestar/app.py", line 623, in __call__',
    ],
    ids=stable_id,
)
def test_ordinary_text_is_left_alone(text: str) -> None:
    assert redact(text) == text


def record(msg: str, *args: object, exc: BaseException | None = None, **extra: object):
    log_record = logging.LogRecord(
        "aluzio.test",
        logging.ERROR,
        __file__,
        1,
        msg,
        args or None,
        (type(exc), exc, exc.__traceback__) if exc else None,
    )
    for key, value in extra.items():
        setattr(log_record, key, value)
    return log_record


def failure() -> BaseException:
    try:
        raise ValueError("sign-in failed for bob@example.com with password=hunter2")
    except ValueError as exc:
        return exc


def emit(log_record: logging.LogRecord, formatter: logging.Formatter) -> str:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(formatter)
    handler.addFilter(RequestContextFilter())
    handler.addFilter(RedactionFilter())
    handler.handle(log_record)
    return stream.getvalue()


@pytest.mark.parametrize(
    "formatter", [JsonFormatter(), ConsoleFormatter()], ids=["json", "console"]
)
def test_the_filter_redacts_arguments_extra_fields_and_tracebacks(
    formatter: logging.Formatter,
) -> None:
    restore = bind_request_id("req-42")
    try:
        line = emit(
            record(
                "sign-in by %s with %r",
                "bob@example.com",
                {"password": "hunter2"},
                exc=failure(),
                headers={"authorization": f"Bearer {TOKEN}", "cookie": f"_aluzio_key={TOKEN}"},
                path=f"/verify?token={TOKEN}",
            ),
            formatter,
        )
    finally:
        restore()
    for secret in ("bob@example.com", "hunter2", TOKEN):
        assert secret not in line
    assert "ValueError" in line  # the traceback is kept, only its secrets are gone
    assert "req-42" in line


def test_json_lines_are_one_object_each_with_request_id_and_fields() -> None:
    restore = bind_request_id("req-7")
    try:
        access = record("GET %s %s", "/healthz", 200, status=200, duration_ms=1.5)
        line = emit(access, JsonFormatter())
    finally:
        restore()
    assert line.count("\n") == 1
    parsed = json.loads(line)
    assert parsed["message"] == "GET /healthz 200"
    assert parsed["request_id"] == "req-7"
    assert parsed["level"] == "error"
    assert parsed["logger"] == "aluzio.test"
    assert parsed["status"] == 200
    assert parsed["duration_ms"] == 1.5
    assert parsed["time"].endswith("+00:00")


def test_outside_a_request_there_is_no_request_id() -> None:
    parsed = json.loads(emit(record("started"), JsonFormatter()))
    assert "request_id" not in parsed


@settings(max_examples=100, deadline=None)
@given(st.from_regex(_PLAIN, fullmatch=True))
def test_text_passed_over_as_plain_is_text_no_rule_would_change(text: str) -> None:
    assert _apply_rules(text) == text


@pytest.mark.parametrize(
    "text",
    ["/api/me", "/api/orgs/acme-team/members", f"/api/boards/{AN_ID}", "/healthz"],
    ids=stable_id,
)
def test_plain_request_paths_skip_the_rules(text: str) -> None:
    assert _PLAIN.fullmatch(text)
    assert redact(text) == text


@pytest.mark.parametrize(
    "text",
    [f"/auth/reset/{TOKEN}", "/x?email=a%40b.co", "/a b", "/k=v", "/a:b", "/a@b.co"],
    ids=stable_id,
)
def test_text_a_rule_may_change_is_not_plain(text: str) -> None:
    assert not _PLAIN.fullmatch(text)
