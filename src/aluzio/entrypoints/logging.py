"""Log lines: JSON in production, readable text in development, redacted everywhere.

``logging_config(settings)`` is a :func:`logging.config.dictConfig` dictionary. ``aluzio serve``
hands it to uvicorn (which applies it in every worker process, for its own loggers too), and
other commands apply it with :func:`configure_logging`. Every handler carries two filters:

- :class:`RequestContextFilter` stamps each record with the id of the request being served
  (see ``entrypoints/http/request_context.py``), so every line of one request can be found;
- :class:`RedactionFilter` rewrites the record so that no password, token, cookie,
  ``Authorization`` value or email address reaches a line, whatever the code that logged it
  put in its message, arguments, extra fields or traceback.
"""

from __future__ import annotations

import json
import logging
import logging.config
import re
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Literal

import msgspec
from litestar.logging.config import BaseLoggingConfig

from aluzio.entrypoints.settings import Settings

if TYPE_CHECKING:
    from litestar.types.callable_types import ExceptionLoggingHandler, GetLogger

REDACTED = "[redacted]"
REDACTED_EMAIL = "[email]"

# A record whose code built it from redacted parts says so with this attribute (set through
# ``extra=``); the filter then leaves it as it is. Only the access line does, on every request.
PRE_REDACTED = "_aluzio_pre_redacted"

_request_id: ContextVar[str | None] = ContextVar("aluzio_request_id", default=None)


def current_request_id() -> str | None:
    """The id of the request this code runs for, or None outside a request."""
    return _request_id.get()


def bind_request_id(request_id: str | None) -> Callable[[], None]:
    """Make ``request_id`` current; returns a function that restores the previous one."""
    token = _request_id.set(request_id)
    return lambda: _request_id.reset(token)


# --- Redaction -------------------------------------------------------------------------------

# Names whose values are secrets, wherever they appear as ``name=value``, ``"name": "value"``
# or a header: passwords, tokens of any kind, cookies, the session cookie, credentials.
_SENSITIVE_NAME = (
    r"[\w.-]*(?:pass(?:word|wd|phrase)|secret|token|cookie|authorization|csrf|api[_-]?key"
    r"|_aluzio_key|credential)[\w.-]*"
)
_RULES: tuple[tuple[re.Pattern[str], str], ...] = (
    # A header line: "Authorization: Bearer x", "Cookie: a=b; c=d", "Set-Cookie: ...".
    (
        re.compile(
            r"(?im)^(\s*(?:proxy-)?(?:authorization|cookie|set-cookie)\s*:\s*)\S.*?(?=\\r|\\n|$)"
        ),
        rf"\1{REDACTED}",
    ),
    # Credentials after an Authorization scheme, wherever they stand.
    (re.compile(r"\b((?i:bearer)|Basic|Digest)\s+[\w.~+/=-]{6,}"), rf"\1 {REDACTED}"),
    # A quoted value after a secret name: JSON, Python reprs (also bytes), ``name='value'``.
    (
        re.compile(rf"""(?i)(["']?{_SENSITIVE_NAME}["']?\s*[:=,]\s*b?)(["'])(?:\\.|(?!\2).)*\2"""),
        rf"\1\2{REDACTED}\2",
    ),
    # An unquoted value after a secret name: query strings, forms, ``name=value`` in text.
    (
        re.compile(rf"(?i)(\b{_SENSITIVE_NAME}\s*[:=]\s*)(?![\s\"'\[{{])[^\s&,;\"'}}\]]+"),
        rf"\1{REDACTED}",
    ),
    # The password in a URL: scheme://user:password@host.
    (re.compile(r"(?i)\b([a-z][a-z0-9+.-]*://[^\s:/@]*:)[^\s@/]+@"), rf"\1{REDACTED}@"),
    # Email addresses, also percent-encoded as in a query string.
    (
        re.compile(
            r"(?i)[a-z0-9._%+-]+(?:@|%40)[a-z0-9](?:[a-z0-9-]*[a-z0-9])?"
            r"(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*\.[a-z]{2,}"
        ),
        REDACTED_EMAIL,
    ),
)
# Random-looking runs of 32 or more URL-safe characters (session tokens, reset links' tokens,
# API keys), wherever they stand, e.g. in a path. UUIDs and snake_case names are left alone.
_TOKEN_LIKE = re.compile(r"(?<![\w-])[\w-]{32,}(?![\w-])")
_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", re.I)
_HEX = re.compile(r"[0-9a-f]+", re.I)


def _redact_token_like(match: re.Match[str]) -> str:
    text = match.group(0)
    if _UUID.fullmatch(text):
        return text
    has_digit = any(c.isdigit() for c in text)
    mixed_case = any(c.isupper() for c in text) and any(c.islower() for c in text)
    hex_digest = _HEX.fullmatch(text) is not None and has_digit and not text.isdigit()
    return REDACTED if (has_digit and mixed_case) or hex_digest else text


# Text that no rule above can change, checked in one pass (most request paths): every rule
# needs whitespace, a quote, ``:``, ``=``, ``@`` or ``%40``, or a run of 32 word characters
# that is not a UUID.
_PLAIN = re.compile(
    r"(?:[/.~,;!*()+]|[\w-]{1,31}(?![\w-])"
    r"|[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}(?![\w-]))*"
)


def redact(text: str) -> str:
    """``text`` without passwords, tokens, cookies, credentials or email addresses."""
    return text if _PLAIN.fullmatch(text) else _apply_rules(text)


