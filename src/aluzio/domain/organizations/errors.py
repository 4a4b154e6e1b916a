"""What the organization rules can refuse; each code is a stable problem type."""

from __future__ import annotations

from aluzio.domain.errors import Conflict, NotFound, PermissionDenied


class OrganizationNotFound(NotFound):
    """No such organization, *or* the caller is not a member: deliberately one error, so a
    non-member learns nothing about whether the organization exists."""

    code = "organization-not-found"
    default_message = "The organization was not found."


class MemberNotFound(NotFound):
    code = "member-not-found"
    default_message = "This person is not a member of the organization."


class InvitationNotFound(NotFound):
    code = "invitation-not-found"
    default_message = "The invitation was not found."


class SlugTaken(Conflict):
    code = "slug-taken"
    default_message = "An organization already uses this URL slug."


class LastOwner(Conflict):
    """The organization would be left without an owner."""

    code = "last-owner"
    default_message = "An organization needs at least one owner; make someone else owner first."


class AlreadyMember(Conflict):
    code = "already-member"
    default_message = "This person is already a member of the organization."


class RoleRequired(PermissionDenied):
    """A member lacks the role an action needs; subclasses name the role."""

    role = "member"


class AdminRoleRequired(RoleRequired):
    code = "admin-role-required"
    default_message = "Only admins and owners of the organization can do this."
    role = "admin"


class OwnerRoleRequired(RoleRequired):
    code = "owner-role-required"
    default_message = "Only owners of the organization can do this."
    role = "owner"


class InvitationForAnotherAddress(PermissionDenied):
    code = "invitation-email-mismatch"
    default_message = "This invitation was sent to another email address."


class InvalidInvitation(PermissionDenied):
    """Unknown, used, revoked or expired invitation or join link (the four look the same)."""

    code = "invalid-invitation"
    default_message = "This invitation link is invalid or has expired."
