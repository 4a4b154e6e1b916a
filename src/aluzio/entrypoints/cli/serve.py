"""``aluzio serve``: the production web server (uvicorn, no reload).

Graceful shutdown: on SIGTERM (Fly.io's ``kill_signal``) or SIGINT uvicorn closes its listening
socket at once, closes idle keep-alive connections, asks open WebSockets to close (code 1012,
"service restart", so clients reconnect to another machine), lets in-flight requests finish
for up to :data:`GRACEFUL_SHUTDOWN_SECONDS`, then runs the app's shutdown hooks, which close
the database pool. ``fly.toml``'s ``kill_timeout`` leaves a margin above that bound. Then
uvicorn re-raises the signal, so the exit status says the process stopped because it was asked.
"""

from __future__ import annotations

import argparse
from typing import Any

import uvicorn

from aluzio.entrypoints.logging import logging_config
from aluzio.entrypoints.settings import LIVE_FRAME_LIMIT_BYTES, Settings

APP_FACTORY = "aluzio.entrypoints.app:create_app_from_env"
GRACEFUL_SHUTDOWN_SECONDS = 25


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser("serve", help="run the production web server")
    parser.set_defaults(run=run)


def run(_: argparse.Namespace) -> int:
    settings = Settings.from_env()
    settings.require_database_url()
    settings.require_secret_key()
    uvicorn.run(APP_FACTORY, factory=True, **uvicorn_options(settings))
    return 0


def uvicorn_options(settings: Settings) -> dict[str, Any]:
    """How ``serve`` runs uvicorn for ``settings`` (everything but the app)."""
    return {
        "host": settings.host,
        "port": settings.port,
        "workers": settings.web_workers,
        "timeout_graceful_shutdown": GRACEFUL_SHUTDOWN_SECONDS,
        "proxy_headers": False,  # the app decides which proxy headers to trust
        "server_header": False,
        # Every worker process applies this: JSON or console lines, redacted.
        "log_config": logging_config(settings),
        # The app writes its own access line (request id, no client address): see
        # entrypoints/http/request_context.py.
        "access_log": False,
        # Live connections (docs/realtime.md): a protocol ping every interval, closed when no
        # pong comes back in time; clients send only small keep-alives (the app closes with
        # 1009 past its own limit, uvicorn refuses any frame past this one).
        "ws_ping_interval": settings.live_ping_interval_seconds,
        "ws_ping_timeout": settings.live_ping_timeout_seconds,
        "ws_max_size": LIVE_FRAME_LIMIT_BYTES,
        # Off by default: a deflate context per connection cost about a quarter of the
        # server's time and most of its memory per connection (bench/live_fanout.py).
        "ws_per_message_deflate": settings.live_compression,
    }
