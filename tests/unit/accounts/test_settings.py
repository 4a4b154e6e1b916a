"""The account settings: defaults, parsing, one-line errors naming the variable."""

from __future__ import annotations

import pytest

from aluzio.entrypoints.settings import Settings, SettingsError


def test_defaults() -> None:
    settings = Settings.from_env({})
    assert settings.session_idle_timeout_minutes == 8 * 60
    assert settings.session_absolute_timeout_minutes == 24 * 60
    assert settings.password_min_length == 15
    assert settings.password_hash_concurrency == 2


def test_values_are_read() -> None:
    settings = Settings.from_env(
        {
            "ALUZIO_SESSION_IDLE_TIMEOUT_MINUTES": "30",
            "ALUZIO_SESSION_ABSOLUTE_TIMEOUT_MINUTES": "600",
            "ALUZIO_PASSWORD_MIN_LENGTH": "20",
            "ALUZIO_PASSWORD_HASH_CONCURRENCY": "4",
        }
    )
    assert settings.session_idle_timeout_minutes == 30
    assert settings.session_absolute_timeout_minutes == 600
    assert settings.password_min_length == 20
    assert settings.password_hash_concurrency == 4


@pytest.mark.parametrize(
    ("env", "name"),
    [
        ({"ALUZIO_SESSION_IDLE_TIMEOUT_MINUTES": "0"}, "ALUZIO_SESSION_IDLE_TIMEOUT_MINUTES"),
        ({"ALUZIO_SESSION_IDLE_TIMEOUT_MINUTES": "2000"}, "ALUZIO_SESSION_IDLE_TIMEOUT_MINUTES"),
        ({"ALUZIO_PASSWORD_MIN_LENGTH": "6"}, "ALUZIO_PASSWORD_MIN_LENGTH"),
        ({"ALUZIO_PASSWORD_HASH_CONCURRENCY": "0"}, "ALUZIO_PASSWORD_HASH_CONCURRENCY"),
    ],
)
def test_invalid_values_name_the_variable(env: dict[str, str], name: str) -> None:
    with pytest.raises(SettingsError) as raised:
        Settings.from_env(env)
    message = str(raised.value)
    assert message.startswith(name)
    assert "\n" not in message
