from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from aluzio.entrypoints.app import create_app
from aluzio.entrypoints.settings import Settings
from tests.support.cookies import install_cookie_check
from tests.support.postgres import DatabaseFactory, PostgresProvider, choose_provider

pytest_plugins = ["tests.support.socket_guard", "tests.support.log_guard"]
TEST_SECRET_KEY = "test-secret-key-that-is-long-enough-0123456789"
_provider_key = pytest.StashKey[PostgresProvider]()


def pytest_configure(config: pytest.Config) -> None:
    config.stash[_provider_key] = choose_provider()


def pytest_report_header(config: pytest.Config) -> str:
    return f"aluzio test database: {config.stash[_provider_key].description}"


@pytest.fixture(autouse=True)
def only_the_session_cookie(monkeypatch: pytest.MonkeyPatch) -> None:
    """No response anywhere in the suite sets a cookie other than ``_aluzio_key``."""
    install_cookie_check(monkeypatch)


@pytest.fixture(scope="session")
def database_factory(pytestconfig: pytest.Config) -> Iterator[DatabaseFactory]:
    """The test Postgres server, with the migrations applied once to a template database."""
    provider = pytestconfig.stash[_provider_key]
    factory = DatabaseFactory(provider.start())
    try:
        factory.create_template()
        yield factory
        asyncio.run(factory.drop_spares())
    finally:
        provider.stop()


@pytest.fixture
async def database_url(database_factory: DatabaseFactory) -> AsyncIterator[str]:
    """A fully migrated database of this test's own, with no rows."""
    url = await database_factory.create()
    try:
        yield url
    finally:
        await database_factory.release(url)


@pytest.fixture
def settings(database_url: str) -> Settings:
    return Settings(
        database_url=database_url,
        secret_key=TEST_SECRET_KEY,
        base_url="https://aluzio.test",
    )


@pytest.fixture
def app(settings: Settings) -> Litestar:
    return create_app(settings)


@pytest.fixture
async def client(app: Litestar) -> AsyncIterator[AsyncTestClient[Litestar]]:
    async with AsyncTestClient(app, base_url="http://aluzio.test") as test_client:
        yield test_client
