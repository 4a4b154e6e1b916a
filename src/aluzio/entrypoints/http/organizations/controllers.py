"""Organization routes: thin translations between HTTP and the organization use cases.

Every route under ``/api/orgs/{slug}`` reaches its use case, which checks membership and
role (``application/organizations/access.py``); nothing here decides who may do what.
"""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from litestar import Controller, delete, get, patch, post
from litestar.datastructures import CacheControlHeader
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody, PathParameter
from litestar.status_codes import HTTP_204_NO_CONTENT

from aluzio.application.actor import UserActor
from aluzio.application.organizations import invitations, members
from aluzio.application.organizations import organizations as _organizations
from aluzio.application.organizations.context import OrganizationsContext
from aluzio.application.pagination import Page
from aluzio.domain.accounts.errors import EmailNotVerified
from aluzio.domain.errors import InvalidInput, TooManyAttempts
from aluzio.domain.organizations.errors import (
    AdminRoleRequired,
    AlreadyMember,
    InvalidInvitation,
    InvitationForAnotherAddress,
    InvitationNotFound,
    LastOwner,
    MemberNotFound,
    OrganizationNotFound,
    OwnerRoleRequired,
    SlugTaken,
)
from aluzio.domain.organizations.model import MAX_SLUG_LENGTH, Role
from aluzio.entrypoints.http.auth.schemas import TokenRequest
from aluzio.entrypoints.http.openapi import problems
from aluzio.entrypoints.http.organizations.schemas import (
    CreateOrganizationRequest,
    DeleteOrganizationRequest,
    InvitationBody,
    InvitationList,
    InvitationRequest,
    JoinLinkBody,
    MemberBody,
    MemberList,
    OrganizationBody,
    OrganizationEnvelope,
    OrganizationList,
    PendingInvitationBody,
    PendingInvitationList,
    RoleRequest,
    UpdateOrganizationRequest,
)
from aluzio.entrypoints.http.pagination import Limit, Offset

NO_STORE = CacheControlHeader(no_store=True)
Organizations = NamedDependency[OrganizationsContext]
Auth = NamedDependency[UserActor]
SLUG = "/{slug:str}"
# Any text up to a slug's length: an unknown slug is a 404 like an organization the caller
# is not a member of.
SlugPath = Annotated[str, PathParameter(min_length=1, max_length=MAX_SLUG_LENGTH)]


