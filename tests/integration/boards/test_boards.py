"""Boards over HTTP on Postgres: templates, creating, reading, listing, renaming, sections,
deleting, the verified-email rule, tenants and the organization's deletion."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Any

import asyncpg

from aluzio.adapters.postgres.database import to_asyncpg_dsn
from aluzio.domain.boards.model import MAX_BOARDS_PER_ORGANIZATION
from tests.integration.boards.conftest import create_board
from tests.integration.organizations.conftest import Person, SignUp, add_member, create_org
from tests.support.clock import MutableClock


def problem_of(response: Any) -> str:
    return str(response.json()["type"]).rsplit("/", 1)[-1]


async def _sql(database_url: str, query: str, *args: Any) -> Any:
    connection = await asyncpg.connect(to_asyncpg_dsn(database_url))
    try:
        return await connection.fetchval(query, *args)
    finally:
        await connection.close()


async def _team(sign_up: SignUp, database_url: str) -> tuple[str, Person, Person]:
    ada = await sign_up("ada@example.com", name="Ada")
    bea = await sign_up("bea@example.com", name="Bea")
    slug = await create_org(ada, "Team", slug="team")
    await add_member(ada, slug, bea, "member", database_url)
    return slug, ada, bea


async def test_the_five_templates_for_signed_in_people(sign_up: SignUp, open_client: Any) -> None:
    ada = await sign_up("ada@example.com")
    response = await ada.get("/api/board-templates")
    assert response.status_code == 200
    templates = response.json()["items"]
    assert [t["key"] for t in templates] == [
        "start-stop-continue",
        "mad-sad-glad",
        "went-well-to-improve-actions",
        "four-ls",
        "sailboat",
    ]
    sailboat = templates[-1]
    assert sailboat["name"] == "Sailboat"
    assert [s["title"] for s in sailboat["sections"]] == ["Wind", "Anchors", "Rocks", "Island"]
    assert set(sailboat["sections"][0]) == {"title", "prompt", "color"}
    async with open_client() as anonymous:
        assert (await anonymous.get("/api/board-templates")).status_code == 401


async def test_create_from_a_template_read_and_list(sign_up: SignUp, database_url: str) -> None:
    slug, ada, bea = await _team(sign_up, database_url)
    board = await create_board(bea, slug, "  Sprint 42  ", templateKey="mad-sad-glad")
    assert set(board) == {"id", "name", "organizationSlug", "createdBy", "createdAt", "sections"}
    assert (board["name"], board["organizationSlug"], board["createdBy"]) == (
        "Sprint 42",
        slug,
        bea.id,
    )
    assert [(s["title"], s["color"]) for s in board["sections"]] == [
        ("Mad", "red"),
        ("Sad", "indigo"),
        ("Glad", "yellow"),
    ]
    assert all(set(s) == {"id", "title", "prompt", "color"} for s in board["sections"])
    read = await ada.get(f"/api/boards/{board['id']}")
    assert read.status_code == 200
    assert read.json() == board
    listed = (await ada.get(f"/api/orgs/{slug}/boards")).json()
    assert listed == {"items": [board], "total": 1, "limit": 50, "offset": 0}


async def test_create_with_sections_of_its_own(sign_up: SignUp, database_url: str) -> None:
    slug, ada, _ = await _team(sign_up, database_url)
    sections = [
        {"title": "Kudos", "prompt": "Who helped you?", "color": "pink"},
        {"title": "Puzzles"},
    ]
    board = await create_board(ada, slug, "Custom", sections=sections)
    assert [(s["title"], s["prompt"], s["color"]) for s in board["sections"]] == [
        ("Kudos", "Who helped you?", "pink"),
        ("Puzzles", None, None),
    ]


async def test_create_refusals_name_the_rule(sign_up: SignUp, database_url: str) -> None:
    slug, ada, _ = await _team(sign_up, database_url)
    one = [{"title": "One"}]
    for body, expected in (
        ({"name": "B"}, "template-or-sections"),
        ({"name": "B", "templateKey": "sailboat", "sections": one}, "template-or-sections"),
        ({"name": "B", "templateKey": "sailboat", "sections": None}, None),
        ({"name": "B", "templateKey": "no-such-template"}, "invalid-request"),
        ({"name": "B", "sections": []}, "invalid-request"),
        ({"name": "B", "sections": one * 13}, "invalid-request"),
        ({"name": "B", "sections": [{"title": "A", "color": "beige"}]}, "invalid-request"),
        ({"name": "B", "sections": [{"title": "x" * 61}]}, "invalid-request"),
        ({"name": "B", "sections": [{"title": "A", "prompt": "p" * 201}]}, "invalid-request"),
        ({"name": "B", "sections": [{"title": "   "}]}, "invalid-input"),
        ({"name": "", "templateKey": "sailboat"}, "invalid-request"),
        ({"name": "x" * 101, "templateKey": "sailboat"}, "invalid-request"),
    ):
        response = await ada.post(f"/api/orgs/{slug}/boards", body)
        if expected is None:
            assert response.status_code == 201, (body, response.text)
            continue
        assert response.status_code == 400, (body, response.text)
        assert problem_of(response) == expected, (body, response.text)
    assert (await ada.get(f"/api/orgs/{slug}/boards")).json()["total"] == 1


async def test_rename_and_replace_sections(sign_up: SignUp, database_url: str) -> None:
    slug, ada, bea = await _team(sign_up, database_url)
    board = await create_board(ada, slug, "Old", templateKey="start-stop-continue")
    start, stop, keep_going = board["sections"]
    renamed = await bea.send("PATCH", f"/api/boards/{board['id']}", {"name": "New"})
    assert renamed.status_code == 200
    assert renamed.json()["name"] == "New"
    assert (await bea.send("PATCH", f"/api/boards/{board['id']}", {"name": ""})).status_code == 400

    replaced = await bea.send(
        "PUT",
        f"/api/boards/{board['id']}/sections",
        {
            "sections": [
                {"id": keep_going["id"], "title": "Keep", "color": "teal"},
                {"title": "Kudos", "prompt": "Thanks to…"},
                {"id": start["id"], "title": "Start"},
            ]
        },
    )
    assert replaced.status_code == 200, replaced.text
    sections = replaced.json()["sections"]
    assert [s["id"] for s in sections][::2] == [keep_going["id"], start["id"]]
    assert sections[1]["id"] not in {start["id"], stop["id"], keep_going["id"]}
    assert [(s["title"], s["prompt"], s["color"]) for s in sections] == [
        ("Keep", None, "teal"),
        ("Kudos", "Thanks to…", None),
        ("Start", None, None),
    ]
    assert (await ada.get(f"/api/boards/{board['id']}")).json()["sections"] == sections

    unknown = await bea.send(
        "PUT",
        f"/api/boards/{board['id']}/sections",
        {"sections": [{"id": stop["id"], "title": "X"}]},
    )
    assert (unknown.status_code, problem_of(unknown)) == (404, "section-not-found")
    twice = await bea.send(
        "PUT",
        f"/api/boards/{board['id']}/sections",
        {"sections": [{"id": start["id"], "title": "A"}, {"id": start["id"], "title": "B"}]},
    )
    assert twice.status_code == 400
    none = await bea.send("PUT", f"/api/boards/{board['id']}/sections", {"sections": []})
    assert none.status_code == 400
    assert (await ada.get(f"/api/boards/{board['id']}")).json()["sections"] == sections


async def test_who_deletes_a_board(sign_up: SignUp, database_url: str) -> None:
    slug, ada, bea = await _team(sign_up, database_url)
    adas = await create_board(ada, slug, "Ada's")
    beas = await create_board(bea, slug, "Bea's")
    refused = await bea.send("DELETE", f"/api/boards/{adas['id']}")
    assert (refused.status_code, problem_of(refused)) == (403, "not-board-creator")
    assert (await bea.send("DELETE", f"/api/boards/{beas['id']}")).status_code == 204
    # The owner deletes anyone's board.
    other = await create_board(bea, slug, "Another of Bea's")
    assert (await ada.send("DELETE", f"/api/boards/{other['id']}")).status_code == 204
    for gone in (beas, other):
        missing = await ada.get(f"/api/boards/{gone['id']}")
        assert (missing.status_code, problem_of(missing)) == (404, "board-not-found")
    assert [b["name"] for b in (await ada.get(f"/api/orgs/{slug}/boards")).json()["items"]] == [
        "Ada's"
    ]


async def test_changes_need_a_verified_email(sign_up: SignUp, database_url: str) -> None:
    slug, ada, bea = await _team(sign_up, database_url)
    board = await create_board(ada, slug, "Board")
    await _sql(
        database_url, "UPDATE users SET email_verified_at = NULL WHERE email = $1", bea.email
    )
    path = f"/api/boards/{board['id']}"
    for method, url, body in (
        ("POST", f"/api/orgs/{slug}/boards", {"name": "B", "templateKey": "sailboat"}),
        ("PATCH", path, {"name": "Renamed"}),
        ("PUT", path + "/sections", {"sections": [{"title": "A"}]}),
        ("DELETE", path, None),
    ):
        response = await bea.send(method, url, body)
        assert (response.status_code, problem_of(response)) == (403, "email-not-verified"), url
    assert (await bea.get(path)).json() == board
    assert (await bea.get(f"/api/orgs/{slug}/boards")).json()["total"] == 1


async def test_other_tenants_ids_are_not_found(sign_up: SignUp, database_url: str) -> None:
    """Ada's team and Eve's team: Eve addressing Ada's board, in paths or bodies, gets 404,
    exactly as for an id that does not exist."""
    slug, ada, _ = await _team(sign_up, database_url)
    eve = await sign_up("eve@example.com", name="Eve")
    eves_slug = await create_org(eve, "Eve's", slug="eves")
    adas = await create_board(ada, slug, "Ada's")
    eves = await create_board(eve, eves_slug, "Eve's")
    answers: dict[str, list[Any]] = {}
    for board_id in (adas["id"], str(uuid.uuid4())):
        path = f"/api/boards/{board_id}"
        for method, suffix, body in (
            ("GET", "", None),
            ("PATCH", "", {"name": "Mine"}),
            ("PUT", "/sections", {"sections": [{"title": "Mine"}]}),
            ("DELETE", "", None),
        ):
            response = await eve.send(method, path + suffix, body)
            assert (response.status_code, problem_of(response)) == (404, "board-not-found")
            answers.setdefault(method + suffix, []).append(response.json())
    assert all(existing == missing for existing, missing in answers.values())
    for method, url in (("GET", f"/api/orgs/{slug}/boards"), ("POST", f"/api/orgs/{slug}/boards")):
        response = await eve.send(method, url, {"name": "B", "templateKey": "sailboat"})
        assert (response.status_code, problem_of(response)) == (404, "organization-not-found")
    # Ada's section ids in the body of Eve's own board.
    stolen = await eve.send(
        "PUT",
        f"/api/boards/{eves['id']}/sections",
        {"sections": [{"id": s["id"], "title": "Stolen"} for s in adas["sections"]]},
    )
    assert (stolen.status_code, problem_of(stolen)) == (404, "section-not-found")
    assert (await ada.get(f"/api/boards/{adas['id']}")).json() == adas
    assert (await eve.get(f"/api/boards/{eves['id']}")).json() == eves


async def test_deleting_the_organization_deletes_its_boards(
    sign_up: SignUp, database_url: str
) -> None:
    slug, ada, _ = await _team(sign_up, database_url)
    board = await create_board(ada, slug, "Board")
    kept_slug = await create_org(ada, "Kept", slug="kept")
    kept = await create_board(ada, kept_slug, "Kept")
    deleted = await ada.send("DELETE", f"/api/orgs/{slug}", {"confirmSlug": slug})
    assert deleted.status_code == 204
    assert (await ada.get(f"/api/boards/{board['id']}")).status_code == 404
    assert await _sql(database_url, "SELECT count(*) FROM boards") == 1
    assert await _sql(database_url, "SELECT count(*) FROM board_sections") == len(kept["sections"])


async def _seed_boards(
    database_url: str, organization_id: str, count: int, before: datetime
) -> None:
    """``count`` one-section boards straight into the tables (an HTTP request each is slow),
    a minute apart, the last a minute ``before``."""
    connection = await asyncpg.connect(to_asyncpg_dsn(database_url))
    try:
        for number in range(count):
            board_id = uuid.uuid4()
            await connection.execute(
                "INSERT INTO boards (id, organization_id, name, created_at)"
                " VALUES ($1, $2, $3, $4)",
                board_id,
                uuid.UUID(organization_id),
                f"Seeded {number}",
                before - timedelta(minutes=count - number),
            )
            await connection.execute(
                "INSERT INTO board_sections (id, board_id, position, title)"
                " VALUES ($1, $2, 0, 'Only')",
                uuid.uuid4(),
                board_id,
            )
    finally:
        await connection.close()


async def test_pages_hold_at_most_50_boards(
    sign_up: SignUp, database_url: str, clock: MutableClock
) -> None:
    slug, ada, bea = await _team(sign_up, database_url)
    org_id = (await ada.get(f"/api/orgs/{slug}")).json()["id"]
    await _seed_boards(database_url, org_id, 59, clock.now())
    newest = await create_board(ada, slug, "Newest")
    first = (await bea.get(f"/api/orgs/{slug}/boards?limit=100")).json()
    assert (first["limit"], first["offset"], first["total"], len(first["items"])) == (50, 0, 60, 50)
    assert first["items"][0] == newest
    rest = (await bea.get(f"/api/orgs/{slug}/boards?limit=50&offset=50")).json()
    assert [b["name"] for b in rest["items"]] == [f"Seeded {n}" for n in range(9, 0, -1)] + [
        "Seeded 0"
    ]
    assert (await bea.get(f"/api/orgs/{slug}/boards?limit=0")).status_code == 400


async def test_an_organization_holds_at_most_200_boards(
    sign_up: SignUp, database_url: str, clock: MutableClock
) -> None:
    slug, ada, _ = await _team(sign_up, database_url)
    org_id = (await ada.get(f"/api/orgs/{slug}")).json()["id"]
    await _seed_boards(database_url, org_id, MAX_BOARDS_PER_ORGANIZATION - 1, clock.now())
    last = await create_board(ada, slug, "The 200th")
    refused = await ada.post(f"/api/orgs/{slug}/boards", {"name": "B", "templateKey": "sailboat"})
    assert (refused.status_code, problem_of(refused)) == (409, "board-limit-reached")
    assert (await ada.send("DELETE", f"/api/boards/{last['id']}")).status_code == 204
    await create_board(ada, slug, "Room again")
