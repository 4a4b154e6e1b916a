from __future__ import annotations

import pytest

from aluzio.entrypoints.settings import Settings, SettingsError


def test_defaults() -> None:
    settings = Settings.from_env({})
    assert settings.database_url is None
    assert settings.port == 8080
    assert settings.max_request_body_bytes == 1024 * 1024
    assert settings.trust_proxy is False


def test_prefixed_variables_are_read() -> None:
    settings = Settings.from_env(
        {
            "ALUZIO_DATABASE_URL": "postgresql://u:p@db:5432/aluzio",
            "ALUZIO_PORT": "9000",
            "ALUZIO_TRUST_PROXY": "true",
            "ALUZIO_ALLOWED_ORIGINS": "https://app.aluzio.ai, https://aluzio.ai/",
            "ALUZIO_MAX_REQUEST_BODY_BYTES": "2048",
        }
    )
    assert settings.database_url == "postgresql://u:p@db:5432/aluzio"
    assert settings.port == 9000
    assert settings.trust_proxy is True
    assert settings.allowed_origins == ("https://app.aluzio.ai", "https://aluzio.ai")
    assert settings.max_request_body_bytes == 2048


def test_fly_database_url_is_read_and_prefixed_one_wins() -> None:
    assert (
        Settings.from_env({"DATABASE_URL": "postgres://a@h/d"}).database_url == "postgres://a@h/d"
    )
    both = {"DATABASE_URL": "postgres://a@h/d", "ALUZIO_DATABASE_URL": "postgres://b@h/d"}
    assert Settings.from_env(both).database_url == "postgres://b@h/d"


@pytest.mark.parametrize(
    ("env", "named"),
    [
        ({"ALUZIO_PORT": "eighty"}, "ALUZIO_PORT"),
        ({"ALUZIO_PORT": "70000"}, "ALUZIO_PORT"),
        ({"ALUZIO_TRUST_PROXY": "maybe"}, "ALUZIO_TRUST_PROXY"),
        ({"ALUZIO_BASE_URL": "ftp://x"}, "ALUZIO_BASE_URL"),
        ({"ALUZIO_WEB_WORKERS": "0"}, "ALUZIO_WEB_WORKERS"),
        ({"DATABASE_URL": "mysql://x/y"}, "DATABASE_URL"),
        ({"ALUZIO_DATABASE_URL": "mysql://x/y"}, "ALUZIO_DATABASE_URL"),
    ],
)
def test_invalid_values_name_the_variable_in_one_line(env: dict[str, str], named: str) -> None:
    with pytest.raises(SettingsError) as raised:
        Settings.from_env(env)
    message = str(raised.value)
    assert message.startswith(named + ":")
    assert "\n" not in message


def test_secret_key_must_be_long_enough() -> None:
    with pytest.raises(SettingsError, match=r"^ALUZIO_SECRET_KEY: must be at least 32 bytes"):
        Settings.from_env({"ALUZIO_SECRET_KEY": "short"}).require_secret_key()
    key = "k" * 32
    assert Settings.from_env({"ALUZIO_SECRET_KEY": key}).require_secret_key() == key.encode()


def test_database_url_is_required_when_asked() -> None:
    with pytest.raises(SettingsError, match="DATABASE_URL"):
        Settings.from_env({}).require_database_url()


def test_allowed_hosts_default_to_any_and_are_read_as_a_list() -> None:
    assert Settings.from_env({}).allowed_hosts == ("*",)
    settings = Settings.from_env({"ALUZIO_ALLOWED_HOSTS": "Aluzio.fly.dev, *.aluzio.ai"})
    assert settings.allowed_hosts == ("aluzio.fly.dev", "*.aluzio.ai")


@pytest.mark.parametrize("raw", ["a*b.com", "https://aluzio.ai", "aluzio.ai/x", " , "])
def test_invalid_allowed_hosts_are_named(raw: str) -> None:
    with pytest.raises(SettingsError, match=r"^ALUZIO_ALLOWED_HOSTS: "):
        Settings.from_env({"ALUZIO_ALLOWED_HOSTS": raw})


def test_log_format_is_json_in_production_and_console_in_development() -> None:
    assert Settings.from_env({}).log_format == "json"
    assert Settings.from_env({"ALUZIO_DEV": "true"}).log_format == "console"
    assert Settings.from_env({"ALUZIO_LOG_FORMAT": "console"}).log_format == "console"
    assert Settings.from_env({"ALUZIO_DEV": "1", "ALUZIO_LOG_FORMAT": "JSON"}).log_format == "json"
    with pytest.raises(SettingsError, match=r"^ALUZIO_LOG_FORMAT: must be json or console"):
        Settings.from_env({"ALUZIO_LOG_FORMAT": "xml"})


