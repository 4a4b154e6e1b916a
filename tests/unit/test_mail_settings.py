from __future__ import annotations

import argparse

import pytest

from aluzio.adapters.mail.console import ConsoleMailTransport
from aluzio.adapters.mail.memory import InMemoryMailTransport
from aluzio.adapters.mail.smtp import SmtpMailTransport
from aluzio.entrypoints.cli import worker as worker_command
from aluzio.entrypoints.settings import Settings, SettingsError
from aluzio.entrypoints.worker import build_transport


def test_mail_defaults_are_mailgun_over_smtp() -> None:
    settings = Settings.from_env({})
    assert settings.mail_transport == "smtp"
    assert (settings.smtp_host, settings.smtp_port) == ("smtp.mailgun.org", 587)
    assert settings.smtp_timeout_seconds == 10
    assert settings.mail_retention_days == 7


def test_mail_settings_are_read() -> None:
    settings = Settings.from_env(
        {
            "ALUZIO_MAIL_TRANSPORT": "Console",
            "ALUZIO_SMTP_HOST": "smtp.eu.mailgun.org",
            "ALUZIO_SMTP_PORT": "2525",
            "ALUZIO_SMTP_USERNAME": "postmaster@mg.aluzio.ai",
            "ALUZIO_SMTP_PASSWORD": "pw",
            "ALUZIO_MAIL_FROM": "Aluzio <hi@aluzio.ai>",
            "ALUZIO_SMTP_TIMEOUT_SECONDS": "5",
            "ALUZIO_MAIL_RETENTION_DAYS": "30",
        }
    )
    assert settings.mail_transport == "console"
    assert (settings.smtp_host, settings.smtp_port) == ("smtp.eu.mailgun.org", 2525)
    assert settings.require_smtp_login() == ("postmaster@mg.aluzio.ai", "pw")
    assert settings.mail_from == "Aluzio <hi@aluzio.ai>"
    assert (settings.smtp_timeout_seconds, settings.mail_retention_days) == (5, 30)


@pytest.mark.parametrize(
    ("env", "named"),
    [
        ({"ALUZIO_MAIL_TRANSPORT": "carrier-pigeon"}, "ALUZIO_MAIL_TRANSPORT"),
        ({"ALUZIO_SMTP_PORT": "0"}, "ALUZIO_SMTP_PORT"),
        ({"ALUZIO_SMTP_TIMEOUT_SECONDS": "25"}, "ALUZIO_SMTP_TIMEOUT_SECONDS"),
        ({"ALUZIO_MAIL_RETENTION_DAYS": "0"}, "ALUZIO_MAIL_RETENTION_DAYS"),
        ({"ALUZIO_MAIL_FROM": "nobody"}, "ALUZIO_MAIL_FROM"),
        ({"ALUZIO_MAIL_LEASE_SECONDS": "-1"}, "ALUZIO_MAIL_LEASE_SECONDS"),
    ],
)
def test_invalid_mail_settings_name_the_variable(env: dict[str, str], named: str) -> None:
    with pytest.raises(SettingsError) as raised:
        Settings.from_env(env)
    assert str(raised.value).startswith(named + ":")
    assert "\n" not in str(raised.value)


def test_smtp_transport_needs_a_login_and_says_which_part_is_missing() -> None:
    with pytest.raises(SettingsError, match=r"^ALUZIO_SMTP_USERNAME: is required"):
        build_transport(Settings.from_env({}))
    with pytest.raises(SettingsError, match=r"^ALUZIO_SMTP_PASSWORD: is required"):
        build_transport(Settings.from_env({"ALUZIO_SMTP_USERNAME": "u"}))
    both = {"ALUZIO_SMTP_USERNAME": "u", "ALUZIO_SMTP_PASSWORD": "p"}
    assert isinstance(build_transport(Settings.from_env(both)), SmtpMailTransport)


def test_settings_choose_the_transport() -> None:
    console = Settings.from_env({"ALUZIO_MAIL_TRANSPORT": "console"})
    memory = Settings.from_env({"ALUZIO_MAIL_TRANSPORT": "memory"})
    assert isinstance(build_transport(console), ConsoleMailTransport)
    assert isinstance(build_transport(memory), InMemoryMailTransport)


def test_the_worker_process_refuses_the_memory_transport(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ALUZIO_DATABASE_URL", "postgres://u@127.0.0.1:1/x")
    monkeypatch.setenv("ALUZIO_SECRET_KEY", "w" * 40)
    monkeypatch.setenv("ALUZIO_MAIL_TRANSPORT", "memory")
    with pytest.raises(SettingsError, match=r"^ALUZIO_MAIL_TRANSPORT: memory is for tests"):
        worker_command.run(argparse.Namespace())
