"""The permission matrix of every route under an organization, and tenant isolation.

The routes come from the app's route table: a new route under ``/api/orgs/{slug}`` that is
not in ``MATRIX`` fails this test until its expected statuses are written down.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from typing import Any

import pytest
from litestar import Litestar
from litestar.routes import HTTPRoute
from litestar.testing import AsyncTestClient

from tests.integration.organizations.conftest import (
    Person,
    SignUp,
    add_member,
    create_org,
)

ROLES = ("anonymous", "non-member", "member", "admin", "owner")
ORG_PREFIX = "/api/orgs/{slug:str}"


@dataclass
class Org:
    slug: str
    victim_id: str  # a plain member the request may act on
    invitation_id: str


# (method, path) -> (body, statuses for anonymous, non-member, member, admin, owner).
# In paths, {victim} and {invitation} stand for a member's id and a pending invitation's id.
MATRIX: dict[tuple[str, str], tuple[Callable[[Org], Any], tuple[int, ...]]] = {
    ("GET", ""): (lambda o: None, (401, 404, 200, 200, 200)),
    ("PATCH", ""): (lambda o: {"name": "Renamed"}, (401, 404, 403, 200, 200)),
    ("DELETE", ""): (lambda o: {"confirmSlug": o.slug}, (401, 404, 403, 403, 204)),
    ("GET", "/members"): (lambda o: None, (401, 404, 200, 200, 200)),
    ("PATCH", "/members/{user_id:uuid}"): (
        lambda o: {"role": "admin"},
        (401, 404, 403, 200, 200),
    ),
    ("DELETE", "/members/{user_id:uuid}"): (lambda o: None, (401, 404, 403, 204, 204)),
    # The owner is the last owner: leaving is refused.
    ("POST", "/leave"): (lambda o: None, (401, 404, 204, 204, 409)),
    ("POST", "/invitations"): (
        lambda o: {"email": "someone.new@example.com", "role": "member"},
        (401, 404, 403, 201, 201),
    ),
    ("GET", "/invitations"): (lambda o: None, (401, 404, 403, 200, 200)),
    ("DELETE", "/invitations/{invitation_id:uuid}"): (lambda o: None, (401, 404, 403, 204, 204)),
    ("POST", "/join-link"): (lambda o: None, (401, 404, 403, 201, 201)),
    ("DELETE", "/join-link"): (lambda o: None, (401, 404, 403, 204, 204)),
}


def org_routes(app: Litestar) -> set[tuple[str, str]]:
    """Every (method, path below the organization) the app serves under ``/api/orgs/{slug}``."""
    found: set[tuple[str, str]] = set()
    for route in app.routes:
        if not isinstance(route, HTTPRoute) or not route.path.startswith(ORG_PREFIX):
            continue
        for method in route.methods - {"HEAD", "OPTIONS"}:
            found.add((method, route.path.removeprefix(ORG_PREFIX)))
    return found


def test_every_org_route_is_in_the_matrix(app: Litestar) -> None:
    routes = org_routes(app)
    assert routes, "no routes under /api/orgs/{slug}"
    assert routes == set(MATRIX), (
        f"missing from MATRIX: {routes - set(MATRIX)}; stale: {set(MATRIX) - routes}"
    )


def _path(org: Org, suffix: str) -> str:
    return f"/api/orgs/{org.slug}" + suffix.replace("{user_id:uuid}", org.victim_id).replace(
        "{invitation_id:uuid}", org.invitation_id
    )


@pytest.fixture
async def people(
    sign_up: SignUp, open_client: Callable[..., AsyncTestClient[Litestar]]
) -> AsyncIterator[dict[str, Person]]:
    cast = {
        role: await sign_up(f"{role}@example.com", name=role)
        for role in ("non-member", "member", "admin", "owner", "victim")
    }
    async with open_client() as anonymous_client:
        cast["anonymous"] = Person(client=anonymous_client, email="", id="", csrf="")
        yield cast


async def _fresh_org(people: dict[str, Person], number: int) -> Org:
    owner = people["owner"]
    slug = await create_org(owner, f"Matrix {number}", slug=f"matrix-{number}")
    link = (await owner.post(f"/api/orgs/{slug}/join-link")).json()["url"].split("#token=")[1]
    for role in ("member", "admin", "victim"):
        assert (await people[role].post("/api/join", {"token": link})).status_code == 200
    promoted = await owner.send(
        "PATCH", f"/api/orgs/{slug}/members/{people['admin'].id}", {"role": "admin"}
    )
    assert promoted.status_code == 200
    invited = await owner.post(f"/api/orgs/{slug}/invitations", {"email": "pending@example.com"})
    assert invited.status_code == 201
    return Org(slug=slug, victim_id=people["victim"].id, invitation_id=invited.json()["id"])


async def test_permission_matrix(people: dict[str, Person]) -> None:
    failures: list[str] = []
    number = 0
    for (method, suffix), (body, statuses) in sorted(MATRIX.items()):
        for role, expected in zip(ROLES, statuses, strict=True):
            number += 1
            org = await _fresh_org(people, number)
            response = await people[role].send(method, _path(org, suffix), body(org))
            problem = response.json().get("type", "") if response.content else ""
            if response.status_code != expected:
                failures.append(f"{method} {suffix} as {role}: {response.status_code} {problem}")
            elif expected == 404 and not problem.endswith("/organization-not-found"):
                failures.append(f"{method} {suffix} as {role}: 404 {problem}")
            elif expected == 403 and not problem.endswith("-role-required"):
                failures.append(f"{method} {suffix} as {role}: 403 {problem}")
    assert not failures, "\n".join(failures)


async def test_non_members_get_the_answer_of_a_missing_organization(sign_up: SignUp) -> None:
    ada = await sign_up("ada@example.com")
    eve = await sign_up("eve@example.com")
    slug = await create_org(ada, "Secret")
    for path in (f"/api/orgs/{slug}", f"/api/orgs/{slug}/members"):
        existing = await eve.get(path)
        missing = await eve.get(path.replace(slug, "no-such-org"))
        assert existing.status_code == missing.status_code == 404
        assert existing.json() == missing.json()


async def test_cross_tenant_ids_are_not_found(sign_up: SignUp, database_url: str) -> None:
    """Ada owns A, Bea owns B: Ada addressing B's members, invitations or ids gets 404."""
    ada = await sign_up("ada@example.com")
    bea = await sign_up("bea@example.com")
    ben = await sign_up("ben@example.com")
    org_a = await create_org(ada, "A Team", slug="a-team")
    org_b = await create_org(bea, "B Team", slug="b-team")
    await add_member(bea, org_b, ben, "member", database_url)
    b_invite = (await bea.post(f"/api/orgs/{org_b}/invitations", {"email": "x@example.com"})).json()
    a_invite = (await ada.post(f"/api/orgs/{org_a}/invitations", {"email": "y@example.com"})).json()

    for method, path, body in (
        ("GET", f"/api/orgs/{org_b}/members", None),
        ("GET", f"/api/orgs/{org_b}/invitations", None),
        ("PATCH", f"/api/orgs/{org_b}/members/{ben.id}", {"role": "admin"}),
        ("DELETE", f"/api/orgs/{org_b}/members/{ben.id}", None),
        ("DELETE", f"/api/orgs/{org_b}/invitations/{b_invite['id']}", None),
        # B's ids under A's slug.
        ("PATCH", f"/api/orgs/{org_a}/members/{ben.id}", {"role": "admin"}),
        ("DELETE", f"/api/orgs/{org_a}/members/{bea.id}", None),
        ("DELETE", f"/api/orgs/{org_a}/invitations/{b_invite['id']}", None),
        # Someone else's invitation id, accepted by id.
        ("POST", f"/api/invitations/{b_invite['id']}/accept", None),
        ("POST", f"/api/invitations/{a_invite['id']}/accept", None),
    ):
        response = await ada.send(method, path, body)
        assert response.status_code == 404, (method, path, response.text)
    # B is untouched.
    members = (await bea.get(f"/api/orgs/{org_b}/members")).json()["items"]
    assert sorted(m["role"] for m in members) == ["member", "owner"]
    assert len((await bea.get(f"/api/orgs/{org_b}/invitations")).json()["items"]) == 1