def test_database_waits_are_bounded_by_default_and_configurable() -> None:
    defaults = Settings.from_env({})
    assert defaults.db_connect_timeout_seconds == 3.0
    assert defaults.db_statement_timeout_seconds == 5.0
    assert defaults.db_pool_timeout_seconds == 3.0
    settings = Settings.from_env(
        {
            "ALUZIO_DB_CONNECT_TIMEOUT_SECONDS": "1.5",
            "ALUZIO_DB_STATEMENT_TIMEOUT_SECONDS": "10",
            "ALUZIO_DB_POOL_TIMEOUT_SECONDS": "2",
        }
    )
    assert settings.db_connect_timeout_seconds == 1.5
    assert settings.db_statement_timeout_seconds == 10.0
    assert settings.db_pool_timeout_seconds == 2.0


@pytest.mark.parametrize("raw", ["0", "-1", "soon", "61"])
def test_invalid_database_waits_are_named(raw: str) -> None:
    with pytest.raises(SettingsError, match="ALUZIO_DB_STATEMENT_TIMEOUT_SECONDS"):
        Settings.from_env({"ALUZIO_DB_STATEMENT_TIMEOUT_SECONDS": raw})


def test_the_pool_opens_no_overflow_connections_by_default() -> None:
    # Overflow connections are opened and closed again with every burst above the pool.
    settings = Settings.from_env({})
    assert (settings.db_pool_size, settings.db_max_overflow) == (10, 0)


def test_the_api_docs_page_is_on_by_default_and_can_be_switched_off() -> None:
    assert Settings.from_env({}).api_docs_ui is True
    assert Settings.from_env({"ALUZIO_API_DOCS_UI": "false"}).api_docs_ui is False
    with pytest.raises(SettingsError, match="ALUZIO_API_DOCS_UI"):
        Settings.from_env({"ALUZIO_API_DOCS_UI": "maybe"})


def test_live_limits_have_defaults_and_are_read() -> None:
    defaults = Settings.from_env({})
    assert (defaults.live_connections_per_user, defaults.live_queue_size) == (10, 64)
    assert defaults.live_max_message_bytes == 4096
    assert defaults.live_ping_interval_seconds == defaults.live_ping_timeout_seconds == 20.0
    read = Settings.from_env(
        {
            "ALUZIO_LIVE_CONNECTIONS_PER_USER": "3",
            "ALUZIO_LIVE_QUEUE_SIZE": "8",
            "ALUZIO_LIVE_MAX_MESSAGE_BYTES": "1024",
            "ALUZIO_LIVE_SEND_TIMEOUT_SECONDS": "2.5",
            "ALUZIO_LIVE_PING_INTERVAL_SECONDS": "15",
            "ALUZIO_LIVE_PING_TIMEOUT_SECONDS": "5",
            "ALUZIO_LIVE_RECHECK_SECONDS": "1",
            "ALUZIO_LIVE_PRESENCE_SECONDS": "2",
        }
    )
    assert (read.live_connections_per_user, read.live_queue_size) == (3, 8)
    assert read.live_max_message_bytes == 1024
    assert read.live_send_timeout_seconds == 2.5
    assert (read.live_ping_interval_seconds, read.live_ping_timeout_seconds) == (15.0, 5.0)
    assert (read.live_recheck_seconds, read.live_presence_seconds) == (1.0, 2.0)


@pytest.mark.parametrize(
    ("name", "raw"),
    [
        ("LIVE_CONNECTIONS_PER_USER", "0"),
        ("LIVE_QUEUE_SIZE", "many"),
        ("LIVE_MAX_MESSAGE_BYTES", "70000"),  # past the frame limit uvicorn enforces
        ("LIVE_SEND_TIMEOUT_SECONDS", "0"),
        ("LIVE_PING_INTERVAL_SECONDS", "nan"),
        ("LIVE_PING_TIMEOUT_SECONDS", "1000"),
        ("LIVE_RECHECK_SECONDS", "-1"),
        ("LIVE_PRESENCE_SECONDS", "soon"),
        ("LIVE_COMPRESSION", "sometimes"),
    ],
)
def test_invalid_live_limits_are_named(name: str, raw: str) -> None:
    with pytest.raises(SettingsError) as raised:
        Settings.from_env({f"ALUZIO_{name}": raw})
    assert str(raised.value).startswith(f"ALUZIO_{name}:")


def test_retros_close_after_14_idle_days_unless_configured() -> None:
    assert Settings.from_env({}).retro_idle_close_days == 14
    assert Settings.from_env({"ALUZIO_RETRO_IDLE_CLOSE_DAYS": "30"}).retro_idle_close_days == 30


@pytest.mark.parametrize("raw", ["0", "-1", "366", "two weeks"])
def test_invalid_idle_close_days_are_named(raw: str) -> None:
    with pytest.raises(SettingsError, match="ALUZIO_RETRO_IDLE_CLOSE_DAYS"):
        Settings.from_env({"ALUZIO_RETRO_IDLE_CLOSE_DAYS": raw})
