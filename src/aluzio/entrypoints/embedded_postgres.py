"""An embedded PostgreSQL (pgserver) for ``aluzio dev`` and for tests without Docker.

pgserver is a development dependency: it is imported only when an embedded server is asked
for, so the production install does not need it.
"""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import Any
from urllib.parse import quote

DATABASE = "aluzio"


class EmbeddedPostgres:
    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir
        self._server: Any = None

    def start(self, database: str = DATABASE) -> str:
        """Start (or reuse) the server and return a URL to ``database``, created if missing."""
        try:
            pgserver = importlib.import_module("pgserver")
        except ImportError as exc:  # the production install has no pgserver
            raise RuntimeError(
                "the embedded Postgres needs pgserver (uv sync installs it with the dev group);"
                " or set ALUZIO_DATABASE_URL"
            ) from exc
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self._server = pgserver.get_server(self.data_dir, cleanup_mode="stop")
        if not database.isidentifier():
            raise ValueError(f"not a plain database name: {database!r}")
        query = f"SELECT 1 FROM pg_database WHERE datname = '{database}';"  # noqa: S608
        exists = self._server.psql(query)
        if "(1 row)" not in exists:
            self._server.psql(f'CREATE DATABASE "{database}";')
        return self.url(database)

    def url(self, database: str) -> str:
        info = self._server.get_postmaster_info()
        socket_dir = str(info.socket_dir)
        return f"postgresql://postgres@/{database}?host={quote(socket_dir)}"

    def stop(self) -> None:
        if self._server is not None:
            self._server.cleanup()
            self._server = None
