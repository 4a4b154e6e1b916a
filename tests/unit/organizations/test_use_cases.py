"""Organization rules at the use-case level, in memory: milliseconds each."""

from __future__ import annotations

import pytest

from aluzio.adapters.memory.unit_of_work import MemoryStore
from aluzio.application.actor import SystemActor, UserActor
from aluzio.application.organizations import invitations, members
from aluzio.application.organizations.access import require_membership
from aluzio.application.organizations.context import OrganizationsContext
from aluzio.application.organizations.organizations import (
    create_organization,
    delete_organization,
    get_organization,
    my_organizations,
)
from aluzio.application.pagination import Page
from aluzio.domain.accounts.errors import EmailNotVerified
from aluzio.domain.errors import InvalidInput, NotAuthenticated, TooManyAttempts
from aluzio.domain.organizations.errors import (
    AdminRoleRequired,
    AlreadyMember,
    InvalidInvitation,
    InvitationForAnotherAddress,
    LastOwner,
    OrganizationNotFound,
    OwnerRoleRequired,
    SlugTaken,
)
from aluzio.domain.organizations.model import Role
from tests.unit.accounts.conftest import link_token, sent
from tests.unit.organizations.conftest import SignUp


async def _invite_and_accept(
    orgs: OrganizationsContext,
    store: MemoryStore,
    inviter: UserActor,
    slug: str,
    person: UserActor,
    role: Role,
) -> None:
    await invitations.invite(orgs, inviter, slug, person.user.email, role)
    mail = [m for m in sent(store, "org-invitation") if m.message.to == person.user.email]
    await invitations.accept_invitation(orgs, person, link_token(mail[-1], "/invitations/accept"))


async def test_creator_is_owner_and_slug_is_made_unique(
    orgs: OrganizationsContext, sign_up: SignUp
) -> None:
    ada = await sign_up("ada@example.com")
    first = await create_organization(orgs, ada, "Crème Brûlée")
    second = await create_organization(orgs, ada, "Crème Brûlée")
    assert first.organization.slug == "creme-brulee"
    assert second.organization.slug.startswith("creme-brulee-")
    assert first.role is Role.OWNER
    assert [m.organization.slug for m in (await my_organizations(orgs, ada)).items] == sorted(
        [first.organization.slug, second.organization.slug]
    )
    with pytest.raises(SlugTaken):
        await create_organization(orgs, ada, "Other", "creme-brulee")
    with pytest.raises(InvalidInput):
        await create_organization(orgs, ada, "Other", "admin")


async def test_needs_a_verified_person(orgs: OrganizationsContext, sign_up: SignUp) -> None:
    bob = await sign_up("bob@example.com", verified=False)
    with pytest.raises(EmailNotVerified):
        await create_organization(orgs, bob, "Acme")
    with pytest.raises(NotAuthenticated):
        await create_organization(orgs, SystemActor("cli"), "Acme")


async def test_access_check_hides_organizations_from_non_members(
    orgs: OrganizationsContext, sign_up: SignUp
) -> None:
    ada = await sign_up("ada@example.com")
    eve = await sign_up("eve@example.com")
    slug = (await create_organization(orgs, ada, "Acme")).organization.slug
    for actor, wanted in ((eve, slug), (ada, "missing-org")):
        with pytest.raises(OrganizationNotFound):
            await get_organization(orgs, actor, wanted)
    async with orgs.unit_of_work() as uow:
        access = await require_membership(uow, ada, slug, at_least=Role.OWNER)
    assert access.role is Role.OWNER


