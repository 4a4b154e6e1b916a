"""In-memory organization repositories: the same contract as :mod:`..postgres.organizations`."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any
from uuid import UUID

from aluzio.adapters.memory.unit_of_work import MemoryRepositories, MemoryScope
from aluzio.application.organizations.ports import (
    INVITATIONS,
    JOIN_LINKS,
    MEMBERSHIPS,
    ORGANIZATIONS,
)
from aluzio.application.pagination import Page, Paged
from aluzio.domain.accounts.user import User
from aluzio.domain.errors import Conflict, NotFound
from aluzio.domain.organizations.errors import SlugTaken
from aluzio.domain.organizations.model import Invitation, JoinLink, Membership, Organization

_MISSING = "A record this change refers to does not exist."


class _Tables:
    def __init__(self, scope: MemoryScope) -> None:
        self.organizations: dict[UUID, Organization] = scope.state.table("organizations")
        self.memberships: dict[tuple[UUID, UUID], Membership] = scope.state.table("org_memberships")
        self.invitations: dict[UUID, Invitation] = scope.state.table("org_invitations")
        self.join_links: dict[UUID, JoinLink] = scope.state.table("org_join_links")
        self.users: dict[UUID, User] = scope.state.table("users")


class InMemoryOrganizationRepository(_Tables):
    async def add(self, data: Organization) -> Organization:
        if data.id in self.organizations:
            raise Conflict()
        if any(org.slug == data.slug for org in self.organizations.values()):
            raise SlugTaken()
        self.organizations[data.id] = data
        return data

    async def find_by_slug(self, slug: str, *, lock: bool = False) -> Organization | None:
        return next((org for org in self.organizations.values() if org.slug == slug), None)

    async def find(self, organization_id: UUID, *, lock: bool = False) -> Organization | None:
        return self.organizations.get(organization_id)

    async def delete(self, organization_id: UUID) -> None:
        self.organizations.pop(organization_id, None)
        _drop(self.memberships, lambda m: m.organization_id == organization_id)
        _drop(self.invitations, lambda i: i.organization_id == organization_id)
        self.join_links.pop(organization_id, None)


def _drop(table: dict[Any, Any], doomed: Any) -> None:
    for key, row in list(table.items()):
        if doomed(row):
            del table[key]


class InMemoryMembershipRepository(_Tables):
    async def add(self, data: Membership) -> Membership:
        if data.organization_id not in self.organizations or data.user_id not in self.users:
            raise NotFound(_MISSING)
        key = (data.organization_id, data.user_id)
        if key in self.memberships:
            raise Conflict()
        self.memberships[key] = data
        return data

    async def find(self, organization_id: UUID, user_id: UUID) -> Membership | None:
        return self.memberships.get((organization_id, user_id))

    async def of_user(self, user_id: UUID) -> Sequence[tuple[Organization, Membership]]:
        found = [
            (self.organizations[m.organization_id], m)
            for m in self.memberships.values()
            if m.user_id == user_id
        ]
        return sorted(found, key=lambda pair: (pair[0].name, pair[0].slug))

    async def page_members(
        self, organization_id: UUID, page: Page
    ) -> Paged[tuple[Membership, User]]:
        found = sorted(
            (m for m in self.memberships.values() if m.organization_id == organization_id),
            key=lambda m: (m.joined_at, m.user_id),
        )
        items = [(m, self.users[m.user_id]) for m in found[page.offset : page.offset + page.limit]]
        return Paged(items=items, total=len(found))

    async def count_owners(self, organization_id: UUID) -> int:
        return sum(
            1
            for m in self.memberships.values()
            if m.organization_id == organization_id and m.role == "owner"
        )

    async def remove(self, organization_id: UUID, user_id: UUID) -> None:
        self.memberships.pop((organization_id, user_id), None)


class InMemoryInvitationRepository(_Tables):
    async def add(self, data: Invitation) -> Invitation:
        if data.organization_id not in self.organizations or (
            data.invited_by is not None and data.invited_by not in self.users
        ):
            raise NotFound(_MISSING)
        if data.id in self.invitations or any(
            i.token_hash == data.token_hash
            or (i.organization_id == data.organization_id and i.email == data.email)
            for i in self.invitations.values()
        ):
            raise Conflict()
        self.invitations[data.id] = data
        return data

    async def find(self, invitation_id: UUID) -> Invitation | None:
        return self.invitations.get(invitation_id)

    async def take(self, token_hash: str) -> Invitation | None:
        found = next((i for i in self.invitations.values() if i.token_hash == token_hash), None)
        if found is not None:
            del self.invitations[found.id]
        return found

    async def remove(self, invitation_id: UUID) -> None:
        self.invitations.pop(invitation_id, None)

    async def remove_for_email(self, organization_id: UUID, email: str) -> None:
        _drop(self.invitations, lambda i: i.organization_id == organization_id and i.email == email)

    async def page_pending(
        self, organization_id: UUID, now: datetime, page: Page
    ) -> Paged[Invitation]:
        found = sorted(
            (
                i
                for i in self.invitations.values()
                if i.organization_id == organization_id and i.expires_at > now
            ),
            key=lambda i: (i.created_at, i.id),
            reverse=True,
        )
        return Paged(items=found[page.offset : page.offset + page.limit], total=len(found))

    async def pending_for_email(
        self, email: str, now: datetime
    ) -> Sequence[tuple[Invitation, Organization]]:
        found = sorted(
            (i for i in self.invitations.values() if i.email == email and i.expires_at > now),
            key=lambda i: (i.created_at, i.id),
            reverse=True,
        )
        return [(i, self.organizations[i.organization_id]) for i in found]


class InMemoryJoinLinkRepository(_Tables):
    async def find_by_hash(self, token_hash: str) -> JoinLink | None:
        return next((j for j in self.join_links.values() if j.token_hash == token_hash), None)

    async def replace(self, data: JoinLink) -> None:
        if data.organization_id not in self.organizations:
            raise NotFound(_MISSING)
        self.join_links[data.organization_id] = data

    async def remove(self, organization_id: UUID) -> None:
        self.join_links.pop(organization_id, None)


def register_memory_organizations(repositories: MemoryRepositories) -> None:
    repositories.register(ORGANIZATIONS, InMemoryOrganizationRepository)
    repositories.register(MEMBERSHIPS, InMemoryMembershipRepository)
    repositories.register(INVITATIONS, InMemoryInvitationRepository)
    repositories.register(JOIN_LINKS, InMemoryJoinLinkRepository)
