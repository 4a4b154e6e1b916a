"""Board tests: the real app on a real Postgres, people as in the organization tests."""

from __future__ import annotations

from typing import Any

from tests.integration.organizations import conftest as org_fixtures
from tests.integration.organizations.conftest import Person

clock = org_fixtures.clock
settings = org_fixtures.settings
make_app = org_fixtures.make_app
app = org_fixtures.app
open_client = org_fixtures.open_client
sign_up = org_fixtures.sign_up


async def create_board(
    person: Person, slug: str, name: str = "Team board", **body: Any
) -> dict[str, Any]:
    """A board made by ``person`` (from the start-stop-continue template unless told)."""
    if "sections" not in body:
        body.setdefault("templateKey", "start-stop-continue")
    response = await person.post(f"/api/orgs/{slug}/boards", {"name": name, **body})
    assert response.status_code == 201, response.text
    board: dict[str, Any] = response.json()
    return board
