"""Request and response bodies of the organization routes (camelCase on the wire)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal
from uuid import UUID

import msgspec

from aluzio.application.organizations.organizations import MyOrganization
from aluzio.domain.accounts.user import User
from aluzio.domain.organizations.model import (
    MAX_NAME_LENGTH,
    MAX_SLUG_LENGTH,
    MIN_SLUG_LENGTH,
    SLUG_PATTERN,
    Invitation,
    Membership,
    Organization,
)
from aluzio.entrypoints.http.auth.schemas import Email
from aluzio.entrypoints.http.pagination import PageBody
from aluzio.entrypoints.http.schema import WireStruct

# The limits come from the domain's constants; the domain still checks everything
# (trimming, reserved slugs).
_NO_CONTROL_CHARACTERS = "^[^\\x00-\\x1F\\x7F-\\x9F]*$"
OrgName = Annotated[
    str,
    msgspec.Meta(min_length=1, max_length=MAX_NAME_LENGTH, pattern=_NO_CONTROL_CHARACTERS),
]
SlugText = Annotated[
    str,
    msgspec.Meta(min_length=MIN_SLUG_LENGTH, max_length=MAX_SLUG_LENGTH, pattern=SLUG_PATTERN),
]
RoleName = Literal["owner", "admin", "member"]


class CreateOrganizationRequest(WireStruct):
    name: OrgName
    slug: SlugText | None = None


class UpdateOrganizationRequest(WireStruct):
    name: OrgName | None = None
    slug: SlugText | None = None


class DeleteOrganizationRequest(WireStruct):
    confirm_slug: Annotated[str, msgspec.Meta(min_length=1, max_length=MAX_SLUG_LENGTH)]


class RoleRequest(WireStruct):
    role: RoleName


class InvitationRequest(WireStruct):
    email: Email
    role: RoleName = "member"


class OrganizationBody(WireStruct):
    id: UUID
    name: str
    slug: str
    role: RoleName
    created_at: datetime

    @classmethod
    def of(cls, organization: Organization, role: str) -> OrganizationBody:
        return cls(
            id=organization.id,
            name=organization.name,
            slug=organization.slug,
            role=_role(role),
            created_at=organization.created_at,
        )

    @classmethod
    def mine(cls, mine: MyOrganization) -> OrganizationBody:
        return cls.of(mine.organization, mine.role.value)


class OrganizationEnvelope(WireStruct):
    org: OrganizationBody


class OrganizationList(PageBody):
    items: list[OrganizationBody]


class MemberBody(WireStruct):
    id: UUID
    name: str
    email: str
    role: RoleName
    joined_at: datetime

    @classmethod
    def of(cls, membership: Membership, user: User) -> MemberBody:
        return cls(
            id=user.id,
            name=user.name,
            email=user.email,
            role=_role(membership.role),
            joined_at=membership.joined_at,
        )


class MemberList(PageBody):
    items: list[MemberBody]


class InvitationBody(WireStruct):
    id: UUID
    email: str
    role: RoleName
    created_at: datetime
    expires_at: datetime

    @classmethod
    def of(cls, invitation: Invitation) -> InvitationBody:
        return cls(
            id=invitation.id,
            email=invitation.email,
            role=_role(invitation.role),
            created_at=invitation.created_at,
            expires_at=invitation.expires_at,
        )


class InvitationList(PageBody):
    items: list[InvitationBody]


class InvitingOrganization(WireStruct):
    name: str
    slug: str


class PendingInvitationBody(WireStruct):
    id: UUID
    organization: InvitingOrganization
    role: RoleName
    expires_at: datetime

    @classmethod
    def of(cls, invitation: Invitation, organization: Organization) -> PendingInvitationBody:
        return cls(
            id=invitation.id,
            organization=InvitingOrganization(name=organization.name, slug=organization.slug),
            role=_role(invitation.role),
            expires_at=invitation.expires_at,
        )


class PendingInvitationList(WireStruct):
    items: list[PendingInvitationBody]


class JoinLinkBody(WireStruct):
    url: str


def _role(role: str) -> RoleName:
    if role == "owner":
        return "owner"
    if role == "admin":
        return "admin"
    return "member"