async def test_roles_and_the_last_owner(
    orgs: OrganizationsContext, sign_up: SignUp, store: MemoryStore
) -> None:
    ada = await sign_up("ada@example.com")
    mem = await sign_up("mem@example.com")
    slug = (await create_organization(orgs, ada, "Acme")).organization.slug
    await _invite_and_accept(orgs, store, ada, slug, mem, Role.MEMBER)
    with pytest.raises(AdminRoleRequired):
        await members.change_role(orgs, mem, slug, mem.user.id, Role.ADMIN)
    with pytest.raises(OwnerRoleRequired):
        await delete_organization(orgs, mem, slug, slug)
    for attempt in (
        members.leave(orgs, ada, slug),
        members.change_role(orgs, ada, slug, ada.user.id, Role.ADMIN),
        members.remove_member(orgs, ada, slug, ada.user.id),
    ):
        with pytest.raises(LastOwner):
            await attempt
    await members.change_role(orgs, ada, slug, mem.user.id, Role.OWNER)
    await members.leave(orgs, ada, slug)
    listed = await members.list_members(orgs, mem, slug, Page())
    assert [(u.email, m.role) for m, u in listed.items] == [("mem@example.com", "owner")]


async def test_invitation_rules(
    orgs: OrganizationsContext, sign_up: SignUp, store: MemoryStore
) -> None:
    ada = await sign_up("ada@example.com")
    bea = await sign_up("bea@example.com")
    eve = await sign_up("eve@example.com")
    slug = (await create_organization(orgs, ada, "Acme")).organization.slug
    await invitations.invite(orgs, ada, slug, "BEA@example.com", Role.ADMIN)
    (mail,) = sent(store, "org-invitation")
    token = link_token(mail, "/invitations/accept")
    with pytest.raises(InvitationForAnotherAddress):
        await invitations.accept_invitation(orgs, eve, token)
    joined = await invitations.accept_invitation(orgs, bea, token)
    assert joined.role is Role.ADMIN
    with pytest.raises(InvalidInvitation):
        await invitations.accept_invitation(orgs, bea, token)
    with pytest.raises(AlreadyMember):
        await invitations.invite(orgs, ada, slug, "bea@example.com", Role.MEMBER)


async def test_invitations_are_throttled_per_organization(
    orgs: OrganizationsContext, sign_up: SignUp
) -> None:
    ada = await sign_up("ada@example.com")
    slug = (await create_organization(orgs, ada, "Acme")).organization.slug
    other = (await create_organization(orgs, ada, "Other")).organization.slug
    limit = invitations.INVITATIONS_PER_ORGANIZATION.max_attempts
    for n in range(limit):
        await invitations.invite(orgs, ada, slug, f"p{n}@example.com", Role.MEMBER)
    with pytest.raises(TooManyAttempts):
        await invitations.invite(orgs, ada, slug, "late@example.com", Role.MEMBER)
    await invitations.invite(orgs, ada, other, "late@example.com", Role.MEMBER)


async def test_join_link_rotation(orgs: OrganizationsContext, sign_up: SignUp) -> None:
    ada = await sign_up("ada@example.com")
    bea = await sign_up("bea@example.com")
    slug = (await create_organization(orgs, ada, "Acme")).organization.slug
    old = (await invitations.rotate_join_link(orgs, ada, slug)).split("#token=")[1]
    new = (await invitations.rotate_join_link(orgs, ada, slug)).split("#token=")[1]
    with pytest.raises(InvalidInvitation):
        await invitations.join(orgs, bea, old)
    assert (await invitations.join(orgs, bea, new)).role is Role.MEMBER
    await invitations.disable_join_link(orgs, ada, slug)
    with pytest.raises(InvalidInvitation):
        await invitations.join(orgs, bea, new)


async def test_pending_invitations_show_only_to_a_verified_address(
    orgs: OrganizationsContext, sign_up: SignUp
) -> None:
    ada = await sign_up("ada@example.com")
    slug = (await create_organization(orgs, ada, "Secret Project")).organization.slug
    await invitations.invite(orgs, ada, slug, "victim@example.com", Role.MEMBER)
    squatter = await sign_up("victim@example.com", verified=False)
    with pytest.raises(EmailNotVerified):
        await invitations.my_invitations(orgs, squatter)
