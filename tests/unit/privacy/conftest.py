"""Privacy use cases over the in-memory unit of work, wired by the same composition function
as production; people sign up through the account use cases."""

from __future__ import annotations

import pytest

from aluzio.adapters.memory.unit_of_work import MemoryStore
from aluzio.application.accounts.context import AccountsContext
from aluzio.application.privacy.context import PrivacyContext
from aluzio.entrypoints.container import memory_unit_of_work, privacy_context
from aluzio.entrypoints.settings import Settings
from tests.unit.organizations import conftest as organization_fixtures

clock = organization_fixtures.clock
store = organization_fixtures.store
settings = organization_fixtures.settings
make_accounts = organization_fixtures.make_accounts
accounts = organization_fixtures.accounts
register = organization_fixtures.register
orgs = organization_fixtures.orgs
sign_up = organization_fixtures.sign_up


@pytest.fixture
def privacy(settings: Settings, store: MemoryStore, accounts: AccountsContext) -> PrivacyContext:
    return privacy_context(settings, memory_unit_of_work(store), accounts=accounts)