def _apply_rules(text: str) -> str:
    for pattern, replacement in _RULES:
        text = pattern.sub(replacement, text)
    return _TOKEN_LIKE.sub(_redact_token_like, text)


# Attributes every LogRecord has; anything else on a record came from ``extra=``.
_STANDARD_ATTRIBUTES = frozenset(
    vars(logging.LogRecord("", 0, "", 0, "", None, None)).keys()
    | {"message", "asctime", "request_id", "taskName", "color_message"}
)


def _redact_value(value: Any) -> Any:
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, bool | int | float) or value is None:
        return value
    return redact(repr(value))


class RedactionFilter(logging.Filter):
    """Redacts the message, its arguments, extra fields, traceback and stack of each record.

    The message is rendered once (``msg % args``) and the redacted text replaces it, so no
    formatter can bring an argument back. The traceback is rendered and redacted into
    ``exc_text``, which formatters print instead of formatting the exception again.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, PRE_REDACTED, False) and not record.exc_info and not record.args:
            return True
        record.msg = redact(record.getMessage())
        record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        for name, value in list(vars(record).items()):
            if name not in _STANDARD_ATTRIBUTES:
                setattr(record, name, _redact_value(value))
        return True


class RequestContextFilter(logging.Filter):
    """Puts the current request id on the record (``None`` outside a request)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = current_request_id()
        return True


# --- Formatters ------------------------------------------------------------------------------


def _extra_fields(record: logging.LogRecord) -> dict[str, Any]:
    return {
        name: value
        for name, value in vars(record).items()
        if name not in _STANDARD_ATTRIBUTES and not name.startswith("_")
    }


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, request_id, extra fields."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        request_id = getattr(record, "request_id", None)
        if request_id:
            line["request_id"] = request_id
        line.update(_extra_fields(record))
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            line["exception"] = record.exc_text
        if record.stack_info:
            line["stack"] = record.stack_info
        try:
            return _encode_line(line).decode()
        except (TypeError, ValueError):  # e.g. an integer wider than 64 bits
            return json.dumps(line, default=str, ensure_ascii=False)


# Every request writes a line: msgspec encodes it several times faster than json; anything it
# cannot encode natively is written as its str(), as json.dumps(default=str) would.
_encode_line = msgspec.json.Encoder(enc_hook=str).encode


class ConsoleFormatter(logging.Formatter):
    """A readable line: time, level, logger, message, extra fields, request id."""

    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)-7s %(name)s %(message)s", "%H:%M:%S")

    def formatMessage(self, record: logging.LogRecord) -> str:
        text = super().formatMessage(record)
        request_id = getattr(record, "request_id", None)
        message = record.getMessage()
        fields = " ".join(
            f"{name}={value}"
            for name, value in _extra_fields(record).items()
            if str(value) not in message  # already readable in the message itself
        )
        if fields:
            text += f" [{fields}]"
        return text + (f" rid={request_id}" if request_id else "")


# --- Configuration ---------------------------------------------------------------------------

_MODULE = __name__


def logging_config(settings: Settings, *, level: str = "INFO") -> dict[str, Any]:
    """The dictConfig for ``settings``: one stdout handler, both filters, uvicorn's loggers."""
    formatter = "json" if settings.log_format == "json" else "console"
    handler = {
        "class": "logging.StreamHandler",
        "stream": "ext://sys.stdout",
        "formatter": formatter,
        # Order matters: the request id is stamped first, then everything is redacted.
        "filters": ["request_context", "redaction"],
    }
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {
            "request_context": {"()": f"{_MODULE}.RequestContextFilter"},
            "redaction": {"()": f"{_MODULE}.RedactionFilter"},
        },
        "formatters": {
            "json": {"()": f"{_MODULE}.JsonFormatter"},
            "console": {"()": f"{_MODULE}.ConsoleFormatter"},
        },
        "handlers": {"stdout": handler},
        "root": {"handlers": ["stdout"], "level": level},
        # uvicorn's loggers get the same handler (and so the same filters), not their own.
        "loggers": {
            **{
                name: {"handlers": ["stdout"], "level": level, "propagate": False}
                for name in ("uvicorn", "uvicorn.error", "uvicorn.access", "uvicorn.asgi")
            },
            # Litestar's own LoggingConfig (any app built without ours, in this process) gives
            # this logger an unredacted handler; naming it here removes that handler.
            "litestar": {"level": level, "propagate": True},
            # Alembic announces its plugins whenever the migration scripts are read.
            "alembic.runtime.plugins": {"level": "WARNING"},
        },
    }


def configure_logging(settings: Settings) -> None:
    """Apply :func:`logging_config` to this process (for commands not run by uvicorn)."""
    logging.config.dictConfig(logging_config(settings))


@dataclass
class ProcessLogging(BaseLoggingConfig):
    """Litestar's logging config: use the process's loggers as configured here, change nothing.

    Litestar's own ``LoggingConfig`` would install its handlers on the root logger (unredacted,
    unstructured). This one only hands out standard loggers, so ``request.logger`` and
    Litestar's ``litestar`` logger go through the handler above. Unexpected exceptions are
    logged once, by ``entrypoints/http/problems.py``.
    """

    log_exceptions: Literal["always", "debug", "never"] = "never"
    traceback_line_limit: int = -1
    exception_logging_handler: ExceptionLoggingHandler | None = None
    disable_stack_trace: set[int | type[Exception]] = field(default_factory=set)

    def configure(self) -> GetLogger:
        return lambda name=None: logging.getLogger(name or "litestar")

    @staticmethod
    def set_level(logger: Any, level: int) -> None:
        logger.setLevel(level)
