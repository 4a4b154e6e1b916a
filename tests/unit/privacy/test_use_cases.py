"""Erasure and policy notices over memory: the same use cases the HTTP tests run on Postgres."""

from __future__ import annotations

import pytest

from aluzio.adapters.memory.unit_of_work import MemoryStore
from aluzio.application.accounts.context import AccountsContext
from aluzio.application.actor import UserActor
from aluzio.application.organizations import invitations, organizations
from aluzio.application.organizations.context import OrganizationsContext
from aluzio.application.privacy import erasure
from aluzio.application.privacy.context import PrivacyContext
from aluzio.application.privacy.policy import notify_policy_change
from aluzio.domain.accounts.errors import AccountDeletionPending, InvalidToken
from aluzio.domain.privacy.erasure import SoleOwnerMustHandOver
from tests.integration.accounts.conftest import PASSWORD
from tests.support.clock import MutableClock
from tests.unit.accounts.conftest import link_token, login, sent
from tests.unit.organizations.conftest import SignUp


async def join_token(orgs: OrganizationsContext, owner: UserActor, slug: str) -> str:
    link = await invitations.rotate_join_link(orgs, owner, slug)
    return link.partition("#token=")[2]


async def test_a_deletion_closes_sign_in_until_cancelled(
    sign_up: SignUp, privacy: PrivacyContext, accounts: AccountsContext, store: MemoryStore
) -> None:
    ada = await sign_up("ada@example.com")
    purge_after = await erasure.request_deletion(privacy, ada, PASSWORD)
    assert purge_after == privacy.accounts.clock.now() + privacy.grace
    assert store.committed.table("auth_sessions") == {}
    with pytest.raises(AccountDeletionPending):
        await login(accounts)
    token = link_token(sent(store, "account-deletion")[-1], "/auth/cancel-deletion")
    await erasure.cancel_deletion(privacy, token)
    assert (await login(accounts)).user.email == "ada@example.com"
    with pytest.raises(InvalidToken):
        await erasure.cancel_deletion(privacy, token)


async def test_the_purge_erases_the_user_and_their_lone_organization(
    sign_up: SignUp,
    privacy: PrivacyContext,
    orgs: OrganizationsContext,
    store: MemoryStore,
    clock: MutableClock,
) -> None:
    ada = await sign_up("ada@example.com")
    bea = await sign_up("bea@example.com")
    await organizations.create_organization(orgs, ada, "Alone", "alone")
    await organizations.create_organization(orgs, bea, "Bea's", "beas")
    await erasure.request_deletion(privacy, ada, PASSWORD)
    clock.advance(days=7)
    assert await erasure.purge_due(privacy) == 1
    assert await erasure.purge_due(privacy) == 0
    assert [u.email for u in store.committed.table("users").values()] == ["bea@example.com"]
    assert [o.slug for o in store.committed.table("organizations").values()] == ["beas"]
    assert all(m.user_id != ada.user.id for m in store.committed.table("org_memberships").values())
    assert all(m.message.to != "ada@example.com" for m in sent(store, "verify-email"))


async def test_a_sole_owner_of_a_shared_organization_is_refused(
    sign_up: SignUp, privacy: PrivacyContext, orgs: OrganizationsContext, store: MemoryStore
) -> None:
    ada = await sign_up("ada@example.com")
    bea = await sign_up("bea@example.com")
    shared = await organizations.create_organization(orgs, ada, "Shared", "shared")
    await organizations.create_organization(orgs, ada, "Alone", "alone")
    await invitations.join(orgs, bea, await join_token(orgs, ada, "shared"))
    with pytest.raises(SoleOwnerMustHandOver) as refused:
        await erasure.request_deletion(privacy, ada, PASSWORD)
    assert refused.value.organizations == (shared.organization.slug,)
    assert sent(store, "account-deletion") == []


async def test_a_member_who_joined_during_the_grace_period_inherits_the_organization(
    sign_up: SignUp,
    privacy: PrivacyContext,
    orgs: OrganizationsContext,
    store: MemoryStore,
    clock: MutableClock,
) -> None:
    ada = await sign_up("ada@example.com")
    bea = await sign_up("bea@example.com")
    await organizations.create_organization(orgs, ada, "Team", "team")
    link = await join_token(orgs, ada, "team")
    await erasure.request_deletion(privacy, ada, PASSWORD)
    await invitations.join(orgs, bea, link)
    clock.advance(days=7)
    assert await erasure.purge_due(privacy) == 1
    [membership] = store.committed.table("org_memberships").values()
    assert (membership.user_id, membership.role) == (bea.user.id, "owner")


async def test_the_policy_notice_goes_to_verified_users_once(
    sign_up: SignUp, privacy: PrivacyContext, store: MemoryStore
) -> None:
    await sign_up("ada@example.com")
    await sign_up("bea@example.com")
    await sign_up("cy@example.com", verified=False)
    assert await notify_policy_change(privacy, "v2", "Changes.", batch=1) == 2
    assert await notify_policy_change(privacy, "v2", "Changes.", batch=1) == 0
    assert sorted(m.message.to for m in sent(store, "policy-change")) == [
        "ada@example.com",
        "bea@example.com",
    ]
