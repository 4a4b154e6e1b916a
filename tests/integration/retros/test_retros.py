"""Retros over HTTP on Postgres: creation, lists, settings, phases and their history,
facilitation, participants, deletion and the read-only closed retro."""

from __future__ import annotations

import itertools

from tests.integration.organizations.conftest import SignUp
from tests.integration.retros.conftest import (
    Team,
    move_to,
    open_retro,
    problem_type,
    read,
    write,
)
from tests.support.clock import MutableClock


async def test_a_new_retro_is_a_draft_facilitated_by_its_creator(team: Team) -> None:
    created = await open_retro(team.bea, team.board_id, title="Sprint 12")
    assert created["phase"] == "draft"
    assert created["facilitatorId"] == created["createdBy"] == team.bea.id
    assert (created["voteBudget"], created["maxVotesPerTopic"], created["anonymous"]) == (
        5,
        3,
        True,
    )
    assert created["version"] == 1
    assert [p["phase"] for p in created["phases"]] == ["draft"]
    assert created["phases"][0]["endedAt"] is None

    small = await open_retro(team.ada, team.board_id, voteBudget=2, anonymous=False)
    assert (small["voteBudget"], small["maxVotesPerTopic"], small["anonymous"]) == (2, 2, False)


async def test_settings_are_checked(team: Team) -> None:
    path = f"/api/boards/{team.board_id}/retros"
    for body in (
        {"voteBudget": 0},
        {"voteBudget": 21},
        {"voteBudget": 4, "maxVotesPerTopic": 5},
        {"title": "x" * 101},
        {"anonymous": "yes"},
    ):
        response = await team.ada.post(path, body)
        assert response.status_code == 400, (body, response.text)


async def test_the_board_lists_its_retros_newest_first_a_page_at_a_time(
    team: Team, clock: MutableClock
) -> None:
    ids = []
    for number in range(3):
        ids.append((await open_retro(team.ada, team.board_id, title=f"R{number}"))["id"])
        clock.advance(minutes=1)
    page = (await team.bea.get(f"/api/boards/{team.board_id}/retros?limit=2")).json()
    assert [r["id"] for r in page["items"]] == ids[::-1][:2]
    assert (page["total"], page["limit"], page["offset"]) == (3, 2, 0)
    rest = (await team.bea.get(f"/api/boards/{team.board_id}/retros?limit=2&offset=2")).json()
    assert [r["id"] for r in rest["items"]] == [ids[0]]
    assert rest["items"][0]["phases"][0]["phase"] == "draft"


async def test_settings_change_in_draft_only_by_whoever_steers(team: Team) -> None:
    retro = await open_retro(team.ada, team.board_id, title="Old")
    path = f"/api/retros/{retro['id']}"
    refused = await team.bea.send("PATCH", path, {"title": "Mine"})
    assert (refused.status_code, problem_type(refused)) == (403, "not-facilitator")
    changed = await team.ada.send("PATCH", path, {"title": "New", "voteBudget": 8})
    assert changed.status_code == 200, changed.text
    assert (changed.json()["title"], changed.json()["voteBudget"]) == ("New", 8)
    assert changed.json()["version"] == retro["version"] + 1
    lowered = await team.ada.send("PATCH", path, {"voteBudget": 2})
    assert (lowered.json()["voteBudget"], lowered.json()["maxVotesPerTopic"]) == (2, 2)
    cleared = await team.ada.send("PATCH", path, {"title": ""})
    assert cleared.json()["title"] is None
    await move_to(team.ada, retro["id"], "reflect")
    late = await team.ada.send("PATCH", path, {"title": "Too late"})
    assert (late.status_code, problem_type(late)) == (409, "phase-not-allowed")


async def test_phases_go_forward_one_at_a_time_and_back_from_group_vote_discuss(
    team: Team, clock: MutableClock
) -> None:
    retro = await open_retro(team.ada, team.board_id)
    path = f"/api/retros/{retro['id']}/phase"
    skipped = await team.ada.post(path, {"to": "group"})
    assert (skipped.status_code, problem_type(skipped)) == (409, "phase-not-allowed")
    for to in ("reflect", "group", "reflect", "group", "vote", "group", "vote", "discuss"):
        clock.advance(minutes=5)
        response = await team.ada.post(path, {"to": to})
        assert response.status_code == 200, (to, response.text)
        assert response.json()["phase"] == to
    back_to_draft = await team.ada.post(path, {"to": "draft"})
    assert back_to_draft.status_code == 409
    await move_to(team.ada, retro["id"], "vote", "discuss", "closed")
    for to in ("discuss", "closed"):
        final = await team.ada.post(path, {"to": to})
        assert (final.status_code, problem_type(final)) == (409, "retro-closed")

    seen = await read(team.bea, retro["id"])
    steps = [(h["fromPhase"], h["toPhase"]) for h in seen["history"]]
    assert steps[:3] == [(None, "draft"), ("draft", "reflect"), ("reflect", "group")]
    assert steps[-1] == ("discuss", "closed")
    assert all(h["changedBy"] == team.ada.id for h in seen["history"])
    periods = seen["phases"]
    assert [p["phase"] for p in periods] == [h["toPhase"] for h in seen["history"]]
    for earlier, later in itertools.pairwise(periods):
        assert earlier["endedAt"] == later["startedAt"]
    assert periods[-1]["endedAt"] is None