class OrganizationsController(Controller):
    path = "/api/orgs"
    tags = ["organizations"]  # noqa: RUF012  (Litestar declares it as an instance attribute)
    cache_control = NO_STORE

    @post(
        operation_id="createOrganization",
        responses=problems(InvalidInput, EmailNotVerified, SlugTaken),
        status_code=201,
        summary="Create an organization; the creator is its owner.",
    )
    async def create(
        self, data: JSONBody[CreateOrganizationRequest], organizations: Organizations, auth: Auth
    ) -> OrganizationBody:
        created = await _organizations.create_organization(
            organizations, auth, data.name, data.slug
        )
        return OrganizationBody.mine(created)

    @get(
        operation_id="listOrganizations",
        summary="The caller's organizations and roles, by name.",
    )
    async def list_mine(
        self,
        organizations: Organizations,
        auth: Auth,
        limit: Limit = Page.DEFAULT_LIMIT,
        offset: Offset = 0,
    ) -> OrganizationList:
        found = await _organizations.my_organizations(
            organizations, auth, Page(limit=limit, offset=offset)
        )
        return OrganizationList(
            items=[OrganizationBody.mine(mine) for mine in found.items],
            total=found.total,
            limit=limit,
            offset=offset,
        )

    @get(
        SLUG,
        operation_id="getOrganization",
        responses=problems(OrganizationNotFound),
        summary="One of the caller's organizations.",
    )
    async def get_one(
        self, slug: SlugPath, organizations: Organizations, auth: Auth
    ) -> OrganizationBody:
        access = await _organizations.get_organization(organizations, auth, slug)
        return OrganizationBody.of(access.organization, access.role.value)

    @patch(
        SLUG,
        operation_id="updateOrganization",
        responses=problems(InvalidInput, OrganizationNotFound, AdminRoleRequired, SlugTaken),
        summary="Rename the organization or change its slug (admins and owners).",
    )
    async def update(
        self,
        slug: SlugPath,
        data: JSONBody[UpdateOrganizationRequest],
        organizations: Organizations,
        auth: Auth,
    ) -> OrganizationBody:
        access = await _organizations.update_organization(
            organizations, auth, slug, name=data.name, new_slug=data.slug
        )
        return OrganizationBody.of(access.organization, access.role.value)

    @delete(
        SLUG,
        operation_id="deleteOrganization",
        responses=problems(InvalidInput, OrganizationNotFound, OwnerRoleRequired),
        status_code=HTTP_204_NO_CONTENT,
        summary="Delete the organization and everything in it (owners only).",
    )
    async def delete_one(
        self,
        slug: SlugPath,
        data: JSONBody[DeleteOrganizationRequest],
        organizations: Organizations,
        auth: Auth,
    ) -> None:
        await _organizations.delete_organization(organizations, auth, slug, data.confirm_slug)

    @get(
        SLUG + "/members",
        operation_id="listMembers",
        responses=problems(OrganizationNotFound),
        summary="The organization's members.",
    )
    async def list_members(
        self,
        slug: SlugPath,
        organizations: Organizations,
        auth: Auth,
        limit: Limit = Page.DEFAULT_LIMIT,
        offset: Offset = 0,
    ) -> MemberList:
        found = await members.list_members(
            organizations, auth, slug, Page(limit=limit, offset=offset)
        )
        return MemberList(
            items=[MemberBody.of(m, u) for m, u in found.items],
            total=found.total,
            limit=limit,
            offset=offset,
        )

    @patch(
        SLUG + "/members/{user_id:uuid}",
        operation_id="changeMemberRole",
        responses=problems(
            OrganizationNotFound, MemberNotFound, AdminRoleRequired, OwnerRoleRequired, LastOwner
        ),
        summary="Change a member's role.",
    )
    async def change_role(
        self,
        slug: SlugPath,
        user_id: FromPath[UUID],
        data: JSONBody[RoleRequest],
        organizations: Organizations,
        auth: Auth,
    ) -> MemberBody:
        member, user = await members.change_role(
            organizations, auth, slug, user_id, Role(data.role)
        )
        return MemberBody.of(member, user)

    @delete(
        SLUG + "/members/{user_id:uuid}",
        operation_id="removeMember",
        responses=problems(
            OrganizationNotFound, MemberNotFound, AdminRoleRequired, OwnerRoleRequired, LastOwner
        ),
        status_code=HTTP_204_NO_CONTENT,
        summary="Remove a member from the organization.",
    )
    async def remove_member(
        self, slug: SlugPath, user_id: FromPath[UUID], organizations: Organizations, auth: Auth
    ) -> None:
        await members.remove_member(organizations, auth, slug, user_id)

    @post(
        SLUG + "/leave",
        operation_id="leaveOrganization",
        responses=problems(OrganizationNotFound, LastOwner),
        status_code=HTTP_204_NO_CONTENT,
        summary="Leave the organization.",
    )
    async def leave(self, slug: SlugPath, organizations: Organizations, auth: Auth) -> None:
        await members.leave(organizations, auth, slug)

    @post(
        SLUG + "/invitations",
        operation_id="inviteMember",
        responses=problems(
            InvalidInput,
            OrganizationNotFound,
            AdminRoleRequired,
            OwnerRoleRequired,
            AlreadyMember,
            TooManyAttempts,
        ),
        status_code=201,
        summary="Invite someone by email (admins and owners; only owners invite owners).",
    )
    async def invite(
        self,
        slug: SlugPath,
        data: JSONBody[InvitationRequest],
        organizations: Organizations,
        auth: Auth,
    ) -> InvitationBody:
        invitation = await invitations.invite(
            organizations, auth, slug, data.email, Role(data.role)
        )
        return InvitationBody.of(invitation)

    @get(
        SLUG + "/invitations",
        operation_id="listInvitations",
        responses=problems(OrganizationNotFound, AdminRoleRequired),
        summary="The organization's pending invitations (admins and owners).",
    )
    async def list_invitations(
        self,
        slug: SlugPath,
        organizations: Organizations,
        auth: Auth,
        limit: Limit = Page.DEFAULT_LIMIT,
        offset: Offset = 0,
    ) -> InvitationList:
        found = await invitations.list_invitations(
            organizations, auth, slug, Page(limit=limit, offset=offset)
        )
        return InvitationList(
            items=[InvitationBody.of(i) for i in found.items],
            total=found.total,
            limit=limit,
            offset=offset,
        )

    @delete(
        SLUG + "/invitations/{invitation_id:uuid}",
        operation_id="revokeInvitation",
        responses=problems(OrganizationNotFound, AdminRoleRequired, InvitationNotFound),
        status_code=HTTP_204_NO_CONTENT,
        summary="Revoke a pending invitation (admins and owners).",
    )
    async def revoke_invitation(
        self,
        slug: SlugPath,
        invitation_id: FromPath[UUID],
        organizations: Organizations,
        auth: Auth,
    ) -> None:
        await invitations.revoke_invitation(organizations, auth, slug, invitation_id)

    @post(
        SLUG + "/join-link",
        operation_id="rotateJoinLink",
        responses=problems(OrganizationNotFound, AdminRoleRequired),
        status_code=201,
        summary="Create the join link, or replace it (the old one stops working).",
    )
    async def rotate_join_link(
        self, slug: SlugPath, organizations: Organizations, auth: Auth
    ) -> JoinLinkBody:
        return JoinLinkBody(await invitations.rotate_join_link(organizations, auth, slug))

    @delete(
        SLUG + "/join-link",
        operation_id="disableJoinLink",
        responses=problems(OrganizationNotFound, AdminRoleRequired),
        status_code=HTTP_204_NO_CONTENT,
        summary="Disable the join link.",
    )
    async def disable_join_link(
        self, slug: SlugPath, organizations: Organizations, auth: Auth
    ) -> None:
        await invitations.disable_join_link(organizations, auth, slug)


