"""Discussion notes through HTTP: written in discuss, shown under their topic in the retro
read, edited and deleted by their author only, anonymous as cards are."""

from __future__ import annotations

from tests.integration.decisions.conftest import discussing
from tests.integration.organizations.conftest import SignUp
from tests.integration.retros.conftest import Team, move_to, open_retro, problem_type, read, write


async def test_notes_are_written_in_discuss_and_read_under_their_topic(team: Team) -> None:
    rid, [card] = await discussing(
        team.ada, team.board_id, [(team.bea, team.section_ids[0], "Slow CI")], anonymous=True
    )
    before = (await read(team.ada, rid))["version"]
    added = await team.bea.post(f"/api/topics/{card['topicId']}/notes", {"body": "  Cache it \n"})
    assert added.status_code == 201, added.text
    note = added.json()
    assert note["body"] == "Cache it"
    assert note["mine"] is True
    assert note["author"] is None  # anonymous retro

    seen_by_ada = await read(team.ada, rid)
    assert seen_by_ada["version"] == before + 1
    [topic] = seen_by_ada["topics"]
    assert [(n["id"], n["mine"], n["author"]) for n in topic["notes"]] == [
        (note["id"], False, None)
    ]
    mine = (await read(team.bea, rid))["topics"][0]["notes"][0]
    assert mine["mine"] is True


async def test_named_retros_name_note_authors(team: Team) -> None:
    rid, [card] = await discussing(
        team.ada, team.board_id, [(team.bea, team.section_ids[0], "x")], anonymous=False
    )
    added = await team.cy.post(f"/api/topics/{card['topicId']}/notes", {"body": "Agreed"})
    assert added.json()["author"] == {"id": team.cy.id, "name": "Cy Young"}
    [note] = (await read(team.ada, rid))["topics"][0]["notes"]
    assert note["author"]["name"] == "Cy Young"


async def test_only_the_author_edits_or_deletes_a_note_until_the_retro_closes(team: Team) -> None:
    rid, [card] = await discussing(team.ada, team.board_id, [(team.bea, team.section_ids[0], "x")])
    note = (await team.bea.post(f"/api/topics/{card['topicId']}/notes", {"body": "One"})).json()

    refused = await team.ada.send("PATCH", f"/api/notes/{note['id']}", {"body": "Mine now"})
    assert (refused.status_code, problem_type(refused)) == (403, "not-note-author")
    refused = await team.ada.send("DELETE", f"/api/notes/{note['id']}")
    assert (refused.status_code, problem_type(refused)) == (403, "not-note-author")

    edited = await team.bea.send("PATCH", f"/api/notes/{note['id']}", {"body": "Two"})
    assert edited.status_code == 200
    assert edited.json()["body"] == "Two"
    blank = await team.bea.send("PATCH", f"/api/notes/{note['id']}", {"body": "   "})
    assert blank.status_code == 400, blank.text

    other = (await team.bea.post(f"/api/topics/{card['topicId']}/notes", {"body": "Gone"})).json()
    deleted = await team.bea.send("DELETE", f"/api/notes/{other['id']}")
    assert deleted.status_code == 204
    again = await team.bea.send("DELETE", f"/api/notes/{other['id']}")
    assert (again.status_code, problem_type(again)) == (404, "note-not-found")
    assert [n["body"] for n in (await read(team.ada, rid))["topics"][0]["notes"]] == ["Two"]

    await move_to(team.ada, rid, "closed")
    closed = await team.bea.send("PATCH", f"/api/notes/{note['id']}", {"body": "Three"})
    assert (closed.status_code, problem_type(closed)) == (409, "retro-closed")
    closed = await team.bea.post(f"/api/topics/{card['topicId']}/notes", {"body": "Late"})
    assert (closed.status_code, problem_type(closed)) == (409, "retro-closed")


async def test_notes_wait_for_discuss(team: Team) -> None:
    retro = await open_retro(team.ada, team.board_id)
    await move_to(team.ada, retro["id"], "reflect")
    card = await write(team.bea, retro["id"], team.section_ids[0], "x")
    await move_to(team.ada, retro["id"], "group")
    early = await team.bea.post(f"/api/topics/{card['topicId']}/notes", {"body": "Too soon"})
    assert (early.status_code, problem_type(early)) == (409, "phase-not-allowed")


async def test_a_note_is_not_found_outside_its_organization(team: Team, sign_up: SignUp) -> None:
    _, [card] = await discussing(team.ada, team.board_id, [(team.bea, team.section_ids[0], "x")])
    note = (await team.bea.post(f"/api/topics/{card['topicId']}/notes", {"body": "One"})).json()
    eve = await sign_up("eve@example.com", name="Eve")
    for method, path, body in (
        ("POST", f"/api/topics/{card['topicId']}/notes", {"body": "Hi"}),
        ("PATCH", f"/api/notes/{note['id']}", {"body": "Hi"}),
        ("DELETE", f"/api/notes/{note['id']}", None),
    ):
        response = await eve.send(method, path, body)
        assert response.status_code == 404, (method, path, response.text)