async def test_only_the_facilitator_or_an_admin_steers_and_the_role_can_be_handed_over(
    team: Team,
) -> None:
    retro = await open_retro(team.bea, team.board_id)
    path = f"/api/retros/{retro['id']}"
    refused = await team.cy.post(path + "/phase", {"to": "reflect"})
    assert (refused.status_code, problem_type(refused)) == (403, "not-facilitator")
    # Ada is the organization's owner: she steers any retro.
    assert (await team.ada.post(path + "/phase", {"to": "reflect"})).status_code == 200
    outsider = await team.bea.post(path + "/facilitator", {"userId": retro["id"]})
    assert (outsider.status_code, problem_type(outsider)) == (404, "member-not-found")
    handed = await team.bea.post(path + "/facilitator", {"userId": team.cy.id})
    assert handed.status_code == 200, handed.text
    assert handed.json()["facilitatorId"] == team.cy.id
    assert (await team.cy.post(path + "/phase", {"to": "group"})).status_code == 200
    former = await team.bea.post(path + "/phase", {"to": "vote"})
    assert (former.status_code, problem_type(former)) == (403, "not-facilitator")
    seen = await read(team.cy, retro["id"])
    assert (seen["youFacilitate"], seen["youMayFacilitate"]) == (True, True)
    assert [h["changedBy"] for h in seen["history"]] == [team.bea.id, team.ada.id, team.cy.id]


async def test_members_who_open_the_retro_become_its_participants(
    team: Team, clock: MutableClock
) -> None:
    retro = await open_retro(team.ada, team.board_id)
    first = await read(team.ada, retro["id"])
    assert [p["id"] for p in first["participants"]] == [team.ada.id]
    assert first["participants"][0]["name"] == "Ada Lovelace"
    again = await read(team.ada, retro["id"])
    assert again["version"] == first["version"]  # reading again changes nothing
    clock.advance(minutes=1)
    bea_view = await read(team.bea, retro["id"])
    assert [p["id"] for p in bea_view["participants"]] == [team.ada.id, team.bea.id]
    assert bea_view["version"] == first["version"] + 1


async def test_deleting_a_retro(team: Team) -> None:
    retro = await open_retro(team.bea, team.board_id)
    path = f"/api/retros/{retro['id']}"
    refused = await team.cy.send("DELETE", path)
    assert (refused.status_code, problem_type(refused)) == (403, "not-facilitator")
    assert (await team.bea.send("DELETE", path)).status_code == 204
    gone = await team.bea.get(path)
    assert (gone.status_code, problem_type(gone)) == (404, "retro-not-found")


async def test_a_closed_retro_is_read_only(team: Team) -> None:
    retro = await open_retro(team.ada, team.board_id)
    await move_to(team.ada, retro["id"], "reflect")
    card = await write(team.bea, retro["id"], team.section_ids[0], "Before closing")
    await move_to(team.ada, retro["id"], "group", "vote", "discuss", "closed")
    path = f"/api/retros/{retro['id']}"
    attempts = [
        await team.bea.post(path + "/cards", {"sectionId": team.section_ids[0], "body": "x"}),
        await team.bea.send("PATCH", f"/api/cards/{card['id']}", {"body": "changed"}),
        await team.bea.send("DELETE", f"/api/cards/{card['id']}"),
        await team.bea.post(f"/api/cards/{card['id']}/move", {"topicId": None}),
        await team.bea.send("PATCH", f"/api/topics/{card['topicId']}", {"title": "t"}),
        await team.ada.send("PATCH", path, {"title": "t"}),
        await team.ada.post(path + "/phase", {"to": "discuss"}),
        await team.ada.post(path + "/facilitator", {"userId": team.bea.id}),
        await team.ada.send("DELETE", path),
    ]
    assert [(r.status_code, problem_type(r)) for r in attempts] == [(409, "retro-closed")] * len(
        attempts
    )
    seen = await read(team.cy, retro["id"])
    assert seen["phase"] == "closed"
    assert [c["body"] for t in seen["topics"] for c in t["cards"]] == ["Before closing"]
    assert team.cy.id not in [p["id"] for p in seen["participants"]]  # reading changed nothing


async def test_non_members_find_nothing(team: Team, sign_up: SignUp) -> None:
    retro = await open_retro(team.ada, team.board_id)
    eve = await sign_up("eve@example.com")
    for method, path in (
        ("GET", f"/api/retros/{retro['id']}"),
        ("PATCH", f"/api/retros/{retro['id']}"),
        ("GET", f"/api/boards/{team.board_id}/retros"),
    ):
        response = await eve.send(method, path, {} if method != "GET" else None)
        assert response.status_code == 404, (method, path, response.text)
    assert problem_type(await eve.get(f"/api/retros/{retro['id']}")) == "retro-not-found"
