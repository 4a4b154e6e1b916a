"""``aluzio serve``: the production web server (uvicorn, no reload)."""

from __future__ import annotations

import argparse

import uvicorn

from aluzio.entrypoints.settings import Settings

APP_FACTORY = "aluzio.entrypoints.app:create_app_from_env"
GRACEFUL_SHUTDOWN_SECONDS = 25


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser("serve", help="run the production web server")
    parser.set_defaults(run=run)


def run(_: argparse.Namespace) -> int:
    settings = Settings.from_env()
    settings.require_database_url()
    settings.require_secret_key()
    uvicorn.run(
        APP_FACTORY,
        factory=True,
        host=settings.host,
        port=settings.port,
        workers=settings.web_workers,
        timeout_graceful_shutdown=GRACEFUL_SHUTDOWN_SECONDS,
        proxy_headers=False,  # the app decides which proxy headers to trust
        server_header=False,
    )
    return 0
