"""``aluzio db upgrade | downgrade | revision``: schema migrations."""

from __future__ import annotations

import argparse
import asyncio
from collections.abc import Awaitable, Callable

from sqlalchemy.ext.asyncio import AsyncEngine

from aluzio.adapters.postgres import migrator
from aluzio.adapters.postgres.database import create_engine
from aluzio.entrypoints.logging import configure_logging
from aluzio.entrypoints.settings import Settings


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser("db", help="apply, revert or write schema migrations")
    actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")

    upgrade = actions.add_parser("upgrade", help="migrate the database up (default: to head)")
    upgrade.add_argument("revision", nargs="?", default="head")
    upgrade.set_defaults(run=lambda a: _on_database(lambda e: migrator.upgrade(e, a.revision)))

    downgrade = actions.add_parser("downgrade", help="migrate the database down")
    downgrade.add_argument("revision", help="target revision, e.g. -1 or base")
    downgrade.set_defaults(run=lambda a: _on_database(lambda e: migrator.downgrade(e, a.revision)))

    revision = actions.add_parser("revision", help="write a new migration file")
    revision.add_argument("-m", "--message", required=True)
    revision.add_argument(
        "--autogenerate", action="store_true", help="diff the tables against the database"
    )
    revision.set_defaults(
        run=lambda a: _on_database(
            lambda e: migrator.create_revision(e, a.message, autogenerate=a.autogenerate)
        )
    )


def _on_database(action: Callable[[AsyncEngine], Awaitable[None]]) -> int:
    settings = Settings.from_env()
    url = settings.require_database_url()
    configure_logging(settings)  # the release command's lines read like the service's

    async def run() -> None:
        engine = create_engine(url, pool_size=1, max_overflow=0, statement_timeout=None)
        try:
            await action(engine)
        finally:
            await engine.dispose()

    asyncio.run(run())
    return 0
