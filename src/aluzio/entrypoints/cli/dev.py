"""``aluzio dev``: the service on an embedded Postgres, with auto-reload, for development.

The mail worker runs in this process too, with the console transport: every message is
printed, links included, instead of being sent.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import secrets
from pathlib import Path

import uvicorn

import aluzio
from aluzio.adapters.postgres import migrator
from aluzio.adapters.postgres.database import create_engine
from aluzio.entrypoints.cli.serve import APP_FACTORY
from aluzio.entrypoints.embedded_postgres import EmbeddedPostgres
from aluzio.entrypoints.logging import configure_logging, logging_config
from aluzio.entrypoints.settings import Settings
from aluzio.entrypoints.worker import WorkerThread


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser("dev", help="run for development on an embedded Postgres")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument(
        "--data-dir", type=Path, default=Path(".aluzio"), help="where dev data is kept"
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    data_dir: Path = args.data_dir.resolve()
    data_dir.mkdir(parents=True, exist_ok=True)
    settings = Settings.from_env()
    embedded = None
    database_url = settings.database_url
    if database_url is None:
        embedded = EmbeddedPostgres(data_dir / "postgres")
        database_url = embedded.start()
        print(f"aluzio dev: embedded Postgres in {embedded.data_dir}", flush=True)
    try:
        # The reloading server imports the app in a child process: hand it the settings
        # through the environment, the same way production receives them.
        os.environ["ALUZIO_DATABASE_URL"] = database_url
        os.environ.setdefault("ALUZIO_SECRET_KEY", _development_secret(data_dir))
        os.environ.setdefault("ALUZIO_BASE_URL", f"http://{args.host}:{args.port}")
        os.environ["ALUZIO_DEV"] = "true"
        os.environ.setdefault("ALUZIO_MAIL_TRANSPORT", "console")
        dev_settings = Settings.from_env()  # fail fast on anything the child would refuse
        asyncio.run(_migrate(database_url))
        configure_logging(dev_settings)
        worker = WorkerThread(dev_settings)
        worker.start()
        print(f"aluzio dev: API docs at http://{args.host}:{args.port}/schema", flush=True)
        try:
            uvicorn.run(
                APP_FACTORY,
                factory=True,
                host=args.host,
                port=args.port,
                reload=True,
                reload_dirs=[str(Path(aluzio.__file__).parent)],
                server_header=False,
                log_config=logging_config(dev_settings),
                access_log=False,
            )
        finally:
            worker.stop()
    finally:
        if embedded is not None:
            embedded.stop()
    return 0


def _development_secret(data_dir: Path) -> str:
    """A secret kept in the data dir, so sessions survive restarts of the dev server."""
    path = data_dir / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(48), encoding="utf-8")
        path.chmod(0o600)
    return path.read_text(encoding="utf-8").strip()


async def _migrate(database_url: str) -> None:
    engine = create_engine(database_url, pool_size=1, max_overflow=0, statement_timeout=None)
    try:
        await migrator.upgrade(engine)
    finally:
        await engine.dispose()
