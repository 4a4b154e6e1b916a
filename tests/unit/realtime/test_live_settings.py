"""The live limits come from the settings: the app's bounds and uvicorn's pings."""

from __future__ import annotations

from aluzio.application.realtime.hub import LiveLimits
from aluzio.entrypoints.cli.serve import uvicorn_options
from aluzio.entrypoints.container import live_limits_of
from aluzio.entrypoints.settings import LIVE_FRAME_LIMIT_BYTES, Settings


def test_the_defaults_are_the_documented_limits() -> None:
    limits = live_limits_of(Settings.from_env({}))
    assert limits == LiveLimits(listen_timeout_seconds=limits.listen_timeout_seconds)


def test_each_setting_reaches_its_bound() -> None:
    settings = Settings.from_env(
        {
            "ALUZIO_LIVE_CONNECTIONS_PER_USER": "3",
            "ALUZIO_LIVE_QUEUE_SIZE": "8",
            "ALUZIO_LIVE_MAX_MESSAGE_BYTES": "1024",
            "ALUZIO_LIVE_SEND_TIMEOUT_SECONDS": "2.5",
            "ALUZIO_LIVE_PING_INTERVAL_SECONDS": "15",
            "ALUZIO_LIVE_PING_TIMEOUT_SECONDS": "5",
            "ALUZIO_LIVE_RECHECK_SECONDS": "1",
            "ALUZIO_LIVE_PRESENCE_SECONDS": "2",
            "ALUZIO_LIVE_COMPRESSION": "true",
        }
    )
    limits = live_limits_of(settings)
    assert (limits.connections_per_user, limits.queue_size) == (3, 8)
    assert (limits.max_inbound_bytes, limits.send_timeout_seconds) == (1024, 2.5)
    assert (limits.recheck_seconds, limits.presence_seconds) == (1.0, 2.0)
    options = uvicorn_options(settings)
    assert (options["ws_ping_interval"], options["ws_ping_timeout"]) == (15.0, 5.0)
    assert options["ws_max_size"] == LIVE_FRAME_LIMIT_BYTES
    assert options["ws_per_message_deflate"] is True
    assert uvicorn_options(Settings.from_env({}))["ws_per_message_deflate"] is False
