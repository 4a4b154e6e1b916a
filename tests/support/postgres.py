"""Which Postgres the tests use, in the order the architecture guide gives:

1. ``ALUZIO_TEST_DATABASE_URL``, a server someone already runs;
2. a testcontainers Postgres when a Docker engine answers (image ``ALUZIO_TEST_POSTGRES_IMAGE``)
   and the image is there or can be pulled;
3. an embedded Postgres (pgserver) otherwise: no Docker, or Docker without the image (an
   offline laptop), or a container that does not start. The pytest header says which and why.

Each test gets its own database of the template's schema, migrated once: a clone, or a
database an earlier test of the same worker gave back, emptied (see DatabaseFactory). Under
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


# Everything a test could change in a database's schema or settings, described in text: a
# database whose description still equals the template's only differs from a clone by its
# rows and sequences, which deleting the rows and restarting the sequences take back.
_DESCRIPTION_SQL = """
SELECT md5(string_agg(item, E'\n' ORDER BY item)) FROM (
    SELECT concat_ws(' ', 'column', table_schema, table_name, column_name, data_type,
                     column_default, is_nullable, is_identity) AS item
    FROM information_schema.columns
    WHERE table_schema NOT IN ('pg_catalog', 'information_schema')
    UNION ALL
    SELECT concat_ws(' ', 'constraint', conrelid::regclass, conname, pg_get_constraintdef(oid))
    FROM pg_constraint WHERE connamespace <> 'pg_catalog'::regnamespace
    UNION ALL
    SELECT concat_ws(' ', 'index', schemaname, indexdef) FROM pg_indexes
    WHERE schemaname NOT IN ('pg_catalog', 'information_schema')
    UNION ALL
    SELECT concat_ws(' ', 'trigger', tgrelid::regclass, tgname, tgenabled) FROM pg_trigger
    WHERE NOT tgisinternal
    UNION ALL
    SELECT concat_ws(' ', 'function', p.oid::regprocedure) FROM pg_proc AS p
    WHERE pronamespace NOT IN ('pg_catalog'::regnamespace, 'information_schema'::regnamespace)
    UNION ALL
    SELECT concat_ws(' ', 'type', t.oid::regtype, t.typtype) FROM pg_type AS t
    WHERE typnamespace NOT IN ('pg_catalog'::regnamespace, 'information_schema'::regnamespace)
    UNION ALL
    SELECT concat_ws(' ', 'enum', enumtypid::regtype, enumlabel) FROM pg_enum
    UNION ALL
    SELECT concat_ws(' ', 'view', schemaname, viewname, definition) FROM pg_views
    WHERE schemaname NOT IN ('pg_catalog', 'information_schema')
    UNION ALL
    SELECT concat_ws(' ', 'sequence', sequence_schema, sequence_name)
    FROM information_schema.sequences
    UNION ALL
    SELECT concat_ws(' ', 'schema', nspname) FROM pg_namespace
    UNION ALL
    SELECT concat_ws(' ', 'extension', extname, extversion) FROM pg_extension
    UNION ALL
    SELECT concat_ws(' ', 'setting', array_to_string(setconfig, ',')) FROM pg_db_role_setting
    WHERE setdatabase = (SELECT oid FROM pg_database WHERE datname = current_database())
    UNION ALL
    SELECT concat_ws(' ', 'revision', version_num) FROM alembic_version
) AS described
"""
# The tables, children before the tables they reference: deleting in this order breaks no
# foreign key. Tables in a reference cycle sort last and fail the DELETE: not recycled.
_TABLES_SQL = """
WITH RECURSIVE tables AS (
    SELECT c.oid, format('%I.%I', n.nspname, c.relname) AS name
    FROM pg_class AS c JOIN pg_namespace AS n ON n.oid = c.relnamespace
    WHERE c.relkind IN ('r', 'p') AND n.nspname NOT IN ('pg_catalog', 'information_schema')
      AND n.nspname NOT LIKE 'pg_toast%' AND c.relname <> 'alembic_version'
), depth AS (
    SELECT oid, 0 AS level FROM tables
    UNION ALL
    SELECT con.confrelid, depth.level + 1 FROM depth
    JOIN pg_constraint AS con ON con.conrelid = depth.oid AND con.contype = 'f'
    WHERE con.confrelid <> con.conrelid AND depth.level < 50
)
SELECT tables.name FROM tables JOIN depth USING (oid)
GROUP BY tables.name ORDER BY max(depth.level), tables.name
"""
_RESTART_SEQUENCES_SQL = """
SELECT setval(format('%I.%I', schemaname, sequencename)::regclass, start_value, false)
FROM pg_sequences WHERE schemaname NOT IN ('pg_catalog', 'information_schema')
"""


class DatabaseFactory:
    """Creates databases on the test server: a migrated template, then cheap clones of it.

    Cloning costs Postgres 150-200 ms a database, so a test's database is given back rather
    than dropped (:meth:`release`): when its schema and settings still match the template's,
    its rows are deleted and its sequences restarted, and the next test receives it,
    as empty as a fresh clone; otherwise it is dropped. Tests of one worker run one after
    the other, so a database is never given to two tests at once.
    """

    def __init__(self, admin_url: str, template: str | None = None) -> None:
        self.admin_url = admin_url
        self.template = template or worker_template()
        self._spare: list[str] = []
        self._description: str | None = None
        self._tables: list[str] = []

    def create_template(self) -> None:
        asyncio.run(self._create_template())

    async def _create_template(self) -> None:
        await self._execute(f'DROP DATABASE IF EXISTS "{self.template}" WITH (FORCE)')
        await self._execute(f'CREATE DATABASE "{self.template}"')
        url = with_database(self.admin_url, self.template)
        engine = create_engine(url, pool_size=1)
        try:
            await migrator.upgrade(engine)
        finally:
            await engine.dispose()
        # Read before any clone: a template must have no other connection to be copied.
        connection = await asyncpg.connect(to_asyncpg_dsn(url))
        try:
            self._description = await connection.fetchval(_DESCRIPTION_SQL)
            self._tables = [row[0] for row in await connection.fetch(_TABLES_SQL)]
            for table in self._tables:
                if await connection.fetchval(f"SELECT EXISTS (SELECT FROM {table})"):
                    self._description = None  # the migrations wrote rows: clone every time
        finally:
            await connection.close()

    async def create(self, *, template: bool = True) -> str:
        """A database of the migrated template's schema with no rows (a clone, or one given
        back emptied), or an empty one; returns its URL."""
        if template and self._spare:
            return self._spare.pop()
        name = f"test_{uuid.uuid4().hex[:16]}"
        clause = f' TEMPLATE "{self.template}"' if template else ""
        await self._execute(f'CREATE DATABASE "{name}"{clause}')
        return with_database(self.admin_url, name)

    async def release(self, url: str) -> None:
        """Give back a database from :meth:`create` once its test is over."""
        if await self._emptied(url):
            self._spare.append(url)
        else:
            await self.drop(url)

    async def drop_spares(self) -> None:
        while self._spare:
            await self.drop(self._spare.pop())

    async def _emptied(self, url: str) -> bool:
        """Delete ``url``'s rows if its schema is still the template's; else False."""
        if self._description is None:
            return False
        try:
            connection = await asyncpg.connect(to_asyncpg_dsn(url))
        except Exception:
            return False
        try:
            # Whatever the test left connected (a server, a pool) goes, as DROP ... FORCE
            # would, and its locks with it.
            await connection.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                " WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
            if await connection.fetchval(_DESCRIPTION_SQL) != self._description:
                return False
            # A few rows each: DELETE is many times cheaper than TRUNCATE's new files.
            async with connection.transaction():
                await connection.execute("SET LOCAL lock_timeout = '5s'")
                for table in self._tables:  # children first
                    await connection.execute(f"DELETE FROM {table}")
                await connection.execute(_RESTART_SEQUENCES_SQL)
        except Exception:
            return False
        finally:
            await connection.close()
        return True

    async def drop(self, url: str) -> None:
        name = urlsplit(url).path.lstrip("/")
        await self._execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    async def _execute(self, sql: str) -> None:
        connection = await asyncpg.connect(to_asyncpg_dsn(self.admin_url))
        try:
            await connection.execute(sql)
        finally:
            await connection.close()