class InvitationsController(Controller):
    path = "/api"
    tags = ["organizations"]  # noqa: RUF012
    cache_control = NO_STORE

    @post(
        "/invitations/accept",
        operation_id="acceptInvitation",
        responses=problems(InvalidInvitation, InvitationForAnotherAddress, EmailNotVerified),
        status_code=200,
        summary="Join an organization with the token from an invitation email.",
    )
    async def accept(
        self, data: JSONBody[TokenRequest], organizations: Organizations, auth: Auth
    ) -> OrganizationEnvelope:
        joined = await invitations.accept_invitation(organizations, auth, data.token)
        return OrganizationEnvelope(OrganizationBody.mine(joined))

    @get(
        "/invitations/pending",
        operation_id="listMyInvitations",
        responses=problems(EmailNotVerified),
        summary="The signed-in user's own pending invitations.",
    )
    async def pending(self, organizations: Organizations, auth: Auth) -> PendingInvitationList:
        found = await invitations.my_invitations(organizations, auth)
        return PendingInvitationList([PendingInvitationBody.of(i, o) for i, o in found])

    @post(
        "/invitations/{invitation_id:uuid}/accept",
        operation_id="acceptMyInvitation",
        responses=problems(InvitationNotFound, InvalidInvitation, EmailNotVerified),
        status_code=200,
        summary="Accept one of the signed-in user's pending invitations.",
    )
    async def accept_mine(
        self, invitation_id: FromPath[UUID], organizations: Organizations, auth: Auth
    ) -> OrganizationEnvelope:
        joined = await invitations.accept_invitation_by_id(organizations, auth, invitation_id)
        return OrganizationEnvelope(OrganizationBody.mine(joined))

    @post(
        "/join",
        operation_id="joinOrganization",
        responses=problems(InvalidInvitation, EmailNotVerified),
        status_code=200,
        summary="Join an organization as a member through its join link.",
    )
    async def join(
        self, data: JSONBody[TokenRequest], organizations: Organizations, auth: Auth
    ) -> OrganizationEnvelope:
        joined = await invitations.join(organizations, auth, data.token)
        return OrganizationEnvelope(OrganizationBody.mine(joined))
