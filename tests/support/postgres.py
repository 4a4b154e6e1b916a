"""Which Postgres the tests use, in the order the architecture guide gives:

1. ``ALUZIO_TEST_DATABASE_URL``, a server someone already runs;
2. a testcontainers Postgres when a Docker engine answers (image ``ALUZIO_TEST_POSTGRES_IMAGE``)
   and the image is there or can be pulled;
3. an embedded Postgres (pgserver) otherwise: no Docker, or Docker without the image (an
   offline laptop), or a container that does not start. The pytest header says which and why.

Each test gets its own database cloned from a template that was migrated once. Under
pytest-xdist every worker is a process of its own with its own server (its session fixtures
run per worker) and its own template, named after the worker, so workers sharing one server
(``ALUZIO_TEST_DATABASE_URL``) never drop each other's template.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import tempfile
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import asyncpg

from aluzio.adapters.postgres import migrator
from aluzio.adapters.postgres.database import create_engine, to_asyncpg_dsn
from aluzio.entrypoints.embedded_postgres import EmbeddedPostgres

DEFAULT_IMAGE = "postgres:17-alpine"
TEMPLATE_DATABASE = "aluzio_template"


def worker_template() -> str:
    """This process's template database: one per xdist worker (``gw0``, ``gw1``...)."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    return f"{TEMPLATE_DATABASE}_{worker}" if worker else TEMPLATE_DATABASE


def with_database(url: str, database: str) -> str:
    """The same server URL, pointing at another database."""
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, "/" + database, parts.query, parts.fragment))


@dataclass
class PostgresProvider:
    kind: str
    description: str
    admin_url: str = ""
    _handle: Any = field(default=None, repr=False)
    _tmpdir: str | None = field(default=None, repr=False)

    def start(self) -> str:
        if self.kind == "url":
            self.admin_url = os.environ["ALUZIO_TEST_DATABASE_URL"]
        elif self.kind == "testcontainers":
            from testcontainers.community.postgres import PostgresContainer

            container = PostgresContainer(
                os.environ.get("ALUZIO_TEST_POSTGRES_IMAGE", DEFAULT_IMAGE), driver=None
            )
            try:
                container.start()
            except Exception as exc:
                _stop_quietly(container)
                self.kind = "embedded"
                self.description = (
                    f"embedded pgserver (the Postgres container did not start: {_first_line(exc)})"
                )
                return self._start_embedded()
            self._handle = container
            self.admin_url = container.get_connection_url()
        else:
            self._start_embedded()
        return self.admin_url

    def _start_embedded(self) -> str:
        self._tmpdir = tempfile.mkdtemp(prefix="aluzio-pg-")
        embedded = EmbeddedPostgres(Path(self._tmpdir))
        self._handle = embedded
        self.admin_url = embedded.start(database="postgres")
        return self.admin_url

    def stop(self) -> None:
        if (self.kind == "testcontainers" and self._handle is not None) or (
            self.kind == "embedded" and self._handle is not None
        ):
            self._handle.stop()
        if self._tmpdir is not None:
            shutil.rmtree(self._tmpdir, ignore_errors=True)


def choose_provider() -> PostgresProvider:
    if os.environ.get("ALUZIO_TEST_DATABASE_URL"):
        return PostgresProvider("url", "ALUZIO_TEST_DATABASE_URL")
    if not _docker_answers():
        return PostgresProvider("embedded", "embedded pgserver (no Docker engine answered)")
    image = os.environ.get("ALUZIO_TEST_POSTGRES_IMAGE", DEFAULT_IMAGE)
    missing = _image_unavailable(image)
    if missing is not None:
        return PostgresProvider(
            "embedded",
            f"embedded pgserver (Docker answered, but image {image} is not available: {missing})",
        )
    return PostgresProvider("testcontainers", f"testcontainers ({image})")


def _docker_answers() -> bool:
    try:
        import docker

        client = docker.from_env(timeout=3)
        try:
            return bool(client.ping())
        finally:
            client.close()
    except Exception:
        return False


def _image_unavailable(image: str) -> str | None:
    """None when ``image`` is present or can be pulled now; otherwise why not."""
    try:
        import docker

        client = docker.from_env(timeout=60)
        try:
            try:
                client.images.get(image)
                return None
            except docker.errors.ImageNotFound:
                client.images.pull(image)
                return None
        finally:
            client.close()
    except Exception as exc:
        return _first_line(exc)


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return (text[0] if text else type(exc).__name__)[:200]


def _stop_quietly(container: Any) -> None:
    with contextlib.suppress(Exception):  # nothing may have started; nothing to clean up
        container.stop()


class DatabaseFactory:
    """Creates databases on the test server: a migrated template, then cheap clones of it."""

    def __init__(self, admin_url: str, template: str | None = None) -> None:
        self.admin_url = admin_url
        self.template = template or worker_template()

    def create_template(self) -> None:
        asyncio.run(self._create_template())

    async def _create_template(self) -> None:
        await self._execute(f'DROP DATABASE IF EXISTS "{self.template}" WITH (FORCE)')
        await self._execute(f'CREATE DATABASE "{self.template}"')
        engine = create_engine(with_database(self.admin_url, self.template), pool_size=1)
        try:
            await migrator.upgrade(engine)
        finally:
            await engine.dispose()

    async def create(self, *, template: bool = True) -> str:
        """A new database (a clone of the migrated template, or empty); returns its URL."""
        name = f"test_{uuid.uuid4().hex[:16]}"
        clause = f' TEMPLATE "{self.template}"' if template else ""
        await self._execute(f'CREATE DATABASE "{name}"{clause}')
        return with_database(self.admin_url, name)

    async def drop(self, url: str) -> None:
        name = urlsplit(url).path.lstrip("/")
        await self._execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    async def _execute(self, sql: str) -> None:
        connection = await asyncpg.connect(to_asyncpg_dsn(self.admin_url))
        try:
            await connection.execute(sql)
        finally:
            await connection.close()
