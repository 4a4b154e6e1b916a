"""The Postgres account stores keep their promises under concurrency."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from aluzio.adapters.postgres.database import create_engine, create_session_factory
from aluzio.adapters.postgres.mappers import configure_mappers
from aluzio.adapters.postgres.unit_of_work import PostgresUnitOfWork
from aluzio.domain.accounts.email import EmailAddress
from aluzio.domain.accounts.sessions import LoginSession, SessionTimeouts
from aluzio.domain.accounts.throttling import LOGIN_PER_ACCOUNT
from aluzio.domain.accounts.tokens import AccountToken, TokenPurpose, token_digest
from aluzio.domain.accounts.user import User, UserName

NOW = datetime(2026, 11, 27, 8, 0, tzinfo=UTC)


@pytest.fixture
async def engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    configure_mappers()
    engine = create_engine(database_url, pool_size=4)
    yield engine
    await engine.dispose()


def uow(engine: AsyncEngine) -> PostgresUnitOfWork:
    return PostgresUnitOfWork(create_session_factory(engine))


async def test_a_throttle_is_locked_until_its_holder_commits(engine: AsyncEngine) -> None:
    first = uow(engine)
    async with first:
        held = await first.throttles.acquire("k", NOW)
        held.count_attempt(NOW, LOGIN_PER_ACCOUNT)

        async def second_attempt() -> int:
            async with uow(engine) as second:
                throttle = await second.throttles.acquire("k", NOW)
                throttle.count_attempt(NOW, LOGIN_PER_ACCOUNT)
                await second.commit()
                return throttle.attempts

        waiting = asyncio.create_task(second_attempt())
        await asyncio.sleep(0.3)
        assert not waiting.done()  # blocked on the row lock
        await first.commit()
    assert await asyncio.wait_for(waiting, timeout=10) == 2


async def test_a_token_is_taken_once_even_concurrently(engine: AsyncEngine) -> None:
    user_id = uuid.uuid4()
    async with uow(engine) as setup:
        await setup.users.add(
            User.register(
                id=user_id,
                name=UserName("Ada"),
                email=EmailAddress("ada@example.com"),
                password_hash="$argon2id$x",
                now=NOW,
            )
        )
        await setup.account_tokens.add(
            AccountToken.issue(
                id=uuid.uuid4(),
                user_id=user_id,
                purpose=TokenPurpose.PASSWORD_RESET,
                token="the-token",
                now=NOW,
            )
        )
        await setup.commit()

    async def take() -> bool:
        async with uow(engine) as work:
            token = await work.account_tokens.take(
                token_digest("the-token"), TokenPurpose.PASSWORD_RESET
            )
            await asyncio.sleep(0.1)
            await work.commit()
            return token is not None

    results = await asyncio.wait_for(asyncio.gather(take(), take()), timeout=10)
    assert sorted(results) == [False, True]


async def test_purging_skips_throttles_in_use(engine: AsyncEngine) -> None:
    old = NOW - timedelta(days=3)
    async with uow(engine) as setup:
        await setup.throttles.acquire("busy", old)
        await setup.throttles.acquire("idle", old)
        await setup.commit()
    async with uow(engine) as holder:
        await holder.throttles.acquire("busy", NOW)
        async with uow(engine) as purger:
            await asyncio.wait_for(purger.throttles.purge_stale(NOW - timedelta(days=1)), 5)
            await purger.commit()
        await holder.commit()
    async with uow(engine) as check:
        assert (await check.throttles.acquire("busy", NOW)).window_started_at == old
        assert (await check.throttles.acquire("idle", NOW)).window_started_at == NOW


async def test_the_session_and_its_user_come_in_one_lookup_and_stay_tracked(
    engine: AsyncEngine,
) -> None:
    timeouts = SessionTimeouts(idle=timedelta(hours=8), absolute=timedelta(hours=24))
    user = User.register(
        id=uuid.uuid4(),
        name=UserName("Ada"),
        email=EmailAddress("ada@example.com"),
        password_hash="$argon2id$x",
        now=NOW,
    )
    login = LoginSession.start(
        id=uuid.uuid4(),
        user_id=user.id,
        token="the-token",
        now=NOW,
        timeouts=timeouts,
        user_agent="Firefox on Linux",
    )
    async with uow(engine) as setup:
        await setup.users.add(user)
        await setup.sessions.add(login)
        await setup.commit()

    later = NOW + timedelta(hours=1)
    async with uow(engine) as work:
        assert await work.sessions.find_active_with_user(token_digest("other"), later) is None
        found = await work.sessions.find_active_with_user(token_digest("the-token"), later)
        assert found is not None
        session, owner = found
        assert (session.id, session.user_id, session.expires_at) == (
            login.id,
            user.id,
            login.expires_at,
        )
        assert (owner.id, owner.email, owner.created_at) == (user.id, user.email, NOW)
        # Changed and committed like any loaded entity.
        assert session.record_activity(later, timeouts)
        owner.last_active_at = later
        await work.commit()

    async with uow(engine) as check:
        reread = await check.sessions.find_active(token_digest("the-token"), later)
        assert reread is not None
        assert reread.idle_expires_at == later + timeouts.idle
        reloaded = await check.users.find(user.id)
        assert reloaded is not None
        assert reloaded.last_active_at == later
        # Past the idle expiry it is not found.
        gone = later + timeouts.idle + timedelta(seconds=1)
        assert await check.sessions.find_active_with_user(token_digest("the-token"), gone) is None
