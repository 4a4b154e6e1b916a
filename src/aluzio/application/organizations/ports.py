"""The ports the organization use cases need."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Protocol
from uuid import UUID

from aluzio.application.accounts.ports import THROTTLES, USERS
from aluzio.application.pagination import Page, Paged
from aluzio.application.ports.mail import MAIL_OUTBOX
from aluzio.application.ports.unit_of_work import FeatureWork, Repository, RepositoryKey
from aluzio.domain.accounts.user import User
from aluzio.domain.organizations.model import Invitation, JoinLink, Membership, Organization


class OrganizationRepository(Protocol):
    async def add(self, data: Organization) -> Organization: ...

    async def find_by_slug(self, slug: str, *, lock: bool = False) -> Organization | None:
        """The organization with this slug; ``lock`` holds its row until the unit of work
        ends, so rules that count its owners see no concurrent change."""
        ...

    async def find(self, organization_id: UUID, *, lock: bool = False) -> Organization | None:
        """The organization with this id; ``lock`` as in :meth:`find_by_slug`."""
        ...

    async def delete(self, organization_id: UUID) -> None:
        """Delete the organization and everything in it."""
        ...


class MembershipRepository(Protocol):
    async def add(self, data: Membership) -> Membership: ...

    async def find(self, organization_id: UUID, user_id: UUID) -> Membership | None: ...

    async def of_user(self, user_id: UUID) -> Sequence[tuple[Organization, Membership]]:
        """The user's organizations and memberships, by organization name."""
        ...

    async def page_members(
        self, organization_id: UUID, page: Page
    ) -> Paged[tuple[Membership, User]]:
        """One page of the organization's members, in the order they joined."""
        ...

    async def count_owners(self, organization_id: UUID) -> int: ...

    async def remove(self, organization_id: UUID, user_id: UUID) -> None: ...


class InvitationRepository(Protocol):
    async def add(self, data: Invitation) -> Invitation: ...

    async def find(self, invitation_id: UUID) -> Invitation | None: ...

    async def take(self, token_hash: str) -> Invitation | None:
        """Remove the invitation with this token hash and return it (single use)."""
        ...

    async def remove(self, invitation_id: UUID) -> None: ...

    async def remove_for_email(self, organization_id: UUID, email: str) -> None:
        """Withdraw the pending invitation of this address, if any."""
        ...

    async def page_pending(
        self, organization_id: UUID, now: datetime, page: Page
    ) -> Paged[Invitation]:
        """One page of the organization's unexpired invitations, newest first."""
        ...

    async def pending_for_email(
        self, email: str, now: datetime
    ) -> Sequence[tuple[Invitation, Organization]]:
        """The unexpired invitations of this address, with their organizations."""
        ...


class JoinLinkRepository(Protocol):
    async def find_by_hash(self, token_hash: str) -> JoinLink | None: ...

    async def replace(self, data: JoinLink) -> None:
        """Make ``data`` the organization's one join link; the previous one stops working."""
        ...

    async def remove(self, organization_id: UUID) -> None: ...


ORGANIZATIONS: RepositoryKey[OrganizationRepository] = RepositoryKey("organizations.organizations")
MEMBERSHIPS: RepositoryKey[MembershipRepository] = RepositoryKey("organizations.memberships")
INVITATIONS: RepositoryKey[InvitationRepository] = RepositoryKey("organizations.invitations")
JOIN_LINKS: RepositoryKey[JoinLinkRepository] = RepositoryKey("organizations.join_links")


class OrganizationsUnitOfWork(FeatureWork):
    """What the organization use cases reach inside one transaction."""

    organizations = Repository(ORGANIZATIONS)
    memberships = Repository(MEMBERSHIPS)
    invitations = Repository(INVITATIONS)
    join_links = Repository(JOIN_LINKS)
    users = Repository(USERS)
    throttles = Repository(THROTTLES)
    outbox = Repository(MAIL_OUTBOX)
