from __future__ import annotations

import asyncpg
from litestar.testing import AsyncTestClient

from aluzio.adapters.postgres.database import to_asyncpg_dsn
from aluzio.entrypoints.app import create_app
from aluzio.entrypoints.settings import Settings
from tests.support.postgres import DatabaseFactory


async def test_healthz_answers_without_touching_the_database() -> None:
    # An unreachable database does not matter to liveness.
    app = create_app(Settings(database_url="postgresql://nobody@127.0.0.1:1/none"))
    async with AsyncTestClient(app) as client:
        response = await client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


async def test_readyz_is_ready_on_a_migrated_database(client: AsyncTestClient) -> None:
    response = await client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {"status": "ready"}


async def test_readyz_is_503_when_the_database_is_unreachable() -> None:
    app = create_app(Settings(database_url="postgresql://nobody@127.0.0.1:1/none"))
    async with AsyncTestClient(app) as client:
        response = await client.get("/readyz")
    assert response.status_code == 503
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["detail"] == "The database is unreachable."


async def test_readyz_is_503_when_migrations_are_missing(
    database_factory: DatabaseFactory,
) -> None:
    url = await database_factory.create(template=False)
    try:
        async with AsyncTestClient(create_app(Settings(database_url=url))) as client:
            response = await client.get("/readyz")
        assert response.status_code == 503
        assert "latest migration" in response.json()["detail"]
    finally:
        await database_factory.drop(url)


async def test_readyz_is_503_when_the_schema_is_behind(database_url: str) -> None:
    connection = await asyncpg.connect(to_asyncpg_dsn(database_url))
    try:
        await connection.execute("UPDATE alembic_version SET version_num = 'older'")
    finally:
        await connection.close()
    async with AsyncTestClient(create_app(Settings(database_url=database_url))) as client:
        response = await client.get("/readyz")
    assert response.status_code == 503


async def test_openapi_document_and_browsable_ui(client: AsyncTestClient) -> None:
    document = await client.get("/schema/openapi.json")
    assert document.status_code == 200
    paths = document.json()["paths"]
    assert {"/healthz", "/readyz"} <= set(paths)
    ui = await client.get("/schema")
    assert ui.status_code == 200
    assert ui.headers["content-type"].startswith("text/html")
