"""Board use cases over the in-memory unit of work, wired by the same composition function
as production; people sign up through the account use cases."""

from __future__ import annotations

import pytest

from aluzio.adapters.memory.unit_of_work import MemoryStore
from aluzio.application.boards.context import BoardsContext
from aluzio.entrypoints.container import boards_context, memory_unit_of_work
from tests.support.clock import MutableClock
from tests.unit.organizations import conftest as org_fixtures

clock = org_fixtures.clock
store = org_fixtures.store
settings = org_fixtures.settings
make_accounts = org_fixtures.make_accounts
accounts = org_fixtures.accounts
register = org_fixtures.register
orgs = org_fixtures.orgs
sign_up = org_fixtures.sign_up


@pytest.fixture
def boards(store: MemoryStore, clock: MutableClock) -> BoardsContext:
    return boards_context(memory_unit_of_work(store), clock=clock)
