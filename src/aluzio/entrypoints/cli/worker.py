"""``aluzio worker``: deliver queued mail and run the scheduled jobs until SIGTERM or Ctrl-C."""

from __future__ import annotations

import argparse
import asyncio
import signal

from aluzio.application.ports.mail import MailTransport
from aluzio.entrypoints.logging import configure_logging
from aluzio.entrypoints.settings import Settings, SettingsError
from aluzio.entrypoints.worker import build_transport, run_worker


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser("worker", help="deliver queued mail (runs until stopped)")
    parser.set_defaults(run=run)


def run(_: argparse.Namespace) -> int:
    settings = Settings.from_env()
    settings.require_database_url()
    # The purge finds an erased user's throttling records by keys derived from the secret.
    settings.require_secret_key()
    if settings.mail_transport == "memory":
        # A separate process's memory is lost on exit: every message would vanish.
        raise SettingsError("ALUZIO_MAIL_TRANSPORT: memory is for tests; the worker needs smtp")
    transport = build_transport(settings)  # refuses smtp without a login, before any work
    configure_logging(settings)
    asyncio.run(_serve(settings, transport))
    return 0


async def _serve(settings: Settings, transport: MailTransport) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    await run_worker(settings, stop, transport=transport)
