"""Recognising the session behind a request: the read every signed-in request makes, and the
rare write of its activity (HTTP: tests/integration/accounts/test_sessions.py)."""

from __future__ import annotations

from dataclasses import replace

from aluzio.application.accounts.context import AccountsContext
from aluzio.application.accounts.ports import AccountsUnitOfWork
from aluzio.application.accounts.sessions import authenticate
from tests.support.clock import MutableClock


def counting_units_of_work(accounts: AccountsContext) -> tuple[AccountsContext, list[int]]:
    """``accounts`` whose use cases count the units of work they open."""
    opened: list[int] = []

    def unit_of_work() -> AccountsUnitOfWork:
        opened.append(1)
        return accounts.unit_of_work()

    return replace(accounts, unit_of_work=unit_of_work), opened


async def test_a_request_with_nothing_to_write_opens_no_unit_of_work(
    accounts, register, clock: MutableClock, store
) -> None:
    signed_in = await register()
    counted, opened = counting_units_of_work(accounts)
    clock.advance(minutes=4)
    actor = await authenticate(counted, signed_in.token)
    assert actor is not None
    assert (actor.user.id, actor.session.id) == (signed_in.user.id, signed_in.session.id)
    assert opened == []
    committed = store.committed.table("auth_sessions")[signed_in.session.id]
    assert committed.last_active_at == signed_in.session.last_active_at


async def test_activity_is_written_once_due_in_a_unit_of_work_of_its_own(
    accounts, register, clock: MutableClock, store
) -> None:
    signed_in = await register()
    counted, opened = counting_units_of_work(accounts)
    clock.advance(minutes=6)
    actor = await authenticate(counted, signed_in.token)
    assert actor is not None
    assert actor.session.last_active_at == clock.now()
    assert actor.user.last_active_at == clock.now()
    assert opened == [1]
    committed = store.committed.table("auth_sessions")[signed_in.session.id]
    assert committed.last_active_at == clock.now()
    assert committed.idle_expires_at == clock.now() + accounts.timeouts.idle
    assert store.committed.table("users")[signed_in.user.id].last_active_at == clock.now()


async def test_unknown_ended_and_expired_tokens_find_nobody(
    accounts, register, clock: MutableClock
) -> None:
    signed_in = await register()
    assert await authenticate(accounts, "not-a-token-we-issued") is None
    clock.advance(minutes=1)
    assert await authenticate(accounts, signed_in.token) is not None
    clock.advance(seconds=accounts.timeouts.idle.total_seconds())
    assert await authenticate(accounts, signed_in.token) is None
