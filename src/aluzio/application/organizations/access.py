"""THE access check of everything under an organization.

Every use case that acts on an organization (or on anything inside one: boards, retros,
cards) starts with ``access = await require_membership(uow, actor, slug, at_least=...)``
inside its unit of work (or :func:`require_membership_in`, by the organization's id, once
it has found the board or retro it was asked for). It answers :class:`OrganizationNotFound`
for a caller who is not a member exactly as for an organization that does not exist (no
existence leak), and a :class:`RoleRequired` 403 naming the role for a member whose role is
too low. Membership is read in the same transaction, so a removed member is refused from
their next request, and HTTP, WebSocket, jobs and the CLI share the rule.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol
from uuid import UUID

from aluzio.application.actor import Actor
from aluzio.application.authorization import require_user
from aluzio.application.organizations.ports import MembershipRepository, OrganizationRepository
from aluzio.domain.organizations.errors import OrganizationNotFound
from aluzio.domain.organizations.model import Membership, Organization, Role, require_role


class MembershipWork(Protocol):
    """A unit of work that reaches organizations and memberships (a feature's
    ``FeatureWork`` with ``organizations = Repository(ORGANIZATIONS)`` and
    ``memberships = Repository(MEMBERSHIPS)``)."""

    @property
    def organizations(self) -> OrganizationRepository: ...

    @property
    def memberships(self) -> MembershipRepository: ...


@dataclass(frozen=True, slots=True)
class OrgAccess:
    """The organization the actor reached, and the actor's membership of it."""

    organization: Organization
    membership: Membership

    @property
    def role(self) -> Role:
        return self.membership.role_value


async def require_membership(
    uow: MembershipWork,
    actor: Actor,
    slug: str,
    *,
    at_least: Role = Role.MEMBER,
    lock: bool = False,
) -> OrgAccess:
    """The actor's access to the organization ``slug``, with at least the role ``at_least``.

    ``lock`` holds the organization's row until the unit of work ends: use it before rules
    that count its owners, so concurrent changes are decided one after the other.
    """
    require_user(actor)
    organization = await uow.organizations.find_by_slug(slug, lock=lock)
    return await _member_of(uow, actor, organization, at_least)


async def require_membership_in(
    uow: MembershipWork,
    actor: Actor,
    organization_id: UUID,
    *,
    at_least: Role = Role.MEMBER,
    lock: bool = False,
) -> OrgAccess:
    """:func:`require_membership` for the organization with this id (that of the board or
    retro a use case was asked for). Callers reached by another id turn the
    :class:`OrganizationNotFound` into their own not-found (``board-not-found``...)."""
    require_user(actor)
    organization = await uow.organizations.find(organization_id, lock=lock)
    return await _member_of(uow, actor, organization, at_least)


async def _member_of(
    uow: MembershipWork, actor: Actor, organization: Organization | None, at_least: Role
) -> OrgAccess:
    auth = require_user(actor)
    if organization is None:
        raise OrganizationNotFound()
    membership = await uow.memberships.find(organization.id, auth.user.id)
    if membership is None:
        raise OrganizationNotFound()
    require_role(membership.role_value, at_least)
    return OrgAccess(organization, membership)
