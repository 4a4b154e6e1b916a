"""Action items through HTTP: recorded in discuss with an assignee from the organization,
changed by any member at any time, listed per board and per assignee, and carried over to
the board's next retro (and only there)."""

from __future__ import annotations

from typing import Any

from tests.integration.decisions.conftest import discussing
from tests.integration.organizations.conftest import Person, SignUp, create_org
from tests.integration.retros.conftest import (
    Team,
    create_board,
    join,
    move_to,
    open_retro,
    problem_type,
    read,
)
from tests.support.clock import MutableClock


async def _item(person: Person, retro_id: str, **body: Any) -> Any:
    response = await person.post(f"/api/retros/{retro_id}/action-items", body)
    assert response.status_code == 201, response.text
    return response.json()


async def test_an_action_item_is_recorded_in_discuss_and_read_with_the_retro(team: Team) -> None:
    rid, [card] = await discussing(team.ada, team.board_id, [(team.bea, team.section_ids[0], "x")])
    item = await _item(
        team.bea,
        rid,
        title=" Fix the build ",
        assigneeId=team.cy.id,
        dueOn="2026-12-24",
        topicId=card["topicId"],
    )
    assert item["title"] == "Fix the build"
    assert item["assignee"] == {"id": team.cy.id, "name": "Cy Young"}
    assert (item["dueOn"], item["done"], item["mine"]) == ("2026-12-24", False, True)
    assert (item["retroId"], item["boardId"], item["topicId"]) == (
        rid,
        team.board_id,
        card["topicId"],
    )
    seen = await read(team.ada, rid)
    assert [(i["id"], i["mine"]) for i in seen["actionItems"]] == [(item["id"], False)]
    assert seen["carriedOverActionItems"] == []


async def test_action_items_wait_for_discuss_and_refuse_outsiders_as_assignees(
    team: Team, sign_up: SignUp
) -> None:
    draft = await open_retro(team.ada, team.board_id)
    early = await team.ada.post(f"/api/retros/{draft['id']}/action-items", {"title": "Soon"})
    assert (early.status_code, problem_type(early)) == (409, "phase-not-allowed")

    rid, _ = await discussing(team.ada, team.board_id, [(team.bea, team.section_ids[0], "x")])
    eve = await sign_up("eve@example.com", name="Eve")
    for assignee in (eve.id, "00000000-0000-0000-0000-000000000000"):
        refused = await team.ada.post(
            f"/api/retros/{rid}/action-items", {"title": "Do", "assigneeId": assignee}
        )
        assert (refused.status_code, problem_type(refused)) == (404, "assignee-not-found")
    item = await _item(team.ada, rid, title="Do")
    refused = await team.ada.send(
        "PATCH", f"/api/action-items/{item['id']}", {"assigneeId": eve.id}
    )
    assert (refused.status_code, problem_type(refused)) == (404, "assignee-not-found")
    outsider = await eve.send("PATCH", f"/api/action-items/{item['id']}", {"done": True})
    assert (outsider.status_code, problem_type(outsider)) == (404, "action-item-not-found")
    blank = await team.ada.post(f"/api/retros/{rid}/action-items", {"title": "  "})
    assert blank.status_code == 400, blank.text
    foreign_topic = await team.ada.post(
        f"/api/retros/{rid}/action-items",
        {"title": "Do", "topicId": "00000000-0000-0000-0000-000000000000"},
    )
    assert (foreign_topic.status_code, problem_type(foreign_topic)) == (404, "topic-not-found")


async def test_any_member_changes_an_item_also_after_the_retro_closed(team: Team) -> None:
    rid, _ = await discussing(team.ada, team.board_id, [(team.bea, team.section_ids[0], "x")])
    item = await _item(team.ada, rid, title="Do", assigneeId=team.bea.id, dueOn="2026-12-01")
    await move_to(team.ada, rid, "closed")
    version = (await read(team.ada, rid))["version"]

    done = await team.cy.send("PATCH", f"/api/action-items/{item['id']}", {"done": True})
    assert done.status_code == 200, done.text
    assert done.json()["done"] is True
    assert done.json()["doneAt"] is not None
    cleared = await team.cy.send(
        "PATCH", f"/api/action-items/{item['id']}", {"assigneeId": None, "dueOn": None}
    )
    body = cleared.json()
    assert (body["assignee"], body["dueOn"], body["title"], body["done"]) == (
        None,
        None,
        "Do",
        True,
    )
    same = await team.cy.send("PATCH", f"/api/action-items/{item['id']}", {"done": True})
    assert same.status_code == 200
    # Two changes, one version each; the repeat changed nothing.
    assert (await read(team.ada, rid))["version"] == version + 2
    undone = await team.bea.send("PATCH", f"/api/action-items/{item['id']}", {"done": False})
    assert undone.json()["doneAt"] is None


