"""Cards and topics over HTTP on Postgres: writing, hidden writing in reflect, editing by
the author, grouping into topics, topic names, limits."""

from __future__ import annotations

from typing import Any

from tests.integration.retros.conftest import (
    Team,
    move_to,
    open_retro,
    problem_type,
    read,
    write,
)


def cards_of(view: Any) -> list[Any]:
    return [card for topic in view["topics"] for card in topic["cards"]]


async def test_cards_are_written_in_reflect_and_group_only(team: Team) -> None:
    retro = await open_retro(team.ada, team.board_id)
    path = f"/api/retros/{retro['id']}/cards"
    body = {"sectionId": team.section_ids[0], "body": "Too early"}
    early = await team.bea.post(path, body)
    assert (early.status_code, problem_type(early)) == (409, "phase-not-allowed")
    await move_to(team.ada, retro["id"], "reflect")
    card = await write(team.bea, retro["id"], team.section_ids[0], "  Standups ran long \n")
    assert card["body"] == "Standups ran long"
    assert (card["mine"], card["author"], card["position"]) == (True, None, 0)
    await move_to(team.ada, retro["id"], "group")
    await write(team.bea, retro["id"], team.section_ids[1], "In group too")
    await move_to(team.ada, retro["id"], "vote")
    late = await team.bea.post(path, body)
    assert (late.status_code, problem_type(late)) == (409, "phase-not-allowed")


async def test_card_input_is_checked(team: Team) -> None:
    retro = await open_retro(team.ada, team.board_id)
    other = await open_retro(team.ada, team.board_id)
    await move_to(team.ada, retro["id"], "reflect")
    path = f"/api/retros/{retro['id']}/cards"
    for body in (
        {"sectionId": team.section_ids[0], "body": ""},
        {"sectionId": team.section_ids[0], "body": "   "},
        {"sectionId": team.section_ids[0], "body": "x" * 2001},
        {"sectionId": "not-a-uuid", "body": "x"},
        {"body": "x"},
    ):
        response = await team.bea.post(path, body)
        assert response.status_code == 400, (body, response.text)
    unknown = await team.bea.post(path, {"sectionId": other["id"], "body": "x"})
    assert unknown.status_code == 404, unknown.text


async def test_hidden_writing_in_reflect(team: Team) -> None:
    retro = await open_retro(team.ada, team.board_id)
    await move_to(team.ada, retro["id"], "reflect")
    adas = [
        await write(team.ada, retro["id"], team.section_ids[0], "Ada's secret one"),
        await write(team.ada, retro["id"], team.section_ids[0], "Ada's secret two"),
        await write(team.ada, retro["id"], team.section_ids[2], "Ada's secret three"),
    ]
    beas = await write(team.bea, retro["id"], team.section_ids[0], "Bea's own")

    response = await team.bea.get(f"/api/retros/{retro['id']}")
    seen = response.json()
    assert [c["body"] for c in cards_of(seen)] == ["Bea's own"]
    assert cards_of(seen)[0]["id"] == beas["id"]
    hidden = {s["id"]: s["hiddenCards"] for s in seen["sections"]}
    assert hidden == {team.section_ids[0]: 2, team.section_ids[1]: 0, team.section_ids[2]: 1}
    for card in adas:
        assert card["id"] not in response.text
        assert card["topicId"] not in response.text
        assert card["body"] not in response.text
    # Nor can Bea reach Ada's hidden cards by id.
    for method, body in (("PATCH", {"body": "x"}), ("DELETE", None)):
        refused = await team.bea.send(method, f"/api/cards/{adas[0]['id']}", body)
        assert (refused.status_code, problem_type(refused)) == (404, "card-not-found")

    await move_to(team.ada, retro["id"], "group")
    revealed = await read(team.bea, retro["id"])
    assert sorted(c["body"] for c in cards_of(revealed)) == sorted(
        [c["body"] for c in adas] + ["Bea's own"]
    )
    assert all(s["hiddenCards"] == 0 for s in revealed["sections"])
    mine = {c["body"]: c["mine"] for c in cards_of(revealed)}
    assert mine["Bea's own"]
    assert not mine["Ada's secret one"]


