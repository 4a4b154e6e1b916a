"""Retro tests: the real app on a real Postgres; a team of verified people, each in a browser
of their own, with an organization and a board made from a template."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from tests.integration.organizations import conftest as organization_fixtures
from tests.integration.organizations.conftest import Person, SignUp, create_org

clock = organization_fixtures.clock
settings = organization_fixtures.settings
make_app = organization_fixtures.make_app
app = organization_fixtures.app
open_client = organization_fixtures.open_client
sign_up = organization_fixtures.sign_up


@dataclass
class Team:
    """Ada owns the organization and facilitates; Bea and Cy are members."""

    ada: Person
    bea: Person
    cy: Person
    slug: str
    board_id: str
    section_ids: list[str]


async def join(owner: Person, slug: str, *people: Person) -> None:
    link = (await owner.post(f"/api/orgs/{slug}/join-link")).json()["url"].split("#token=")[1]
    for person in people:
        joined = await person.post("/api/join", {"token": link})
        assert joined.status_code == 200, joined.text


async def create_board(person: Person, slug: str, template: str = "start-stop-continue") -> Any:
    response = await person.post(
        f"/api/orgs/{slug}/boards", {"name": "Team board", "templateKey": template}
    )
    assert response.status_code == 201, response.text
    return response.json()


@pytest.fixture
async def team(sign_up: SignUp) -> Team:
    ada = await sign_up("ada@example.com", name="Ada Lovelace")
    bea = await sign_up("bea@example.com", name="Bea Baker")
    cy = await sign_up("cy@example.com", name="Cy Young")
    slug = await create_org(ada, "Acme", slug="acme")
    await join(ada, slug, bea, cy)
    board = await create_board(ada, slug)
    return Team(
        ada=ada,
        bea=bea,
        cy=cy,
        slug=slug,
        board_id=board["id"],
        section_ids=[s["id"] for s in board["sections"]],
    )


async def open_retro(person: Person, board_id: str, **settings: Any) -> Any:
    response = await person.post(f"/api/boards/{board_id}/retros", settings)
    assert response.status_code == 201, response.text
    return response.json()


async def move_to(person: Person, retro_id: str, *phases: str) -> Any:
    body = None
    for phase in phases:
        response = await person.post(f"/api/retros/{retro_id}/phase", {"to": phase})
        assert response.status_code == 200, response.text
        body = response.json()
    return body


async def write(person: Person, retro_id: str, section_id: str, body: str) -> Any:
    response = await person.post(
        f"/api/retros/{retro_id}/cards", {"sectionId": section_id, "body": body}
    )
    assert response.status_code == 201, response.text
    return response.json()


async def read(person: Person, retro_id: str) -> Any:
    response = await person.get(f"/api/retros/{retro_id}")
    assert response.status_code == 200, response.text
    return response.json()


def problem_type(response: Any) -> str:
    return str(response.json().get("type", "")).rsplit("/", 1)[-1]
