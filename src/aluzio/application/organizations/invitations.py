"""Invitations by email and join links: how people enter an organization."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from uuid import UUID

from aluzio.application.actor import Actor
from aluzio.application.authorization import require_user
from aluzio.application.organizations.access import require_membership
from aluzio.application.organizations.context import OrganizationsContext
from aluzio.application.organizations.organizations import MyOrganization
from aluzio.application.organizations.ports import OrganizationsUnitOfWork
from aluzio.application.pagination import Page, Paged
from aluzio.domain.accounts.email import EmailAddress
from aluzio.domain.accounts.throttling import ThrottleRule
from aluzio.domain.accounts.tokens import token_digest
from aluzio.domain.accounts.user import User
from aluzio.domain.organizations.errors import (
    AlreadyMember,
    InvalidInvitation,
    InvitationForAnotherAddress,
    InvitationNotFound,
    OrganizationNotFound,
)
from aluzio.domain.organizations.model import (
    Invitation,
    JoinLink,
    Membership,
    Organization,
    Role,
    check_invitation_role,
)

# Invitations one organization may send: 50 an hour, then it waits out the hour.
INVITATIONS_PER_ORGANIZATION = ThrottleRule(50, timedelta(hours=1), timedelta(hours=1))


async def invite(
    ctx: OrganizationsContext, actor: Actor, slug: str, email: str, role: Role
) -> Invitation:
    """Invite an address; a pending invitation of the same address is replaced."""
    address = EmailAddress.parse(email)
    now = ctx.clock.now()
    async with ctx.unit_of_work() as uow:
        access = await require_membership(uow, actor, slug, at_least=Role.ADMIN)
        check_invitation_role(access.role, role)
        organization = access.organization
        throttle = await uow.throttles.acquire(f"org-invitations:{organization.id}", now)
        throttle.count_attempt(now, INVITATIONS_PER_ORGANIZATION)
        invitee = await uow.users.find_by_email(address.value)
        if invitee is not None and await uow.memberships.find(organization.id, invitee.id):
            raise AlreadyMember()
        await uow.invitations.remove_for_email(organization.id, address.value)
        token = ctx.tokens.new_token()
        invitation = await uow.invitations.add(
            Invitation.issue(
                id=ctx.new_id(),
                organization_id=organization.id,
                email=address.value,
                role=role,
                token=token,
                invited_by=access.membership.user_id,
                now=now,
            )
        )
        inviter = await uow.users.find(access.membership.user_id)
        await uow.outbox.enqueue(
            ctx.mail.render(
                "org-invitation",
                to=address.value,
                values={
                    "organization": organization.name,
                    "inviter": inviter.name if inviter is not None else "A member",
                    "role": role.value,
                    "token": token,
                },
            ),
            user_id=None if invitee is None else invitee.id,
        )
        await uow.commit()
    return invitation


async def list_invitations(
    ctx: OrganizationsContext, actor: Actor, slug: str, page: Page
) -> Paged[Invitation]:
    async with ctx.unit_of_work() as uow:
        access = await require_membership(uow, actor, slug, at_least=Role.ADMIN)
        return await uow.invitations.page_pending(access.organization.id, ctx.clock.now(), page)


async def revoke_invitation(
    ctx: OrganizationsContext, actor: Actor, slug: str, invitation_id: UUID
) -> None:
    async with ctx.unit_of_work() as uow:
        access = await require_membership(uow, actor, slug, at_least=Role.ADMIN)
        invitation = await uow.invitations.find(invitation_id)
        if invitation is None or invitation.organization_id != access.organization.id:
            raise InvitationNotFound()
        await uow.invitations.remove(invitation.id)
        await uow.commit()


async def my_invitations(
    ctx: OrganizationsContext, actor: Actor
) -> Sequence[tuple[Invitation, Organization]]:
    """The signed-in user's own pending invitations. Only a verified address shows them:
    anyone can register with an address they do not own."""
    auth = require_user(actor)
    auth.user.require_verified_email()
    async with ctx.unit_of_work() as uow:
        return await uow.invitations.pending_for_email(auth.user.email, ctx.clock.now())


async def _join(
    uow: OrganizationsUnitOfWork, organization_id: UUID, user: User, role: Role, now: datetime
) -> MyOrganization:
    organization = await uow.organizations.find(organization_id)
    if organization is None:
        raise InvalidInvitation()
    current = await uow.memberships.find(organization_id, user.id)
    if current is not None:
        return MyOrganization(organization, current.role_value)
    await uow.memberships.add(Membership(organization_id, user.id, role.value, joined_at=now))
    return MyOrganization(organization, role)


def _check_invitee(invitation: Invitation, user: User) -> None:
    if invitation.email != user.email:
        raise InvitationForAnotherAddress()
    user.require_verified_email()


async def accept_invitation(ctx: OrganizationsContext, actor: Actor, token: str) -> MyOrganization:
    """Join with the token from an invitation email: the signed-in user's verified address
    must be the invited one. The token works once."""
    auth = require_user(actor)
    now = ctx.clock.now()
    async with ctx.unit_of_work() as uow:
        invitation = await uow.invitations.take(token_digest(token))
        if invitation is None:
            raise InvalidInvitation()
        invitation.check_usable(now)
        user = await uow.users.find(auth.user.id)
        if user is None:
            raise InvalidInvitation()
        _check_invitee(invitation, user)
        joined = await _join(uow, invitation.organization_id, user, Role(invitation.role), now)
        await uow.commit()
    return joined


async def accept_invitation_by_id(
    ctx: OrganizationsContext, actor: Actor, invitation_id: UUID
) -> MyOrganization:
    """Accept one of :func:`my_invitations` (for someone who registered after being
    invited); an invitation of another address is not found."""
    auth = require_user(actor)
    now = ctx.clock.now()
    async with ctx.unit_of_work() as uow:
        invitation = await uow.invitations.find(invitation_id)
        if invitation is None or invitation.email != auth.user.email:
            raise InvitationNotFound()
        invitation.check_usable(now)
        user = await uow.users.find(auth.user.id)
        if user is None:
            raise InvitationNotFound()
        _check_invitee(invitation, user)
        taken = await uow.invitations.take(invitation.token_hash)
        if taken is None:
            raise InvitationNotFound()
        joined = await _join(uow, invitation.organization_id, user, Role(invitation.role), now)
        await uow.commit()
    return joined


async def rotate_join_link(ctx: OrganizationsContext, actor: Actor, slug: str) -> str:
    """A new join link for the organization (admins and owners); the old one stops working.
    Returns the link; only its token's digest is stored."""
    now = ctx.clock.now()
    async with ctx.unit_of_work() as uow:
        access = await require_membership(uow, actor, slug, at_least=Role.ADMIN)
        token = ctx.tokens.new_token()
        await uow.join_links.replace(
            JoinLink(
                organization_id=access.organization.id,
                token_hash=token_digest(token),
                created_by=access.membership.user_id,
                created_at=now,
            )
        )
        await uow.commit()
    return f"{ctx.base_url}/join#token={token}"


async def disable_join_link(ctx: OrganizationsContext, actor: Actor, slug: str) -> None:
    async with ctx.unit_of_work() as uow:
        access = await require_membership(uow, actor, slug, at_least=Role.ADMIN)
        await uow.join_links.remove(access.organization.id)
        await uow.commit()


async def join(ctx: OrganizationsContext, actor: Actor, token: str) -> MyOrganization:
    """Join as a member through a join link; needs a verified email address."""
    auth = require_user(actor)
    auth.user.require_verified_email()
    now = ctx.clock.now()
    async with ctx.unit_of_work() as uow:
        link = await uow.join_links.find_by_hash(token_digest(token))
        if link is None:
            raise InvalidInvitation()
        user = await uow.users.find(auth.user.id)
        if user is None:
            raise OrganizationNotFound()
        joined = await _join(uow, link.organization_id, user, Role.MEMBER, now)
        await uow.commit()
    return joined