async def test_lists_per_board_and_per_assignee(team: Team, clock: MutableClock) -> None:
    rid, _ = await discussing(team.ada, team.board_id, [(team.bea, team.section_ids[0], "x")])
    first = await _item(team.ada, rid, title="First", assigneeId=team.bea.id)
    clock.advance(minutes=1)
    second = await _item(team.ada, rid, title="Second", assigneeId=team.cy.id)
    clock.advance(minutes=1)
    third = await _item(team.ada, rid, title="Third", assigneeId=team.bea.id)
    await team.ada.send("PATCH", f"/api/action-items/{third['id']}", {"done": True})

    def titles(response: Any) -> list[str]:
        assert response.status_code == 200, response.text
        return [i["title"] for i in response.json()["items"]]

    board = f"/api/boards/{team.board_id}/action-items"
    assert titles(await team.cy.get(board)) == ["First", "Second"]
    assert titles(await team.cy.get(board, params={"status": "done"})) == ["Third"]
    assert titles(await team.cy.get(board, params={"status": "all"})) == [
        "First",
        "Second",
        "Third",
    ]
    paged = await team.cy.get(board, params={"status": "all", "limit": 1, "offset": 1})
    assert titles(paged) == ["Second"]
    assert paged.json()["total"] == 3
    bad = await team.cy.get(board, params={"status": "later"})
    assert bad.status_code == 400

    assert titles(await team.bea.get("/api/me/action-items")) == ["First"]
    assert titles(await team.bea.get("/api/me/action-items", params={"status": "all"})) == [
        "First",
        "Third",
    ]
    assert [i["id"] for i in (await team.cy.get("/api/me/action-items")).json()["items"]] == [
        second["id"]
    ]
    # Bea's items in another organization of hers are listed too; none once she leaves it.
    other_slug = await create_org(team.bea, "Side", slug="side")
    other_board = await create_board(team.bea, other_slug)
    other, _ = await discussing(
        team.bea, other_board["id"], [(team.bea, other_board["sections"][0]["id"], "y")]
    )
    clock.advance(minutes=1)
    await _item(team.bea, other, title="Elsewhere", assigneeId=team.bea.id)
    assert titles(await team.bea.get("/api/me/action-items")) == ["First", "Elsewhere"]
    left = await team.ada.send("DELETE", f"/api/orgs/{team.slug}/members/{team.bea.id}")
    assert left.status_code == 204, left.text
    assert titles(await team.bea.get("/api/me/action-items")) == ["Elsewhere"]
    assert first["assignee"]["id"] == team.bea.id


async def test_open_items_carry_over_to_the_boards_next_retro_only(
    team: Team, sign_up: SignUp, clock: MutableClock
) -> None:
    """Open items of retro 1 appear in retro 2 of the same board, not in a retro of another
    board or another organization; marking one done there takes it off."""
    section = team.section_ids[0]
    first, _ = await discussing(team.ada, team.board_id, [(team.bea, section, "x")])
    kept = await _item(team.ada, first, title="Kept open", assigneeId=team.cy.id)
    done = await _item(team.ada, first, title="Done already")
    await team.ada.send("PATCH", f"/api/action-items/{done['id']}", {"done": True})
    await move_to(team.ada, first, "closed")
    clock.advance(minutes=10)

    second = await open_retro(team.ada, team.board_id)
    seen = await read(team.bea, second["id"])
    assert [(i["id"], i["retroId"]) for i in seen["carriedOverActionItems"]] == [
        (kept["id"], first)
    ]
    assert seen["carriedOverActionItems"][0]["assignee"]["name"] == "Cy Young"
    assert seen["actionItems"] == []
    # The first retro does not carry its own items, nor later retros' ones.
    assert (await read(team.ada, first))["carriedOverActionItems"] == []

    other_board = await create_board(team.ada, team.slug)
    elsewhere = await open_retro(team.ada, other_board["id"])
    assert (await read(team.ada, elsewhere["id"]))["carriedOverActionItems"] == []
    zed = await sign_up("zed@example.com", name="Zed")
    other_slug = await create_org(zed, "Other", slug="other")
    await join(zed, other_slug)
    foreign_board = await create_board(zed, other_slug)
    foreign = await open_retro(zed, foreign_board["id"])
    assert (await read(zed, foreign["id"]))["carriedOverActionItems"] == []

    # Marked done from the new retro's list: gone from it, done everywhere.
    marked = await team.bea.send("PATCH", f"/api/action-items/{kept['id']}", {"done": True})
    assert marked.status_code == 200
    assert (await read(team.bea, second["id"]))["carriedOverActionItems"] == []
    board_items = await team.bea.get(
        f"/api/boards/{team.board_id}/action-items", params={"status": "done"}
    )
    assert {i["id"] for i in board_items.json()["items"]} == {kept["id"], done["id"]}
