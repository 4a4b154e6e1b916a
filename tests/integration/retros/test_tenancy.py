"""Tenant isolation: ids of another organization's boards, retros, cards, topics, sections
and members, in paths and in bodies, are not found; nothing of theirs changes."""

from __future__ import annotations

from tests.integration.organizations.conftest import SignUp, create_org
from tests.integration.retros.conftest import (
    Team,
    create_board,
    join,
    move_to,
    open_retro,
    problem_type,
    read,
    write,
)


async def test_cross_organization_ids_are_not_found(team: Team, sign_up: SignUp) -> None:
    # Zed's organization, with a retro in group holding a card.
    zed = await sign_up("zed@example.com", name="Zed Zulu")
    zoe = await sign_up("zoe@example.com", name="Zoe Zane")
    other = await create_org(zed, "Other", slug="other")
    await join(zed, other, zoe)
    board = await create_board(zed, other)
    theirs = await open_retro(zed, board["id"])
    await move_to(zed, theirs["id"], "reflect")
    card = await write(zoe, theirs["id"], board["sections"][0]["id"], "Theirs")
    await move_to(zed, theirs["id"], "group")
    before = await read(zed, theirs["id"])

    # Ada's own retro, in group with a card of hers.
    mine = await open_retro(team.ada, team.board_id)
    await move_to(team.ada, mine["id"], "reflect")
    own = await write(team.ada, mine["id"], team.section_ids[0], "Mine")
    await move_to(team.ada, mine["id"], "group")

    ada = team.ada
    in_paths = [
        ("GET", f"/api/boards/{board['id']}/retros", None),
        ("POST", f"/api/boards/{board['id']}/retros", {}),
        ("GET", f"/api/retros/{theirs['id']}", None),
        ("PATCH", f"/api/retros/{theirs['id']}", {"title": "x"}),
        ("DELETE", f"/api/retros/{theirs['id']}", None),
        ("POST", f"/api/retros/{theirs['id']}/phase", {"to": "vote"}),
        ("POST", f"/api/retros/{theirs['id']}/facilitator", {"userId": ada.id}),
        ("POST", f"/api/retros/{theirs['id']}/cards", {"sectionId": own["sectionId"], "body": "x"}),
        ("PATCH", f"/api/cards/{card['id']}", {"body": "x"}),
        ("DELETE", f"/api/cards/{card['id']}", None),
        ("POST", f"/api/cards/{card['id']}/move", {"topicId": own["topicId"]}),
        ("PATCH", f"/api/topics/{card['topicId']}", {"title": "x"}),
    ]  # fmt: skip
    in_bodies = [
        ("POST", f"/api/retros/{mine['id']}/cards", {"sectionId": card["sectionId"], "body": "x"}),
        ("POST", f"/api/cards/{own['id']}/move", {"topicId": card["topicId"]}),
        ("POST", f"/api/retros/{mine['id']}/facilitator", {"userId": zoe.id}),
    ]  # fmt: skip
    for method, path, body in in_paths + in_bodies:
        response = await ada.send(method, path, body)
        assert response.status_code == 404, (method, path, response.text)
        assert problem_type(response).endswith("-not-found"), (method, path, response.text)

    after = await read(zed, theirs["id"])
    assert after["version"] == before["version"]
    assert after["topics"] == before["topics"]
    assert ada.id not in [p["id"] for p in after["participants"]]
