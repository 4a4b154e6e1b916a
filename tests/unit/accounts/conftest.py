"""Use-case tests: the account use cases over the in-memory unit of work, wired by the same
composition function as production, with a clock the test moves and Argon2 at a test cost.
No HTTP, no database: each test takes milliseconds."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from dataclasses import replace
from typing import Any

import pytest

from aluzio.adapters.mail.templates import FileMailTemplates
from aluzio.adapters.memory.mail import QueuedMessage
from aluzio.adapters.memory.unit_of_work import MemoryStore
from aluzio.adapters.security.argon2_hasher import Argon2PasswordHasher
from aluzio.application.accounts import registration, sessions
from aluzio.application.accounts.context import AccountsContext
from aluzio.application.accounts.registration import Registration
from aluzio.application.accounts.sessions import ClientInfo, SignedIn
from aluzio.application.actor import UserActor
from aluzio.entrypoints.container import accounts_context, memory_unit_of_work
from aluzio.entrypoints.settings import Settings
from tests.integration.accounts.conftest import BASE_URL, FAST_ARGON2, PASSWORD
from tests.support.clock import MutableClock

CLIENT = ClientInfo(address="203.0.113.7", user_agent="pytest")


@pytest.fixture
def clock() -> MutableClock:
    return MutableClock()


@pytest.fixture
def store() -> MemoryStore:
    return MemoryStore()


@pytest.fixture
def settings() -> Settings:
    return Settings(secret_key="unit-test-secret-key-long-enough-0123456789", base_url=BASE_URL)


@pytest.fixture
def make_accounts(
    settings: Settings, store: MemoryStore, clock: MutableClock
) -> Callable[..., AccountsContext]:
    def make(**changes: Any) -> AccountsContext:
        return accounts_context(
            replace(settings, **changes) if changes else settings,
            memory_unit_of_work(store),
            clock=clock,
            hasher=Argon2PasswordHasher(concurrency=2, parameters=FAST_ARGON2),
            mail_templates=FileMailTemplates(BASE_URL),
        )

    return make


@pytest.fixture
def accounts(make_accounts: Callable[..., AccountsContext]) -> AccountsContext:
    return make_accounts()


Register = Callable[..., Awaitable[SignedIn]]


@pytest.fixture
def register(accounts: AccountsContext) -> Register:
    async def register_(
        email: str = "ada@example.com",
        password: str = PASSWORD,
        name: str = "Ada Lovelace",
        *,
        confirms_adult: bool = True,
        on: AccountsContext | None = None,
        client: ClientInfo = CLIENT,
    ) -> SignedIn:
        form = Registration(name, email, password, confirms_adult)
        return await registration.register(on or accounts, form, client)

    return register_


def actor_of(signed_in: SignedIn) -> UserActor:
    return UserActor(user=signed_in.user, session=signed_in.session, token=signed_in.token)


async def login(
    accounts: AccountsContext, email: str = "ada@example.com", password: str = PASSWORD
) -> SignedIn:
    return await sessions.login(accounts, email, password, CLIENT)


def sent(store: MemoryStore, category: str) -> list[QueuedMessage]:
    """Mail committed to the outbox, oldest first."""
    rows = store.committed.table("mail_outbox").values()
    return [row for row in rows if row.message.category == category]


def link_token(message: QueuedMessage, path: str) -> str:
    match = re.search(
        re.escape(BASE_URL + path) + r"#token=([A-Za-z0-9_\-]+)", message.message.text_body
    )
    assert match, message.message.text_body
    return match.group(1)
