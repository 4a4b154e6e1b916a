"""The service's settings, read once from the environment and validated at start-up.

Every variable is prefixed ``ALUZIO_``; ``DATABASE_URL`` is read too because Fly.io sets it.
A missing or invalid variable raises :class:`SettingsError` whose message is one line that
names it. README.md has the table of every setting.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from email.utils import parseaddr
from typing import Literal, TypeVar

from aluzio.adapters.postgres.database import to_sqlalchemy_url
from aluzio.domain.accounts.passwords import DEFAULT_MIN_LENGTH as DEFAULT_PASSWORD_MIN_LENGTH
from aluzio.domain.privacy.erasure import DEFAULT_GRACE, ERASURE_DEADLINE, MAX_GRACE
from aluzio.domain.privacy.policy import MAX_VERSION_LENGTH
from aluzio.domain.retros.closing import DEFAULT_IDLE_DAYS

PREFIX = "ALUZIO_"
MIN_SECRET_KEY_BYTES = 32
MAIL_TRANSPORTS = ("smtp", "console", "memory")
# A worker must finish or give back the message in hand well within Fly.io's 30 s kill timeout.
MAX_SMTP_TIMEOUT_SECONDS = 20
# A request must not wait on the database longer than a client or Fly.io's proxy would.
MAX_DB_WAIT_SECONDS = 60.0
# uvicorn refuses any WebSocket frame past this; the app's own inbound limit stays within it.
LIVE_FRAME_LIMIT_BYTES = 64 * 1024

T = TypeVar("T")
LogFormat = Literal["json", "console"]
ANY_HOST = "*"
_LABEL = r"[a-z0-9]([a-z0-9-]*[a-z0-9])?"
_HOST = re.compile(rf"(\*\.)?{_LABEL}(\.{_LABEL})*(:[0-9]{{1,5}})?")


class SettingsError(ValueError):
    """A setting is missing or invalid. ``str(error)`` is a one-line message naming it."""


@dataclass(frozen=True)
class Settings:
    database_url: str | None = None
    secret_key: str | None = None
    dev_mode: bool = False
    host: str = "0.0.0.0"  # noqa: S104  (Fly.io's proxy reaches the app on its private address)
    port: int = 8080
    web_workers: int = 1
    base_url: str = "http://localhost:8000"
    allowed_origins: tuple[str, ...] = ()
    trust_proxy: bool = False
    max_request_body_bytes: int = 1024 * 1024
    db_pool_size: int = 10
    db_max_overflow: int = 0
    db_connect_timeout_seconds: float = 3.0
    db_statement_timeout_seconds: float = 5.0
    db_pool_timeout_seconds: float = 3.0
    mail_transport: str = "smtp"
    mail_from: str = "Aluzio <no-reply@aluzio.ai>"
    smtp_host: str = "smtp.mailgun.org"
    smtp_port: int = 587
    smtp_username: str | None = None
    smtp_password: str | None = None
    smtp_timeout_seconds: int = 10
    mail_retention_days: int = 7
    mail_lease_seconds: int = 120
    mail_poll_seconds: int = 10
    allowed_hosts: tuple[str, ...] = (ANY_HOST,)
    log_format: LogFormat = "json"
    session_idle_timeout_minutes: int = 8 * 60
    session_absolute_timeout_minutes: int = 24 * 60
    password_min_length: int = DEFAULT_PASSWORD_MIN_LENGTH
    password_hash_concurrency: int = 2
    api_docs_ui: bool = True
    erasure_grace_days: int = DEFAULT_GRACE.days
    policy_version: str = "2026-02-26"
    policy_last_updated: date = date(2026, 2, 26)
    retro_idle_close_days: int = DEFAULT_IDLE_DAYS
    # Live connections (docs/realtime.md).
    live_connections_per_user: int = 10
    live_queue_size: int = 64
    live_max_message_bytes: int = 4096
    live_send_timeout_seconds: float = 10.0
    live_ping_interval_seconds: float = 20.0
    live_ping_timeout_seconds: float = 20.0
    live_recheck_seconds: float = 5.0
    live_presence_seconds: float = 5.0
    live_compression: bool = False

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if environ is None else environ
        read = _Reader(env)
        database_url = read.text("DATABASE_URL") or env.get("DATABASE_URL", "").strip() or None
        if database_url is not None:
            try:
                to_sqlalchemy_url(database_url)
            except ValueError as exc:
                name = "ALUZIO_DATABASE_URL" if read.has("DATABASE_URL") else "DATABASE_URL"
                raise SettingsError(f"{name}: {exc}") from None
        dev_mode = read.parse("DEV", _boolean, False)
        idle = read.parse(
            "SESSION_IDLE_TIMEOUT_MINUTES", _positive_int, cls.session_idle_timeout_minutes
        )
        absolute = read.parse(
            "SESSION_ABSOLUTE_TIMEOUT_MINUTES", _positive_int, cls.session_absolute_timeout_minutes
        )
        if idle > absolute:
            raise SettingsError(
                f"{PREFIX}SESSION_IDLE_TIMEOUT_MINUTES: must not exceed"
                f" {PREFIX}SESSION_ABSOLUTE_TIMEOUT_MINUTES (got {idle} > {absolute})"
            )
        return cls(
            database_url=database_url,
            secret_key=read.text("SECRET_KEY"),
            dev_mode=dev_mode,
            host=read.text("HOST") or cls.host,
            port=read.parse("PORT", _port, cls.port),
            web_workers=read.parse("WEB_WORKERS", _positive_int, cls.web_workers),
            base_url=read.parse("BASE_URL", _http_url, cls.base_url),
            allowed_origins=read.parse("ALLOWED_ORIGINS", _origins, ()),
            trust_proxy=read.parse("TRUST_PROXY", _boolean, False),
            max_request_body_bytes=read.parse(
                "MAX_REQUEST_BODY_BYTES", _positive_int, cls.max_request_body_bytes
            ),
            db_pool_size=read.parse("DB_POOL_SIZE", _positive_int, cls.db_pool_size),
            db_max_overflow=read.parse("DB_MAX_OVERFLOW", _non_negative_int, cls.db_max_overflow),
            db_connect_timeout_seconds=read.parse(
                "DB_CONNECT_TIMEOUT_SECONDS", _db_seconds, cls.db_connect_timeout_seconds
            ),
            db_statement_timeout_seconds=read.parse(
                "DB_STATEMENT_TIMEOUT_SECONDS", _db_seconds, cls.db_statement_timeout_seconds
            ),
            db_pool_timeout_seconds=read.parse(
                "DB_POOL_TIMEOUT_SECONDS", _db_seconds, cls.db_pool_timeout_seconds
            ),
            mail_transport=read.parse("MAIL_TRANSPORT", _mail_transport, cls.mail_transport),
            mail_from=read.parse("MAIL_FROM", _mail_from, cls.mail_from),
            smtp_host=read.text("SMTP_HOST") or cls.smtp_host,
            smtp_port=read.parse("SMTP_PORT", _port, cls.smtp_port),
            smtp_username=read.text("SMTP_USERNAME"),
            smtp_password=read.text("SMTP_PASSWORD"),
            smtp_timeout_seconds=read.parse(
                "SMTP_TIMEOUT_SECONDS", _smtp_timeout, cls.smtp_timeout_seconds
            ),
            mail_retention_days=read.parse(
                "MAIL_RETENTION_DAYS", _positive_int, cls.mail_retention_days
            ),
            mail_lease_seconds=read.parse(
                "MAIL_LEASE_SECONDS", _positive_int, cls.mail_lease_seconds
            ),
            mail_poll_seconds=read.parse("MAIL_POLL_SECONDS", _positive_int, cls.mail_poll_seconds),
            allowed_hosts=read.parse("ALLOWED_HOSTS", _hosts, cls.allowed_hosts),
            log_format=read.parse("LOG_FORMAT", _log_format, "console" if dev_mode else "json"),
            session_idle_timeout_minutes=idle,
            session_absolute_timeout_minutes=absolute,
            password_min_length=read.parse(
                "PASSWORD_MIN_LENGTH", _password_length, cls.password_min_length
            ),
            password_hash_concurrency=read.parse(
                "PASSWORD_HASH_CONCURRENCY", _positive_int, cls.password_hash_concurrency
            ),
            api_docs_ui=read.parse("API_DOCS_UI", _boolean, cls.api_docs_ui),
            erasure_grace_days=read.parse(
                "ERASURE_GRACE_DAYS", _grace_days, cls.erasure_grace_days
            ),
            policy_version=read.parse("POLICY_VERSION", _policy_version, cls.policy_version),
            policy_last_updated=read.parse(
                "POLICY_LAST_UPDATED", _iso_date, cls.policy_last_updated
            ),
            retro_idle_close_days=read.parse(
                "RETRO_IDLE_CLOSE_DAYS", _between(1, 365), cls.retro_idle_close_days
            ),
            live_connections_per_user=read.parse(
                "LIVE_CONNECTIONS_PER_USER", _between(1, 1000), cls.live_connections_per_user
            ),
            live_queue_size=read.parse("LIVE_QUEUE_SIZE", _between(1, 10_000), cls.live_queue_size),
            live_max_message_bytes=read.parse(
                "LIVE_MAX_MESSAGE_BYTES",
                _between(16, LIVE_FRAME_LIMIT_BYTES),
                cls.live_max_message_bytes,
            ),
            live_send_timeout_seconds=read.parse(
                "LIVE_SEND_TIMEOUT_SECONDS", _seconds(0.1, 120), cls.live_send_timeout_seconds
            ),
            live_ping_interval_seconds=read.parse(
                "LIVE_PING_INTERVAL_SECONDS", _seconds(1, 300), cls.live_ping_interval_seconds
            ),
            live_ping_timeout_seconds=read.parse(
                "LIVE_PING_TIMEOUT_SECONDS", _seconds(1, 300), cls.live_ping_timeout_seconds
            ),
            live_recheck_seconds=read.parse(
                "LIVE_RECHECK_SECONDS", _seconds(0.1, 60), cls.live_recheck_seconds
            ),
            live_presence_seconds=read.parse(
                "LIVE_PRESENCE_SECONDS", _seconds(0.1, 60), cls.live_presence_seconds
            ),
            live_compression=read.parse("LIVE_COMPRESSION", _boolean, cls.live_compression),
        )

    def require_database_url(self) -> str:
        if not self.database_url:
            raise SettingsError("ALUZIO_DATABASE_URL (or DATABASE_URL): is required")
        return self.database_url

    def require_secret_key(self) -> bytes:
        key = (self.secret_key or "").encode()
        if len(key) < MIN_SECRET_KEY_BYTES:
            raise SettingsError(
                f"ALUZIO_SECRET_KEY: must be at least {MIN_SECRET_KEY_BYTES} bytes"
                + ("" if key else " (it is not set)")
            )
        return key

    def require_smtp_login(self) -> tuple[str, str]:
        """The SMTP login and password, which the smtp mail transport cannot work without."""
        for name, value in (("USERNAME", self.smtp_username), ("PASSWORD", self.smtp_password)):
            if not value:
                raise SettingsError(
                    f"ALUZIO_SMTP_{name}: is required when ALUZIO_MAIL_TRANSPORT is smtp"
                )
        return self.smtp_username or "", self.smtp_password or ""


class _Reader:
    def __init__(self, env: Mapping[str, str]) -> None:
        self._env = env

    def has(self, name: str) -> bool:
        return bool(self._env.get(PREFIX + name, "").strip())

    def text(self, name: str) -> str | None:
        value = self._env.get(PREFIX + name, "").strip()
        return value or None

    def parse(self, name: str, convert: Callable[[str], T], default: T) -> T:
        raw = self.text(name)
        if raw is None:
            return default
        try:
            return convert(raw)
        except ValueError as exc:
            raise SettingsError(f"{PREFIX}{name}: {exc} (got {raw!r})") from None


def _boolean(raw: str) -> bool:
    lowered = raw.lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off"}:
        return False
    raise ValueError("must be true or false")


def _positive_int(raw: str) -> int:
    value = _int(raw)
    if value < 1:
        raise ValueError("must be a positive whole number")
    return value


def _non_negative_int(raw: str) -> int:
    value = _int(raw)
    if value < 0:
        raise ValueError("must be zero or more")
    return value


def _int(raw: str) -> int:
    try:
        return int(raw)
    except ValueError:
        raise ValueError("must be a whole number") from None


def _db_seconds(raw: str) -> float:
    try:
        value = float(raw)
    except ValueError:
        raise ValueError("must be a number of seconds") from None
    if not 0.1 <= value <= MAX_DB_WAIT_SECONDS:
        raise ValueError(f"must be from 0.1 to {MAX_DB_WAIT_SECONDS:g} seconds")
    return value


def _between(low: int, high: int) -> Callable[[str], int]:
    def parse(raw: str) -> int:
        value = _int(raw)
        if not low <= value <= high:
            raise ValueError(f"must be from {low} to {high}")
        return value

    return parse


def _seconds(low: float, high: float) -> Callable[[str], float]:
    def parse(raw: str) -> float:
        try:
            value = float(raw)
        except ValueError:
            raise ValueError("must be a number of seconds") from None
        if not low <= value <= high:  # NaN fails too
            raise ValueError(f"must be from {low:g} to {high:g} seconds")
        return value

    return parse


def _password_length(raw: str) -> int:
    value = _int(raw)
    if not 8 <= value <= 256:
        raise ValueError("must be from 8 to 256")
    return value


def _port(raw: str) -> int:
    value = _int(raw)
    if not 1 <= value <= 65535:
        raise ValueError("must be a port number from 1 to 65535")
    return value


def _http_url(raw: str) -> str:
    if not raw.startswith(("http://", "https://")) or raw[-3:] == "://":
        raise ValueError("must be an http:// or https:// URL")
    return raw.rstrip("/")


def _origins(raw: str) -> tuple[str, ...]:
    return tuple(_http_url(origin.strip()) for origin in raw.split(",") if origin.strip())


def _mail_transport(raw: str) -> str:
    value = raw.lower()
    if value not in MAIL_TRANSPORTS:
        raise ValueError("must be one of " + ", ".join(MAIL_TRANSPORTS))
    return value


def _mail_from(raw: str) -> str:
    address = parseaddr(raw)[1]
    if "@" not in address or any(char in raw for char in "\r\n"):
        raise ValueError("must be an address, e.g. 'Aluzio <no-reply@example.com>'")
    return raw


def _smtp_timeout(raw: str) -> int:
    value = _positive_int(raw)
    if value > MAX_SMTP_TIMEOUT_SECONDS:
        raise ValueError(f"must be at most {MAX_SMTP_TIMEOUT_SECONDS}")
    return value


def _hosts(raw: str) -> tuple[str, ...]:
    hosts = tuple(host.strip().lower() for host in raw.split(",") if host.strip())
    if not hosts:
        raise ValueError("must name at least one host, or * for any")
    for host in hosts:
        if host != ANY_HOST and not _HOST.fullmatch(host):
            raise ValueError(f"{host!r} is not a host name (wildcards only as *.example.com)")
    return hosts


def _log_format(raw: str) -> LogFormat:
    lowered = raw.lower()
    if lowered == "json":
        return "json"
    if lowered == "console":
        return "console"
    raise ValueError("must be json or console")


def _grace_days(raw: str) -> int:
    value = _non_negative_int(raw)
    if value > MAX_GRACE.days:
        raise ValueError(
            f"must be at most {MAX_GRACE.days} (the privacy policy promises erasure within"
            f" {ERASURE_DEADLINE.days} days of the request; the rest covers a stopped worker)"
        )
    return value


def _policy_version(raw: str) -> str:
    if len(raw) > MAX_VERSION_LENGTH or any(not char.isprintable() for char in raw):
        raise ValueError(f"must be at most {MAX_VERSION_LENGTH} printable characters")
    return raw


def _iso_date(raw: str) -> date:
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise ValueError("must be a date as YYYY-MM-DD") from None
