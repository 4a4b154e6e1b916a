"""The baseline for ``bench.signed_in_path``: a bare Litestar + asyncpg ``GET /api/me``.

It does what a signed-in ``GET /api/me`` on Aluzio must do at the least, with nothing around
it: take the session cookie, look up the live session and its user by the token's SHA-256
with the very statement Aluzio sends (``ACTIVE_SESSION_WITH_USER_SQL``), and answer the same
profile body. No ORM, no unit of work, no middleware, no logging. Served by uvicorn with one
worker: ``BARE_DATABASE_URL=... uvicorn --factory bench.bare_me:create_app``.
"""

from __future__ import annotations

import hashlib
import os
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

import asyncpg
import msgspec
from litestar import Litestar, Request, get
from litestar.exceptions import NotAuthorizedException

from aluzio.adapters.postgres.accounts import ACTIVE_SESSION_WITH_USER_SQL
from aluzio.adapters.postgres.database import to_asyncpg_dsn
from aluzio.adapters.postgres.tables.accounts import auth_sessions, users

SESSION_COOKIE = "_aluzio_key"
POOL_SIZE = 10  # Aluzio's default ALUZIO_DB_POOL_SIZE
SESSION_COLUMNS = tuple(column.name for column in auth_sessions.c)
USER_COLUMNS = tuple(column.name for column in users.c)


class Me(msgspec.Struct, rename="camel"):
    id: UUID
    name: str
    email: str
    email_verified: bool
    created_at: datetime
    last_login_at: datetime | None


def create_app() -> Litestar:
    dsn = to_asyncpg_dsn(os.environ["BARE_DATABASE_URL"])
    pools: list[asyncpg.Pool] = []

    async def open_pool() -> None:
        pools.append(await asyncpg.create_pool(dsn, min_size=POOL_SIZE, max_size=POOL_SIZE))

    async def close_pool() -> None:
        for pool in pools:
            await pool.close()

    @get("/api/me")
    async def me(request: Request[Any, Any, Any]) -> Me:
        token = request.cookies.get(SESSION_COOKIE)
        if not token:
            raise NotAuthorizedException()
        digest = hashlib.sha256(token.encode()).hexdigest()
        async with pools[0].acquire() as connection:
            row = await connection.fetchrow(ACTIVE_SESSION_WITH_USER_SQL, digest, datetime.now(UTC))
        if row is None:
            raise NotAuthorizedException()
        user = dict(zip(USER_COLUMNS, row[len(SESSION_COLUMNS) :], strict=True))
        return Me(
            id=user["id"],
            name=user["name"],
            email=user["email"],
            email_verified=user["email_verified_at"] is not None,
            created_at=user["created_at"],
            last_login_at=user["last_login_at"],
        )

    return Litestar(route_handlers=[me], on_startup=[open_pool], on_shutdown=[close_pool])
