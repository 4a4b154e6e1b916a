"""Retro use cases over the in-memory unit of work, wired by the same composition functions
as production; people sign up through the account use cases."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

import pytest

from aluzio.adapters.memory.unit_of_work import MemoryStore
from aluzio.application.actor import UserActor
from aluzio.application.organizations import organizations
from aluzio.application.organizations.context import OrganizationsContext
from aluzio.application.retros.context import RetrosContext
from aluzio.domain.boards.model import Board, Section
from aluzio.domain.organizations.model import Membership, Role
from aluzio.entrypoints.container import memory_unit_of_work, retros_context
from tests.support.clock import MutableClock
from tests.unit.organizations import conftest as organization_fixtures
from tests.unit.organizations.conftest import SignUp

clock = organization_fixtures.clock
store = organization_fixtures.store
settings = organization_fixtures.settings
make_accounts = organization_fixtures.make_accounts
accounts = organization_fixtures.accounts
register = organization_fixtures.register
orgs = organization_fixtures.orgs
sign_up = organization_fixtures.sign_up


@pytest.fixture
def retros_ctx(store: MemoryStore, clock: MutableClock) -> RetrosContext:
    return retros_context(memory_unit_of_work(store), clock=clock)


@dataclass
class Team:
    ada: UserActor  # owner
    bea: UserActor  # member
    board: Board


@pytest.fixture
async def team(
    sign_up: SignUp, orgs: OrganizationsContext, retros_ctx: RetrosContext, clock: MutableClock
) -> Team:
    ada = await sign_up("ada@example.com")
    bea = await sign_up("bea@example.com")
    org = (await organizations.create_organization(orgs, ada, "Acme", "acme")).organization
    board = Board(
        id=uuid.uuid4(),
        organization_id=org.id,
        name="Board",
        created_by=ada.user.id,
        created_at=clock.now(),
        sections=[Section(uuid.uuid4(), t, None, None) for t in ("Start", "Stop")],
    )
    async with retros_ctx.unit_of_work() as uow:
        await uow.memberships.add(Membership(org.id, bea.user.id, Role.MEMBER.value, clock.now()))
        await uow.boards.add(board)
        await uow.commit()
    return Team(ada, bea, board)
