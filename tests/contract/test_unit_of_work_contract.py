"""One contract, two implementations: the in-memory unit of work and its repositories keep
the same promises as the Postgres ones, so use-case tests on memory say something true.

Concurrency (row locks, SKIP LOCKED) is Postgres's alone: see test_account_stores.py.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import asyncpg
import pytest

from aluzio.adapters.memory.unit_of_work import MemoryStore
from aluzio.adapters.postgres.accounts import PostgresSessionLookup
from aluzio.adapters.postgres.database import (
    create_engine,
    create_session_factory,
    to_asyncpg_dsn,
)
from aluzio.adapters.postgres.mappers import configure_mappers
from aluzio.application.accounts.ports import AccountsUnitOfWork, SessionLookup
from aluzio.application.accounts.sessions import SessionLookupInUnitOfWork
from aluzio.application.pagination import Page
from aluzio.application.ports.mail import EmailMessage
from aluzio.domain.accounts.email import EmailAddress
from aluzio.domain.accounts.errors import EmailTaken
from aluzio.domain.accounts.sessions import LoginSession, SessionTimeouts
from aluzio.domain.accounts.throttling import LOGIN_PER_ACCOUNT
from aluzio.domain.accounts.tokens import AccountToken, TokenPurpose, token_digest
from aluzio.domain.accounts.user import User, UserName
from aluzio.domain.errors import NotFound
from aluzio.entrypoints.container import memory_unit_of_work, postgres_unit_of_work

NOW = datetime(2026, 11, 27, 8, 0, tzinfo=UTC)
TIMEOUTS = SessionTimeouts(idle=timedelta(hours=1), absolute=timedelta(hours=4))


@dataclass
class Backend:
    unit_of_work: Callable[[], AccountsUnitOfWork]
    queued_mail: Callable[[], Awaitable[list[tuple[uuid.UUID | None, str]]]]
    session_lookup: SessionLookup


@pytest.fixture(params=["memory", "postgres"])
def backend(request: pytest.FixtureRequest) -> Backend:
    chosen: Backend = request.getfixturevalue(f"{request.param}_backend")
    return chosen


@pytest.fixture
def memory_backend() -> Backend:
    store = MemoryStore()
    new = memory_unit_of_work(store)

    async def queued_mail() -> list[tuple[uuid.UUID | None, str]]:
        rows = store.committed.table("mail_outbox").values()
        return [(row.user_id, row.message.to) for row in rows]

    def work() -> AccountsUnitOfWork:
        return AccountsUnitOfWork(new())

    return Backend(work, queued_mail, SessionLookupInUnitOfWork(work))


@pytest.fixture
async def postgres_backend(database_url: str) -> AsyncIterator[Backend]:
    configure_mappers()
    engine = create_engine(database_url, pool_size=2)
    new = postgres_unit_of_work(create_session_factory(engine))

    async def queued_mail() -> list[tuple[uuid.UUID | None, str]]:
        connection = await asyncpg.connect(to_asyncpg_dsn(database_url))
        try:
            rows = await connection.fetch(
                "SELECT user_id, recipient FROM mail_outbox ORDER BY created_at, id"
            )
        finally:
            await connection.close()
        return [(row["user_id"], row["recipient"]) for row in rows]

    try:
        yield Backend(lambda: AccountsUnitOfWork(new()), queued_mail, PostgresSessionLookup(engine))
    finally:
        await engine.dispose()


def a_user(email: str = "ada@example.com") -> User:
    return User.register(
        id=uuid.uuid4(),
        name=UserName("Ada"),
        email=EmailAddress(email),
        password_hash="$argon2id$x",
        now=NOW,
    )


async def saved_user(backend: Backend, email: str = "ada@example.com") -> User:
    async with backend.unit_of_work() as uow:
        user = await uow.users.add(a_user(email))
        await uow.commit()
    return user


def a_session(user: User, token: str, now: datetime = NOW) -> LoginSession:
    return LoginSession.start(
        id=uuid.uuid4(), user_id=user.id, token=token, now=now, timeouts=TIMEOUTS, user_agent=""
    )


async def test_the_session_and_its_user_come_in_one_lookup_and_stay_tracked(
    backend: Backend,
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
    async with backend.unit_of_work() as setup:
        await setup.users.add(user)
        await setup.sessions.add(login)
        await setup.commit()

    later = NOW + timedelta(hours=1)
    async with backend.unit_of_work() as work:
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

    async with backend.unit_of_work() as check:
        reread = await check.sessions.find_active(token_digest("the-token"), later)
        assert reread is not None
        assert reread.idle_expires_at == later + timeouts.idle
        reloaded = await check.users.find(user.id)
        assert reloaded is not None
        assert reloaded.last_active_at == later
        # Past the idle expiry it is not found.
        gone = later + timeouts.idle + timedelta(seconds=1)
        assert await check.sessions.find_active_with_user(token_digest("the-token"), gone) is None


async def test_the_request_path_lookup_reads_what_is_committed_and_writes_nothing(
    backend: Backend,
) -> None:
    user = await saved_user(backend)
    login = a_session(user, "the-token")
    async with backend.unit_of_work() as setup:
        await setup.sessions.add(login)
        await setup.commit()
    lookup = backend.session_lookup
    later = NOW + timedelta(minutes=30)

    assert await lookup.find_active_with_user(token_digest("other"), later) is None
    found = await lookup.find_active_with_user(token_digest("the-token"), later)
    assert found is not None
    session, owner = found
    assert (session.id, session.user_id, session.idle_expires_at) == (
        login.id,
        user.id,
        login.idle_expires_at,
    )
    assert (owner.id, owner.email, owner.name, owner.created_at) == (
        user.id,
        user.email,
        user.name,
        NOW,
    )
    # What it returns is nobody's to write: a change to it stays in memory.
    session.record_activity(later, TIMEOUTS)
    owner.last_active_at = later
    again = await lookup.find_active_with_user(token_digest("the-token"), later)
    assert again is not None
    assert again[0].idle_expires_at == login.idle_expires_at
    assert again[1].last_active_at == user.last_active_at
    # Expired or ended, it is not found.
    expired = login.idle_expires_at + timedelta(seconds=1)
    assert await lookup.find_active_with_user(token_digest("the-token"), expired) is None
    async with backend.unit_of_work() as ending:
        await ending.sessions.end(login.id)
        await ending.commit()
    assert await lookup.find_active_with_user(token_digest("the-token"), later) is None


# --- Units of work ----------------------------------------------------------------------------


async def test_changes_are_kept_only_when_committed(backend: Backend) -> None:
    async with backend.unit_of_work() as uow:
        await uow.users.add(a_user("dropped@example.com"))
    user = await saved_user(backend)
    async with backend.unit_of_work() as uow:
        assert await uow.users.find_by_email("dropped@example.com") is None
        found = await uow.users.find(user.id)
        assert found is not None
        found.rename(UserName("Ada Lovelace"))
        await uow.commit()
    async with backend.unit_of_work() as uow:
        found = await uow.users.find(user.id)
        assert found is not None
        found.rename(UserName("Not kept"))
    async with backend.unit_of_work() as uow:
        found = await uow.users.find(user.id)
        assert found is not None
        assert found.name == "Ada Lovelace"


async def test_a_failing_block_keeps_nothing(backend: Backend) -> None:
    with pytest.raises(RuntimeError):
        async with backend.unit_of_work() as uow:
            await uow.users.add(a_user())
            await uow.outbox.enqueue(EmailMessage("ada@example.com", "s", "t", "h", "c"))
            raise RuntimeError("half-way")
    async with backend.unit_of_work() as uow:
        assert await uow.users.find_by_email("ada@example.com") is None
    assert await backend.queued_mail() == []


async def test_queued_mail_is_kept_with_its_user_on_commit(backend: Backend) -> None:
    user = await saved_user(backend)
    async with backend.unit_of_work() as uow:
        await uow.outbox.enqueue(EmailMessage(user.email, "s", "t", "h", "c"), user_id=user.id)
        await uow.outbox.enqueue(EmailMessage("ops@example.org", "s", "t", "h", "c"))
        await uow.commit()
    assert sorted(await backend.queued_mail(), key=lambda row: row[1]) == [
        (user.id, "ada@example.com"),
        (None, "ops@example.org"),
    ]


# --- Users ------------------------------------------------------------------------------------


async def test_an_email_is_taken_once(backend: Backend) -> None:
    await saved_user(backend)
    with pytest.raises(EmailTaken):
        async with backend.unit_of_work() as uow:
            await uow.users.add(a_user())
            await uow.commit()


async def test_users_are_found_by_id_and_by_email(backend: Backend) -> None:
    user = await saved_user(backend)
    async with backend.unit_of_work() as uow:
        by_id = await uow.users.find(user.id)
        by_email = await uow.users.find_by_email("ada@example.com")
        assert await uow.users.find(uuid.uuid4()) is None
        assert await uow.users.find_by_email("bob@example.com") is None
    assert by_id is not None
    assert by_email is not None
    assert by_id.id == by_email.id == user.id


# --- Sign-in sessions -------------------------------------------------------------------------


async def test_a_session_needs_its_user(backend: Backend) -> None:
    with pytest.raises(NotFound):
        async with backend.unit_of_work() as uow:
            await uow.sessions.add(a_session(a_user(), "orphan"))
            await uow.commit()


async def test_sessions_are_live_until_they_expire(backend: Backend) -> None:
    user = await saved_user(backend)
    async with backend.unit_of_work() as uow:
        first = await uow.sessions.add(a_session(user, "first"))
        second = await uow.sessions.add(a_session(user, "second", NOW + timedelta(minutes=30)))
        await uow.commit()
    later = NOW + timedelta(minutes=45)
    async with backend.unit_of_work() as uow:
        found = await uow.sessions.find_active(token_digest("first"), later)
        assert found is not None
        assert found.id == first.id
        assert await uow.sessions.find_active(token_digest("unknown"), later) is None
        listed = await uow.sessions.list_active(user.id, later)
        assert [s.id for s in listed] == [second.id, first.id]  # newest first
        idle = NOW + timedelta(minutes=61)
        assert await uow.sessions.find_active(token_digest("first"), idle) is None
        assert [s.id for s in await uow.sessions.list_active(user.id, idle)] == [second.id]
        await uow.sessions.purge_expired(user.id, idle)
        await uow.commit()
    async with backend.unit_of_work() as uow:
        assert [s.id for s in await uow.sessions.list_active(user.id, NOW)] == [second.id]


async def test_ending_sessions(backend: Backend) -> None:
    user = await saved_user(backend)
    other = await saved_user(backend, "bob@example.com")
    async with backend.unit_of_work() as uow:
        kept = await uow.sessions.add(a_session(user, "kept"))
        await uow.sessions.add(a_session(user, "gone-1"))
        gone = await uow.sessions.add(a_session(user, "gone-2"))
        bobs = await uow.sessions.add(a_session(other, "bobs"))
        await uow.commit()
    async with backend.unit_of_work() as uow:
        await uow.sessions.end(gone.id)
        await uow.sessions.end_all(user.id, keep=kept.id)
        await uow.commit()
    async with backend.unit_of_work() as uow:
        assert [s.id for s in await uow.sessions.list_active(user.id, NOW)] == [kept.id]
        assert [s.id for s in await uow.sessions.list_active(other.id, NOW)] == [bobs.id]
        await uow.sessions.end_all(user.id)
        await uow.commit()
    async with backend.unit_of_work() as uow:
        assert await uow.sessions.list_active(user.id, NOW) == []


# --- Link tokens ------------------------------------------------------------------------------


async def test_a_token_is_peeked_then_taken_once(backend: Backend) -> None:
    user = await saved_user(backend)
    async with backend.unit_of_work() as uow:
        await uow.account_tokens.add(
            AccountToken.issue(
                id=uuid.uuid4(),
                user_id=user.id,
                purpose=TokenPurpose.PASSWORD_RESET,
                token="reset",
                now=NOW,
            )
        )
        await uow.commit()
    digest = token_digest("reset")
    async with backend.unit_of_work() as uow:
        assert await uow.account_tokens.peek(digest, TokenPurpose.EMAIL_VERIFICATION) is None
        assert await uow.account_tokens.peek(digest, TokenPurpose.PASSWORD_RESET) is not None
        taken = await uow.account_tokens.take(digest, TokenPurpose.PASSWORD_RESET)
        assert taken is not None
        assert taken.user_id == user.id
        assert await uow.account_tokens.take(digest, TokenPurpose.PASSWORD_RESET) is None
        await uow.commit()
    async with backend.unit_of_work() as uow:
        assert await uow.account_tokens.peek(digest, TokenPurpose.PASSWORD_RESET) is None


async def test_revoking_removes_one_purpose_of_one_user(backend: Backend) -> None:
    user = await saved_user(backend)
    other = await saved_user(backend, "bob@example.com")
    issued = [
        (user, TokenPurpose.PASSWORD_RESET, "a"),
        (user, TokenPurpose.EMAIL_VERIFICATION, "b"),
        (other, TokenPurpose.PASSWORD_RESET, "c"),
    ]
    async with backend.unit_of_work() as uow:
        for owner, purpose, token in issued:
            await uow.account_tokens.add(
                AccountToken.issue(
                    id=uuid.uuid4(), user_id=owner.id, purpose=purpose, token=token, now=NOW
                )
            )
        await uow.account_tokens.revoke(user.id, TokenPurpose.PASSWORD_RESET)
        await uow.commit()
    async with backend.unit_of_work() as uow:
        left = [
            await uow.account_tokens.peek(token_digest(token), purpose) is not None
            for _, purpose, token in issued
        ]
    assert left == [False, True, True]


async def test_revoking_all_removes_every_purpose_of_one_user(backend: Backend) -> None:
    user = await saved_user(backend)
    other = await saved_user(backend, "bob@example.com")
    issued = [
        (user, TokenPurpose.PASSWORD_RESET, "a"),
        (user, TokenPurpose.EMAIL_CHANGE, "b"),
        (other, TokenPurpose.EMAIL_VERIFICATION, "c"),
    ]
    async with backend.unit_of_work() as uow:
        for owner, purpose, token in issued:
            await uow.account_tokens.add(
                AccountToken.issue(
                    id=uuid.uuid4(), user_id=owner.id, purpose=purpose, token=token, now=NOW
                )
            )
        await uow.account_tokens.revoke_all(user.id)
        await uow.commit()
    async with backend.unit_of_work() as uow:
        left = [
            await uow.account_tokens.peek(token_digest(token), purpose) is not None
            for _, purpose, token in issued
        ]
    assert left == [False, False, True]


async def test_a_token_issued_to_an_email_reaches_only_a_registered_account(
    backend: Backend,
) -> None:
    user = await saved_user(backend)
    async with backend.unit_of_work() as uow:
        for token, email in (
            ("first", user.email),
            ("second", user.email),
            ("x", "no@example.com"),
        ):
            await uow.account_tokens.issue_to_email(
                email,
                id=uuid.uuid4(),
                purpose=TokenPurpose.PASSWORD_RESET,
                token_hash=token_digest(token),
                now=NOW,
            )
        await uow.commit()
    async with backend.unit_of_work() as uow:
        # The second replaces the first; the unknown address stores nothing.
        assert (
            await uow.account_tokens.peek(token_digest("first"), TokenPurpose.PASSWORD_RESET)
            is None
        )
        second = await uow.account_tokens.peek(token_digest("second"), TokenPurpose.PASSWORD_RESET)
        assert second is not None
        assert (second.user_id, second.expires_at) == (user.id, NOW + timedelta(minutes=30))
        assert await uow.account_tokens.peek(token_digest("x"), TokenPurpose.PASSWORD_RESET) is None


async def test_mail_to_an_address_is_queued_only_when_it_is_registered(backend: Backend) -> None:
    user = await saved_user(backend)
    async with backend.unit_of_work() as uow:
        for to in (user.email, "nobody@example.com"):
            await uow.outbox.enqueue_if_registered(EmailMessage(to, "s", "t", "h", "c"))
        await uow.commit()
    assert await backend.queued_mail() == [(user.id, user.email)]


# --- Throttles --------------------------------------------------------------------------------


async def test_a_throttle_counts_across_units_of_work(backend: Backend) -> None:
    for _ in range(3):
        async with backend.unit_of_work() as uow:
            throttle = await uow.throttles.acquire("k", NOW)
            throttle.count_attempt(NOW, LOGIN_PER_ACCOUNT)
            await uow.commit()
    async with backend.unit_of_work() as uow:
        throttle = await uow.throttles.acquire("k", NOW + timedelta(minutes=1))
    assert throttle.attempts == 3
    assert throttle.window_started_at == NOW


async def test_stale_throttles_are_purged_unless_locked(backend: Backend) -> None:
    old = NOW - timedelta(days=3)
    async with backend.unit_of_work() as uow:
        await uow.throttles.acquire("stale", old)
        locked = await uow.throttles.acquire("locked", old)
        locked.locked_until = NOW + timedelta(minutes=5)
        await uow.throttles.acquire("fresh", NOW)
        await uow.commit()
    async with backend.unit_of_work() as uow:
        await uow.throttles.purge_stale(NOW - timedelta(days=1))
        await uow.commit()
    async with backend.unit_of_work() as uow:
        starts = {
            key: (await uow.throttles.acquire(key, NOW)).window_started_at
            for key in ("stale", "locked", "fresh")
        }
    assert starts == {"stale": NOW, "locked": old, "fresh": NOW}


async def test_clearing_throttles_by_key_prefix(backend: Backend) -> None:
    old = NOW - timedelta(minutes=5)
    async with backend.unit_of_work() as uow:
        for key in ("pair:ada:1", "pair:ada:2", "pair:bob:1", "pair:ada"):
            throttle = await uow.throttles.acquire(key, old)
            throttle.count_attempt(old, LOGIN_PER_ACCOUNT)
        await uow.throttles.clear("pair:ada:")
        await uow.commit()
    async with backend.unit_of_work() as uow:
        counts = {
            key: (await uow.throttles.acquire(key, NOW)).attempts
            for key in ("pair:ada:1", "pair:ada:2", "pair:bob:1", "pair:ada")
        }
    assert counts == {"pair:ada:1": 0, "pair:ada:2": 0, "pair:bob:1": 1, "pair:ada": 1}


async def test_live_sessions_come_a_page_at_a_time(backend: Backend) -> None:
    user = await saved_user(backend)
    async with backend.unit_of_work() as uow:
        started = [
            await uow.sessions.add(a_session(user, f"s{n}", NOW + timedelta(minutes=n)))
            for n in range(5)
        ]
        await uow.commit()
    newest_first = [s.id for s in reversed(started)]
    at = NOW + timedelta(minutes=10)
    async with backend.unit_of_work() as uow:
        first = await uow.sessions.page_active(user.id, at, Page(limit=2))
        third = await uow.sessions.page_active(user.id, at, Page(limit=2, offset=4))
        beyond = await uow.sessions.page_active(user.id, at, Page(limit=2, offset=6))
    assert ([s.id for s in first.items], first.total) == (newest_first[:2], 5)
    assert ([s.id for s in third.items], third.total) == (newest_first[4:], 5)
    assert (list(beyond.items), beyond.total) == ([], 5)
