"""Organization use cases over the in-memory unit of work, wired by the same composition
function as production; people sign up through the account use cases."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import pytest

from aluzio.adapters.mail.templates import FileMailTemplates
from aluzio.adapters.memory.unit_of_work import MemoryStore
from aluzio.application.accounts import registration
from aluzio.application.accounts.context import AccountsContext
from aluzio.application.actor import UserActor
from aluzio.application.organizations.context import OrganizationsContext
from aluzio.entrypoints.container import memory_unit_of_work, organizations_context
from aluzio.entrypoints.settings import Settings
from tests.integration.accounts.conftest import BASE_URL
from tests.support.clock import MutableClock
from tests.unit.accounts import conftest as account_fixtures
from tests.unit.accounts.conftest import Register, actor_of, link_token, sent

clock = account_fixtures.clock
store = account_fixtures.store
settings = account_fixtures.settings
make_accounts = account_fixtures.make_accounts
accounts = account_fixtures.accounts
register = account_fixtures.register


@pytest.fixture
def orgs(settings: Settings, store: MemoryStore, clock: MutableClock) -> OrganizationsContext:
    return organizations_context(
        settings,
        memory_unit_of_work(store),
        clock=clock,
        mail_templates=FileMailTemplates(BASE_URL),
    )


SignUp = Callable[..., Awaitable[UserActor]]


@pytest.fixture
def sign_up(register: Register, accounts: AccountsContext, store: MemoryStore) -> SignUp:
    async def sign_up_(email: str, *, verified: bool = True) -> UserActor:
        signed_in = await register(email)
        if verified:
            mail = [m for m in sent(store, "verify-email") if m.message.to == email]
            user = await registration.verify_email(
                accounts, link_token(mail[-1], "/auth/verify-email")
            )
            signed_in = type(signed_in)(user, signed_in.session, signed_in.token)
        return actor_of(signed_in)

    return sign_up_
