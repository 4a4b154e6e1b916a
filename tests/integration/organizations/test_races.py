"""Concurrency rules (one slug, the last owner) under real concurrency: use cases racing on
one event loop against Postgres, each in its own transaction (HTTP test clients each run
their own loop and can finish one request before the other starts)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from aluzio.application.accounts import registration
from aluzio.application.accounts.sessions import ClientInfo
from aluzio.application.actor import UserActor
from aluzio.application.organizations import invitations, members
from aluzio.application.organizations.organizations import create_organization
from aluzio.application.pagination import Page
from aluzio.domain.errors import DomainError
from aluzio.domain.organizations.errors import SlugTaken
from aluzio.domain.organizations.model import Role
from aluzio.entrypoints.container import Container, build_container
from aluzio.entrypoints.settings import Settings
from tests.integration.accounts.conftest import PASSWORD, fast_hasher
from tests.support.clock import MutableClock

ROUNDS = 5


@pytest.fixture
async def container(settings: Settings, clock: MutableClock) -> AsyncIterator[Container]:
    built = build_container(settings, clock=clock, password_hasher=fast_hasher())
    try:
        yield built
    finally:
        await built.close()


async def _person(container: Container, email: str) -> UserActor:
    form = registration.Registration("Someone", email, PASSWORD, confirms_adult=True)
    signed_in = await registration.register(container.accounts, form, ClientInfo("127.0.0.1", None))
    signed_in.user.mark_email_verified(container.clock.now())
    return UserActor(signed_in.user, signed_in.session, signed_in.token)


async def test_two_owners_demoting_each_other_leave_one_owner(container: Container) -> None:
    orgs = container.organizations
    for round_ in range(ROUNDS):
        ada = await _person(container, f"ada{round_}@example.com")
        bea = await _person(container, f"bea{round_}@example.com")
        slug = (await create_organization(orgs, ada, f"Race {round_}")).organization.slug
        link = await invitations.rotate_join_link(orgs, ada, slug)
        await invitations.join(orgs, bea, link.split("#token=")[1])
        await members.change_role(orgs, ada, slug, bea.user.id, Role.OWNER)

        outcomes = await asyncio.gather(
            members.change_role(orgs, ada, slug, bea.user.id, Role.MEMBER),
            members.change_role(orgs, bea, slug, ada.user.id, Role.MEMBER),
            return_exceptions=True,
        )
        refused = [o for o in outcomes if isinstance(o, BaseException)]
        assert len(refused) == 1, outcomes
        assert isinstance(refused[0], DomainError), refused
        listed = await members.list_members(
            orgs, ada if outcomes[1] is refused[0] else bea, slug, Page()
        )
        assert [m.role for m, _ in listed.items].count("owner") == 1


async def test_two_owners_leaving_at_once_leave_one_owner(container: Container) -> None:
    orgs = container.organizations
    for round_ in range(ROUNDS):
        ada = await _person(container, f"ada{round_}@example.com")
        bea = await _person(container, f"bea{round_}@example.com")
        slug = (await create_organization(orgs, ada, f"Leave {round_}")).organization.slug
        link = await invitations.rotate_join_link(orgs, ada, slug)
        await invitations.join(orgs, bea, link.split("#token=")[1])
        await members.change_role(orgs, ada, slug, bea.user.id, Role.OWNER)

        outcomes = await asyncio.gather(
            members.leave(orgs, ada, slug), members.leave(orgs, bea, slug), return_exceptions=True
        )
        assert sum(isinstance(o, BaseException) for o in outcomes) == 1, outcomes
        stayed = bea if outcomes[1] is not None else ada
        listed = await members.list_members(orgs, stayed, slug, Page())
        assert [m.role for m, _ in listed.items] == ["owner"]


async def test_concurrent_creations_with_one_slug(container: Container) -> None:
    orgs = container.organizations
    for round_ in range(ROUNDS):
        ada = await _person(container, f"ada{round_}@example.com")
        bea = await _person(container, f"bea{round_}@example.com")
        outcomes = await asyncio.gather(
            create_organization(orgs, ada, "Race", f"race-{round_}"),
            create_organization(orgs, bea, "Race", f"race-{round_}"),
            return_exceptions=True,
        )
        refused = [o for o in outcomes if isinstance(o, BaseException)]
        assert len(refused) == 1, outcomes
        assert isinstance(refused[0], SlugTaken), refused
