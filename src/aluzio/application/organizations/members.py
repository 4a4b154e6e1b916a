"""Members: list them, change their roles, remove them, leave."""

from __future__ import annotations

from uuid import UUID

from aluzio.application.actor import Actor
from aluzio.application.organizations.access import OrgAccess, require_membership
from aluzio.application.organizations.context import OrganizationsContext
from aluzio.application.organizations.ports import OrganizationsUnitOfWork
from aluzio.application.pagination import Page, Paged
from aluzio.domain.accounts.user import User
from aluzio.domain.organizations.errors import LastOwner, MemberNotFound
from aluzio.domain.organizations.model import (
    Membership,
    Role,
    check_removal,
    check_role_change,
)


async def list_members(
    ctx: OrganizationsContext, actor: Actor, slug: str, page: Page
) -> Paged[tuple[Membership, User]]:
    async with ctx.unit_of_work() as uow:
        access = await require_membership(uow, actor, slug)
        return await uow.memberships.page_members(access.organization.id, page)


async def _keeps_an_owner(
    uow: OrganizationsUnitOfWork, access: OrgAccess, target: Membership
) -> None:
    """Refuse to take away the organization's last owner. The caller locked the
    organization's row, so two owners demoting each other are decided one after the other."""
    if (
        target.role_value is Role.OWNER
        and await uow.memberships.count_owners(access.organization.id) <= 1
    ):
        raise LastOwner()


async def _member(uow: OrganizationsUnitOfWork, access: OrgAccess, user_id: UUID) -> Membership:
    member = await uow.memberships.find(access.organization.id, user_id)
    if member is None:
        raise MemberNotFound()
    return member


async def change_role(
    ctx: OrganizationsContext, actor: Actor, slug: str, user_id: UUID, role: Role
) -> tuple[Membership, User]:
    """The member's new role, and the member."""
    async with ctx.unit_of_work() as uow:
        access = await require_membership(uow, actor, slug, at_least=Role.ADMIN, lock=True)
        member = await _member(uow, access, user_id)
        check_role_change(access.role, member.role_value, role)
        if role is not Role.OWNER:
            await _keeps_an_owner(uow, access, member)
        member.role = role.value
        user = await uow.users.find(user_id)
        if user is None:
            raise MemberNotFound()
        await uow.commit()
    return member, user


async def remove_member(ctx: OrganizationsContext, actor: Actor, slug: str, user_id: UUID) -> None:
    async with ctx.unit_of_work() as uow:
        access = await require_membership(uow, actor, slug, at_least=Role.ADMIN, lock=True)
        member = await _member(uow, access, user_id)
        check_removal(access.role, member.role_value)
        await _keeps_an_owner(uow, access, member)
        await uow.memberships.remove(access.organization.id, user_id)
        await uow.commit()


async def leave(ctx: OrganizationsContext, actor: Actor, slug: str) -> None:
    async with ctx.unit_of_work() as uow:
        access = await require_membership(uow, actor, slug, lock=True)
        await _keeps_an_owner(uow, access, access.membership)
        await uow.memberships.remove(access.organization.id, access.membership.user_id)
        await uow.commit()
