"""The organization repositories keep one contract in memory and in Postgres.

Concurrency (the slug's unique constraint under a race, the organization row lock) is
Postgres's alone: see tests/integration/organizations/test_races.py.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import asyncpg
import pytest

from aluzio.adapters.postgres.database import to_asyncpg_dsn
from aluzio.application.organizations.ports import OrganizationsUnitOfWork
from aluzio.application.pagination import Page
from aluzio.application.ports.unit_of_work import UnitOfWork
from aluzio.domain.accounts.email import EmailAddress
from aluzio.domain.accounts.tokens import token_digest
from aluzio.domain.accounts.user import User, UserName
from aluzio.domain.errors import NotFound
from aluzio.domain.organizations.errors import SlugTaken
from aluzio.domain.organizations.model import (
    Invitation,
    JoinLink,
    Membership,
    Organization,
    OrganizationName,
    Role,
    Slug,
)

NOW = datetime(2026, 11, 28, 8, 0, tzinfo=UTC)
Work = Callable[[], OrganizationsUnitOfWork]


@pytest.fixture
def work(new_unit_of_work: Callable[[], UnitOfWork]) -> Work:
    return lambda: OrganizationsUnitOfWork(new_unit_of_work())


@pytest.fixture
def postgres_work(postgres_unit_of_work_factory: Callable[[], UnitOfWork]) -> Work:
    return lambda: OrganizationsUnitOfWork(postgres_unit_of_work_factory())


async def _user(work: Work, email: str) -> User:
    async with work() as uow:
        user = await uow.users.add(
            User.register(
                id=uuid.uuid4(),
                name=UserName(email.split("@")[0]),
                email=EmailAddress(email),
                password_hash="$argon2id$x",
                now=NOW,
            )
        )
        await uow.commit()
    return user


async def _org(work: Work, slug: str, owner: User, name: str = "Acme") -> Organization:
    async with work() as uow:
        org = await uow.organizations.add(
            Organization.create(
                id=uuid.uuid4(), name=OrganizationName(name), slug=Slug(slug), now=NOW
            )
        )
        await uow.memberships.add(Membership(org.id, owner.id, Role.OWNER.value, NOW))
        await uow.commit()
    return org


def _invitation(
    org: Organization, email: str, token: str, now: datetime = NOW, *, by: User
) -> Invitation:
    return Invitation.issue(
        id=uuid.uuid4(),
        organization_id=org.id,
        email=email,
        role=Role.MEMBER,
        token=token,
        invited_by=by.id,
        now=now,
    )


async def test_a_slug_is_taken_once(work: Work) -> None:
    ada = await _user(work, "ada@example.com")
    await _org(work, "acme", ada)
    with pytest.raises(SlugTaken):
        await _org(work, "acme", ada)


async def test_memberships_by_user_and_by_organization(work: Work) -> None:
    ada = await _user(work, "ada@example.com")
    bea = await _user(work, "bea@example.com")
    zeta = await _org(work, "zeta", ada, name="Zeta")
    alpha = await _org(work, "alpha", ada, name="Alpha")
    async with work() as uow:
        await uow.memberships.add(
            Membership(zeta.id, bea.id, Role.MEMBER.value, NOW + timedelta(minutes=1))
        )
        await uow.commit()
    async with work() as uow:
        mine = await uow.memberships.of_user(ada.id)
        assert [org.slug for org, _ in mine] == ["alpha", "zeta"]
        page = await uow.memberships.page_members(zeta.id, Page(limit=1, offset=1))
        assert page.total == 2
        assert [(m.role, u.email) for m, u in page.items] == [("member", "bea@example.com")]
        assert await uow.memberships.count_owners(zeta.id) == 1
        found = await uow.organizations.find_by_slug("alpha", lock=True)
        assert found is not None
        assert found.id == alpha.id
        member = await uow.memberships.find(zeta.id, bea.id)
        assert member is not None
        member.role = Role.OWNER.value
        await uow.commit()
    async with work() as uow:
        assert await uow.memberships.count_owners(zeta.id) == 2
        await uow.memberships.remove(zeta.id, bea.id)
        await uow.commit()
    async with work() as uow:
        assert await uow.memberships.find(zeta.id, bea.id) is None


async def test_invitations_are_single_use_and_expire(work: Work) -> None:
    ada = await _user(work, "ada@example.com")
    org = await _org(work, "acme", ada)
    async with work() as uow:
        await uow.invitations.add(_invitation(org, "bea@example.com", "token-1", by=ada))
        await uow.invitations.add(
            _invitation(org, "old@example.com", "token-2", now=NOW - timedelta(days=8), by=ada)
        )
        await uow.commit()
    async with work() as uow:
        pending = await uow.invitations.page_pending(org.id, NOW, Page())
        assert [i.email for i in pending.items] == ["bea@example.com"]
        assert pending.total == 1
        mine = await uow.invitations.pending_for_email("bea@example.com", NOW)
        assert [(i.email, o.slug) for i, o in mine] == [("bea@example.com", "acme")]
    async with work() as uow:
        taken = await uow.invitations.take(token_digest("token-1"))
        assert taken is not None
        await uow.commit()
    async with work() as uow:
        assert await uow.invitations.take(token_digest("token-1")) is None
        await uow.invitations.remove_for_email(org.id, "old@example.com")
        await uow.commit()
    async with work() as uow:
        assert (
            await uow.invitations.page_pending(org.id, NOW - timedelta(days=30), Page())
        ).total == 0


async def test_one_join_link_per_organization(work: Work) -> None:
    ada = await _user(work, "ada@example.com")
    org = await _org(work, "acme", ada)
    async with work() as uow:
        await uow.join_links.replace(JoinLink(org.id, "hash-1", ada.id, NOW))
        await uow.commit()
    async with work() as uow:
        await uow.join_links.replace(JoinLink(org.id, "hash-2", ada.id, NOW))
        await uow.commit()
    async with work() as uow:
        assert await uow.join_links.find_by_hash("hash-1") is None
        assert await uow.join_links.find_by_hash("hash-2") is not None
        await uow.join_links.remove(org.id)
        await uow.commit()
    async with work() as uow:
        assert await uow.join_links.find_by_hash("hash-2") is None


async def test_deleting_an_organization_deletes_everything_in_it(work: Work) -> None:
    ada = await _user(work, "ada@example.com")
    org = await _org(work, "acme", ada)
    other = await _org(work, "other", ada)
    async with work() as uow:
        await uow.invitations.add(_invitation(org, "bea@example.com", "token-1", by=ada))
        await uow.join_links.replace(JoinLink(org.id, "hash-1", ada.id, NOW))
        await uow.commit()
    async with work() as uow:
        await uow.organizations.delete(org.id)
        await uow.commit()
    async with work() as uow:
        assert await uow.organizations.find(org.id) is None
        assert await uow.memberships.find(org.id, ada.id) is None
        assert await uow.invitations.pending_for_email("bea@example.com", NOW) == []
        assert await uow.join_links.find_by_hash("hash-1") is None
        assert [o.slug for o, _ in await uow.memberships.of_user(ada.id)] == [other.slug]


async def test_erasing_a_user_erases_their_memberships(
    postgres_work: Work, database_url: str
) -> None:
    ada = await _user(postgres_work, "ada@example.com")
    org = await _org(postgres_work, "acme", ada)
    connection = await asyncpg.connect(to_asyncpg_dsn(database_url))
    try:
        await connection.execute("DELETE FROM users WHERE id = $1", ada.id)
        assert await connection.fetchval("SELECT count(*) FROM org_memberships") == 0
    finally:
        await connection.close()
    async with postgres_work() as uow:
        assert await uow.organizations.find(org.id) is not None


async def test_an_invitation_refers_to_existing_people(work: Work) -> None:
    ada = await _user(work, "ada@example.com")
    org = await _org(work, "acme", ada)
    ghost = User.register(
        id=uuid.uuid4(),
        name=UserName("Ghost"),
        email=EmailAddress("ghost@example.com"),
        password_hash="$argon2id$x",
        now=NOW,
    )
    with pytest.raises(NotFound):
        async with work() as uow:
            await uow.invitations.add(_invitation(org, "bea@example.com", "token-1", by=ghost))
            await uow.commit()