async def test_only_the_author_edits_or_deletes_a_card(team: Team) -> None:
    retro = await open_retro(team.ada, team.board_id)
    await move_to(team.ada, retro["id"], "reflect")
    card = await write(team.bea, retro["id"], team.section_ids[0], "First draft")
    path = f"/api/cards/{card['id']}"
    edited = await team.bea.send("PATCH", path, {"body": "Second draft"})
    assert edited.status_code == 200, edited.text
    assert edited.json()["body"] == "Second draft"
    await move_to(team.ada, retro["id"], "group")
    for method, body in (("PATCH", {"body": "Ada's words"}), ("DELETE", None)):
        refused = await team.ada.send(method, path, body)
        assert (refused.status_code, problem_type(refused)) == (403, "not-card-author")
    assert (await team.bea.send("DELETE", path)).status_code == 204
    seen = await read(team.ada, retro["id"])
    assert seen["topics"] == []  # its topic went with it
    gone = await team.bea.send("DELETE", path)
    assert (gone.status_code, problem_type(gone)) == (404, "card-not-found")


async def test_grouping_cards_into_topics(team: Team) -> None:
    retro = await open_retro(team.ada, team.board_id)
    await move_to(team.ada, retro["id"], "reflect")
    one = await write(team.ada, retro["id"], team.section_ids[0], "One")
    two = await write(team.bea, retro["id"], team.section_ids[0], "Two")
    three = await write(team.cy, retro["id"], team.section_ids[1], "Three")
    early = await team.bea.post(f"/api/cards/{two['id']}/move", {"topicId": one["topicId"]})
    assert (early.status_code, problem_type(early)) == (409, "phase-not-allowed")
    await move_to(team.ada, retro["id"], "group")

    moved = await team.bea.post(f"/api/cards/{two['id']}/move", {"topicId": one["topicId"]})
    assert moved.status_code == 200, moved.text
    assert (moved.json()["topicId"], moved.json()["position"]) == (one["topicId"], 1)
    first = await team.cy.post(
        f"/api/cards/{three['id']}/move", {"topicId": one["topicId"], "position": 0}
    )
    assert first.json()["position"] == 0
    seen = await read(team.cy, retro["id"])
    assert [[c["body"] for c in t["cards"]] for t in seen["topics"]] == [["Three", "One", "Two"]]
    assert [c["position"] for c in seen["topics"][0]["cards"]] == [0, 1, 2]

    named = await team.cy.send("PATCH", f"/api/topics/{one['topicId']}", {"title": " Meetings "})
    assert named.status_code == 200, named.text
    assert named.json()["title"] == "Meetings"
    assert [c["body"] for c in named.json()["cards"]] == ["Three", "One", "Two"]
    too_long = await team.cy.send("PATCH", f"/api/topics/{one['topicId']}", {"title": "x" * 101})
    assert too_long.status_code == 400

    alone = await team.ada.post(f"/api/cards/{one['id']}/move", {"topicId": None})
    assert alone.json()["topicId"] not in (one["topicId"], three["topicId"])
    seen = await read(team.ada, retro["id"])
    assert sorted([c["body"] for c in t["cards"]] for t in seen["topics"]) == [
        ["One"],
        ["Three", "Two"],
    ]
    missing = await team.ada.post(f"/api/cards/{one['id']}/move", {"topicId": retro["id"]})
    assert (missing.status_code, problem_type(missing)) == (404, "topic-not-found")


async def test_a_named_retro_shows_authors_an_anonymous_one_only_mine(team: Team) -> None:
    named = await open_retro(team.ada, team.board_id, anonymous=False)
    await move_to(team.ada, named["id"], "reflect")
    card = await write(team.bea, named["id"], team.section_ids[0], "Signed")
    assert card["author"] == {"id": team.bea.id, "name": "Bea Baker"}
    await move_to(team.ada, named["id"], "group")
    seen = cards_of(await read(team.cy, named["id"]))
    assert seen[0]["author"] == {"id": team.bea.id, "name": "Bea Baker"}
    assert seen[0]["mine"] is False


async def test_every_change_bumps_the_version_once(team: Team) -> None:
    retro = await open_retro(team.ada, team.board_id)
    versions = [retro["version"]]
    versions.append((await move_to(team.ada, retro["id"], "reflect"))["version"])
    card = await write(team.bea, retro["id"], team.section_ids[0], "x")
    versions.append((await read(team.ada, retro["id"]))["version"])  # Ada joins: +1
    await team.bea.send("PATCH", f"/api/cards/{card['id']}", {"body": "y"})
    after_edit = (await read(team.ada, retro["id"]))["version"]
    # reflect (+1); the card (+1) and Ada's first read (+1); the edit (+1), rereading (0).
    assert versions[1] == versions[0] + 1
    assert versions[2] == versions[1] + 2
    assert after_edit == versions[2] + 1
