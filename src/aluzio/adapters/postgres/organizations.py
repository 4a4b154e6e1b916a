"""Postgres repositories for organizations (records as in :mod:`.accounts`)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, ClassVar
from uuid import UUID

from advanced_alchemy.filters import LimitOffset, OrderBy
from advanced_alchemy.repository import SQLAlchemyAsyncRepository
from sqlalchemy import ColumnElement, FromClause, delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapper, registry

from aluzio.adapters.postgres.accounts import UserRecord
from aluzio.adapters.postgres.records import as_record
from aluzio.adapters.postgres.tables.accounts import users
from aluzio.adapters.postgres.tables.organizations import (
    org_invitations,
    org_join_links,
    org_memberships,
    organizations,
)
from aluzio.adapters.postgres.unit_of_work import PostgresRepositories, SessionScope
from aluzio.application.organizations.ports import (
    INVITATIONS,
    JOIN_LINKS,
    MEMBERSHIPS,
    ORGANIZATIONS,
)
from aluzio.application.pagination import Page, Paged
from aluzio.domain.accounts.user import User
from aluzio.domain.organizations.model import Invitation, JoinLink, Membership, Organization


class OrganizationRecord(Organization):
    __table__: ClassVar[FromClause]
    __mapper__: ClassVar[Mapper[Any]]


class MembershipRecord(Membership):
    __table__: ClassVar[FromClause]
    __mapper__: ClassVar[Mapper[Any]]


class InvitationRecord(Invitation):
    __table__: ClassVar[FromClause]
    __mapper__: ClassVar[Mapper[Any]]


class JoinLinkRecord(JoinLink):
    __table__: ClassVar[FromClause]
    __mapper__: ClassVar[Mapper[Any]]


def map_organizations(mappers: registry) -> None:
    mappers.map_imperatively(OrganizationRecord, organizations)
    mappers.map_imperatively(MembershipRecord, org_memberships)
    mappers.map_imperatively(InvitationRecord, org_invitations)
    mappers.map_imperatively(JoinLinkRecord, org_join_links)


class _Organizations(SQLAlchemyAsyncRepository[OrganizationRecord]):
    model_type = OrganizationRecord


class _Memberships(SQLAlchemyAsyncRepository[MembershipRecord]):
    model_type = MembershipRecord


class _Invitations(SQLAlchemyAsyncRepository[InvitationRecord]):
    model_type = InvitationRecord


class _JoinLinks(SQLAlchemyAsyncRepository[JoinLinkRecord]):
    model_type = JoinLinkRecord


class PostgresOrganizationRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session
        self._rows = _Organizations(session=session)

    async def add(self, data: Organization) -> Organization:
        return await self._rows.add(as_record(OrganizationRecord, data))

    async def find_by_slug(self, slug: str, *, lock: bool = False) -> Organization | None:
        if not lock:
            return await self._rows.get_one_or_none(organizations.c.slug == slug)
        return await self._locked(organizations.c.slug == slug)

    async def find(self, organization_id: UUID, *, lock: bool = False) -> Organization | None:
        if not lock:
            return await self._rows.get_one_or_none(organizations.c.id == organization_id)
        return await self._locked(organizations.c.id == organization_id)

    async def _locked(self, where: ColumnElement[bool]) -> Organization | None:
        # SELECT ... FOR UPDATE: rules that count the owners (or the boards) run one after
        # the other.
        result = await self._session.execute(
            select(OrganizationRecord)
            .where(where)
            .with_for_update()
            .execution_options(populate_existing=True)
        )
        return result.scalar_one_or_none()

    async def delete(self, organization_id: UUID) -> None:
        # ON DELETE CASCADE removes memberships, invitations and the join link.
        await self._session.execute(
            delete(organizations).where(organizations.c.id == organization_id)
        )


class PostgresMembershipRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session
        self._rows = _Memberships(session=session)

    async def add(self, data: Membership) -> Membership:
        return await self._rows.add(as_record(MembershipRecord, data))

    async def find(self, organization_id: UUID, user_id: UUID) -> Membership | None:
        result = await self._session.execute(
            select(MembershipRecord)
            .where(
                org_memberships.c.organization_id == organization_id,
                org_memberships.c.user_id == user_id,
            )
            .execution_options(populate_existing=True)
        )
        return result.scalar_one_or_none()

    async def of_user(self, user_id: UUID) -> Sequence[tuple[Organization, Membership]]:
        result = await self._session.execute(
            select(OrganizationRecord, MembershipRecord)
            .join(MembershipRecord, org_memberships.c.organization_id == organizations.c.id)
            .where(org_memberships.c.user_id == user_id)
            .order_by(organizations.c.name, organizations.c.slug)  # slugs are unique
        )
        return [(org, membership) for org, membership in result.all()]

    async def page_members(
        self, organization_id: UUID, page: Page
    ) -> Paged[tuple[Membership, User]]:
        in_org = org_memberships.c.organization_id == organization_id
        result = await self._session.execute(
            select(MembershipRecord, UserRecord)
            .join(UserRecord, users.c.id == org_memberships.c.user_id)
            .where(in_org)
            .order_by(org_memberships.c.joined_at, org_memberships.c.user_id)
            .limit(page.limit)
            .offset(page.offset)
        )
        items: list[tuple[Membership, User]] = [(m, u) for m, u in result.all()]
        total = await self._rows.count(in_org)
        return Paged(items=items, total=total)

    async def count_owners(self, organization_id: UUID) -> int:
        result = await self._session.execute(
            select(func.count()).where(
                org_memberships.c.organization_id == organization_id,
                org_memberships.c.role == "owner",
            )
        )
        return int(result.scalar_one())

    async def remove(self, organization_id: UUID, user_id: UUID) -> None:
        await self._session.execute(
            delete(org_memberships).where(
                org_memberships.c.organization_id == organization_id,
                org_memberships.c.user_id == user_id,
            )
        )


class PostgresInvitationRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session
        self._rows = _Invitations(session=session)

    async def add(self, data: Invitation) -> Invitation:
        return await self._rows.add(as_record(InvitationRecord, data))

    async def find(self, invitation_id: UUID) -> Invitation | None:
        return await self._rows.get_one_or_none(org_invitations.c.id == invitation_id)

    async def take(self, token_hash: str) -> Invitation | None:
        # Row-locked, then deleted: of two concurrent redemptions only one gets it.
        invitation = await self._rows.get_one_or_none(
            org_invitations.c.token_hash == token_hash, with_for_update=True
        )
        if invitation is not None:
            await self._session.delete(invitation)
            await self._session.flush()
        return invitation

    async def remove(self, invitation_id: UUID) -> None:
        await self._session.execute(
            delete(org_invitations).where(org_invitations.c.id == invitation_id)
        )

    async def remove_for_email(self, organization_id: UUID, email: str) -> None:
        await self._session.execute(
            delete(org_invitations).where(
                org_invitations.c.organization_id == organization_id,
                org_invitations.c.email == email,
            )
        )

    async def page_pending(
        self, organization_id: UUID, now: datetime, page: Page
    ) -> Paged[Invitation]:
        pending = (
            org_invitations.c.organization_id == organization_id,
            org_invitations.c.expires_at > now,
        )
        items, total = await self._rows.get_many_and_count(
            *pending,
            OrderBy(field_name="created_at", sort_order="desc"),
            OrderBy(field_name="id", sort_order="desc"),
            LimitOffset(limit=page.limit, offset=page.offset),
        )
        if not items and page.offset:
            total = await self._rows.count(*pending)
        return Paged(items=items, total=total)

    async def pending_for_email(
        self, email: str, now: datetime
    ) -> Sequence[tuple[Invitation, Organization]]:
        result = await self._session.execute(
            select(InvitationRecord, OrganizationRecord)
            .join(OrganizationRecord, organizations.c.id == org_invitations.c.organization_id)
            .where(org_invitations.c.email == email, org_invitations.c.expires_at > now)
            .order_by(org_invitations.c.created_at.desc(), org_invitations.c.id.desc())
        )
        return [(invitation, org) for invitation, org in result.all()]


class PostgresJoinLinkRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session
        self._rows = _JoinLinks(session=session)

    async def find_by_hash(self, token_hash: str) -> JoinLink | None:
        return await self._rows.get_one_or_none(org_join_links.c.token_hash == token_hash)

    async def replace(self, data: JoinLink) -> None:
        await self.remove(data.organization_id)
        await self._rows.add(as_record(JoinLinkRecord, data))

    async def remove(self, organization_id: UUID) -> None:
        await self._session.execute(
            delete(org_join_links).where(org_join_links.c.organization_id == organization_id)
        )


def register_postgres_organizations(repositories: PostgresRepositories) -> None:
    def organizations_(scope: SessionScope) -> PostgresOrganizationRepository:
        return PostgresOrganizationRepository(scope.session)

    def memberships(scope: SessionScope) -> PostgresMembershipRepository:
        return PostgresMembershipRepository(scope.session)

    def invitations(scope: SessionScope) -> PostgresInvitationRepository:
        return PostgresInvitationRepository(scope.session)

    def join_links(scope: SessionScope) -> PostgresJoinLinkRepository:
        return PostgresJoinLinkRepository(scope.session)

    repositories.register(ORGANIZATIONS, organizations_)
    repositories.register(MEMBERSHIPS, memberships)
    repositories.register(INVITATIONS, invitations)
    repositories.register(JOIN_LINKS, join_links)
