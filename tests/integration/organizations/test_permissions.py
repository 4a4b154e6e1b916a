"""The permission matrix of every organization-scoped route, and tenant isolation.

The routes come from the app's route table: every route under ``/api/orgs/{slug}``, and
every other ``/api`` route reached through something inside an organization (a path with a
board, retro, card, topic, note or action item id), and the caller's own lists across
their organizations (``THROUGH_MEMBERSHIPS``). A new one fails this test until a feature's
``permission_rows.py`` writes down its expected statuses (see ``permissions.py``).
"""

from __future__ import annotations

import importlib
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from types import ModuleType

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
from tests.integration.organizations.permissions import CAST, ROLES, Org, Prepare, Row, fill

# Path parameters that name an organization or something inside one.
ORG_SCOPED_PARAMETERS = frozenset(
    {
        "slug",
        "board_id",
        "retro_id",
        "card_id",
        "topic_id",
        "note_id",
        "action_item_id",
        "boardId",
        "retroId",
        "cardId",
        "topicId",
    }
)
# Routes that reach into the caller's organizations without naming one.
THROUGH_MEMBERSHIPS = frozenset({("GET", "/api/me/action-items")})


def _row_modules() -> Iterator[ModuleType]:
    integration = Path(__file__).parents[1]
    for module in sorted(integration.glob("*/permission_rows.py")):
        yield importlib.import_module(f"tests.integration.{module.parent.name}.permission_rows")


def _collect() -> tuple[dict[tuple[str, str], Row], list[Prepare]]:
    rows: dict[tuple[str, str], Row] = {}
    preparers: list[Prepare] = []
    for module in _row_modules():
        mine: dict[tuple[str, str], Row] = module.ROWS
        assert not rows.keys() & mine.keys(), f"{module.__name__} repeats {rows.keys() & mine}"
        rows |= mine
        if hasattr(module, "prepare"):
            preparers.append(module.prepare)
    return rows, preparers


MATRIX, PREPARERS = _collect()


def org_scoped_routes(app: Litestar) -> set[tuple[str, str]]:
    """Every (method, path) of the app that reaches into an organization."""
    found: set[tuple[str, str]] = set()
    for route in app.routes:
        if not isinstance(route, HTTPRoute) or not route.path.startswith("/api/"):
            continue
        if not route.path_parameters.keys() & ORG_SCOPED_PARAMETERS:
            continue
        for method in route.methods - {"HEAD", "OPTIONS"}:
            found.add((method, route.path))
    return found | {r for r in THROUGH_MEMBERSHIPS if r in _all_routes(app)}


def _all_routes(app: Litestar) -> set[tuple[str, str]]:
    return {
        (method, route.path)
        for route in app.routes
        if isinstance(route, HTTPRoute)
        for method in route.methods
    }


def test_every_org_scoped_route_is_in_the_matrix(app: Litestar) -> None:
    routes = org_scoped_routes(app)
    assert ("GET", "/api/orgs/{slug:str}") in routes
    assert routes == set(MATRIX), (
        f"missing from the rows: {routes - set(MATRIX)}; stale: {set(MATRIX) - routes}"
    )


@pytest.fixture
async def people(
    sign_up: SignUp, open_client: Callable[..., AsyncTestClient[Litestar]]
) -> AsyncIterator[dict[str, Person]]:
    cast = {role: await sign_up(f"{role}@example.com", name=role) for role in CAST}
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
    org = Org(
        slug=slug,
        ids={"slug": slug, "user_id": people["victim"].id, "invitation_id": invited.json()["id"]},
    )
    for prepare in PREPARERS:
        await prepare(org, people)
    return org


async def test_permission_matrix(people: dict[str, Person]) -> None:
    failures: list[str] = []
    number = 0
    for (method, path), row in sorted(MATRIX.items()):
        for role, expected in zip(ROLES, row.statuses, strict=True):
            number += 1
            org = await _fresh_org(people, number)
            response = await people[role].send(method, fill(path, org), row.body(org))
            problem = response.json().get("type", "") if response.content else ""
            if response.status_code != expected:
                failures.append(f"{method} {path} as {role}: {response.status_code} {problem}")
            elif expected == 404 and not problem.endswith("/" + row.not_found):
                failures.append(f"{method} {path} as {role}: 404 {problem}")
            elif expected == 403 and not problem.endswith(row.forbidden):
                failures.append(f"{method} {path} as {role}: 403 {problem}")
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
