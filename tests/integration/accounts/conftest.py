"""Account tests: the real app over HTTPS on a real Postgres, with a clock the test moves and
Argon2 at a test cost (production parameters are proven in test_password_hashing.py)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import replace
from typing import Any

import httpx
import pytest
from argon2 import Parameters
from argon2.low_level import Type
from litestar import Litestar
from litestar.testing import AsyncTestClient

from aluzio.adapters.security.argon2_hasher import Argon2PasswordHasher
from aluzio.entrypoints.app import create_app
from aluzio.entrypoints.settings import Settings
from tests.support.clock import MutableClock

FAST_ARGON2 = Parameters(
    type=Type.ID,
    version=19,
    salt_len=16,
    hash_len=32,
    time_cost=1,
    memory_cost=1024,
    parallelism=1,
)
BASE_URL = "https://aluzio.test"
PASSWORD = "correct horse battery staple"
COOKIE = "_aluzio_key"


@pytest.fixture
def clock() -> MutableClock:
    return MutableClock()


@pytest.fixture
def settings(database_url: str) -> Settings:
    from tests.conftest import TEST_SECRET_KEY

    return Settings(
        database_url=database_url,
        secret_key=TEST_SECRET_KEY,
        base_url=BASE_URL,
        allowed_origins=("https://app.aluzio.test",),
    )


def fast_hasher() -> Argon2PasswordHasher:
    return Argon2PasswordHasher(concurrency=2, parameters=FAST_ARGON2)


@pytest.fixture
def make_app(settings: Settings, clock: MutableClock) -> Callable[..., Litestar]:
    def make(**changes: Any) -> Litestar:
        return create_app(
            replace(settings, **changes) if changes else settings,
            clock=clock,
            password_hasher=fast_hasher(),
        )

    return make


@pytest.fixture
def app(make_app: Callable[..., Litestar]) -> Litestar:
    return make_app()


@pytest.fixture
def open_client(
    make_app: Callable[..., Litestar],
) -> Callable[..., AsyncTestClient[Litestar]]:
    """A client, like another browser. Without ``app`` it gets an app instance of its own
    on the same database (each test client runs its app on its own event loop, so two
    clients must not share one app at the same time)."""

    def open_(app: Litestar | None = None) -> AsyncTestClient[Litestar]:
        return AsyncTestClient(app or make_app(), base_url=BASE_URL)

    return open_


@pytest.fixture
async def client(
    app: Litestar, open_client: Callable[..., AsyncTestClient[Litestar]]
) -> AsyncIterator[AsyncTestClient[Litestar]]:
    async with open_client(app) as test_client:
        yield test_client


Register = Callable[..., Awaitable[httpx.Response]]


@pytest.fixture
def register(client: AsyncTestClient[Litestar]) -> Register:
    async def register_(
        email: str = "ada@example.com",
        password: str = PASSWORD,
        name: str = "Ada Lovelace",
        *,
        on: AsyncTestClient[Litestar] | None = None,
        confirms_adult: object = True,
    ) -> httpx.Response:
        return await (on or client).post(
            "/api/auth/register",
            json={
                "name": name,
                "email": email,
                "password": password,
                "confirmsAdult": confirms_adult,
            },
        )

    return register_


async def csrf_of(client: AsyncTestClient[Litestar]) -> str:
    response = await client.get("/api/auth/session")
    assert response.status_code == 200, response.text
    return str(response.json()["csrfToken"])


async def login(
    client: AsyncTestClient[Litestar], email: str = "ada@example.com", password: str = PASSWORD
) -> httpx.Response:
    return await client.post("/api/auth/login", json={"email": email, "password": password})
