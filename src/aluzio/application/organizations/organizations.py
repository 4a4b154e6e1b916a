"""Create, list, rename and delete organizations."""

from __future__ import annotations

from dataclasses import dataclass

from aluzio.application.actor import Actor
from aluzio.application.authorization import require_user
from aluzio.application.organizations.access import OrgAccess, require_membership
from aluzio.application.organizations.context import OrganizationsContext
from aluzio.application.organizations.ports import OrganizationsUnitOfWork
from aluzio.application.pagination import Page, Paged
from aluzio.domain.errors import InvalidInput
from aluzio.domain.organizations.errors import SlugTaken
from aluzio.domain.organizations.model import (
    Membership,
    Organization,
    OrganizationName,
    Role,
    Slug,
)

# Generated slugs try a few random suffixes before giving up (a clash is then a 409).
_SUFFIX_ATTEMPTS = 5


@dataclass(frozen=True, slots=True)
class MyOrganization:
    organization: Organization
    role: Role


async def _free_slug(ctx: OrganizationsContext, uow: OrganizationsUnitOfWork, name: str) -> Slug:
    slug = Slug.from_name(name, ctx.slug_suffix())
    for _ in range(_SUFFIX_ATTEMPTS):
        if await uow.organizations.find_by_slug(slug.value) is None:
            return slug
        slug = Slug.from_name(name, ctx.slug_suffix()).with_suffix(ctx.slug_suffix())
    raise SlugTaken()


async def create_organization(
    ctx: OrganizationsContext, actor: Actor, name: str, slug: str | None = None
) -> MyOrganization:
    """A new organization; its creator is its owner. Needs a verified email address."""
    auth = require_user(actor)
    auth.user.require_verified_email()
    org_name = OrganizationName.parse(name)
    wanted = None if slug is None else Slug(slug)
    now = ctx.clock.now()
    async with ctx.unit_of_work() as uow:
        if wanted is None:
            chosen = await _free_slug(ctx, uow, org_name.value)
        elif await uow.organizations.find_by_slug(wanted.value) is not None:
            raise SlugTaken()
        else:
            chosen = wanted
        organization = await uow.organizations.add(
            Organization.create(id=ctx.new_id(), name=org_name, slug=chosen, now=now)
        )
        await uow.memberships.add(
            Membership(organization.id, auth.user.id, Role.OWNER.value, joined_at=now)
        )
        await uow.commit()
    return MyOrganization(organization, Role.OWNER)


async def my_organizations(
    ctx: OrganizationsContext, actor: Actor, page: Page | None = None
) -> Paged[MyOrganization]:
    """The actor's organizations by name, a page at a time (a person belongs to few)."""
    auth = require_user(actor)
    async with ctx.unit_of_work() as uow:
        found = await uow.memberships.of_user(auth.user.id)
    mine = [MyOrganization(org, membership.role_value) for org, membership in found]
    page = page or Page()
    return Paged(items=mine[page.offset : page.offset + page.limit], total=len(mine))


async def get_organization(ctx: OrganizationsContext, actor: Actor, slug: str) -> OrgAccess:
    async with ctx.unit_of_work() as uow:
        return await require_membership(uow, actor, slug)


async def update_organization(
    ctx: OrganizationsContext,
    actor: Actor,
    slug: str,
    *,
    name: str | None = None,
    new_slug: str | None = None,
) -> OrgAccess:
    """Rename the organization or change its slug (admins and owners)."""
    org_name = None if name is None else OrganizationName.parse(name)
    wanted = None if new_slug is None else Slug(new_slug)
    async with ctx.unit_of_work() as uow:
        access = await require_membership(uow, actor, slug, at_least=Role.ADMIN)
        organization = access.organization
        if wanted is not None and wanted.value != organization.slug:
            if await uow.organizations.find_by_slug(wanted.value) is not None:
                raise SlugTaken()
            organization.slug = wanted.value
        if org_name is not None:
            organization.name = org_name.value
        await uow.commit()
    return access


async def delete_organization(
    ctx: OrganizationsContext, actor: Actor, slug: str, confirm_slug: str
) -> None:
    """Delete the organization and everything in it, in one transaction (owners only)."""
    async with ctx.unit_of_work() as uow:
        access = await require_membership(uow, actor, slug, at_least=Role.OWNER, lock=True)
        if confirm_slug != access.organization.slug:
            raise InvalidInput("Type the organization's slug to confirm.", field="confirmSlug")
        await uow.organizations.delete(access.organization.id)
        await uow.commit()
