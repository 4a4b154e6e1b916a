"""``WS /api/retros/{id}/live`` across two app instances on one database: every committed
change reaches every client in version order, as the viewer's fresh view."""

from __future__ import annotations

from tests.integration.realtime.conftest import Serve
from tests.integration.retros.conftest import Team, move_to, open_retro, read

BURST = 200


async def test_hello_is_the_viewers_view(team: Team, instance: Serve) -> None:
    retro = await open_retro(team.ada, team.board_id)
    async with instance() as b, b.live(retro["id"], team.bea) as bea:
        hello = await bea.receive()
        assert hello["type"] == "hello"
        seen = await read(team.bea, retro["id"])
    assert hello["retro"]["id"] == retro["id"]
    # Who has the retro open now: Bea alone, by id and name (no email).
    assert hello["participants"] == [{"id": team.bea.id, "name": "Bea Baker"}]
    # Opening the live view made Bea a participant, as a first read does: the GET after it
    # shows the same retro.
    assert hello["retro"] == seen
    assert hello["version"] == seen["version"]


async def test_a_burst_through_one_instance_reaches_a_client_of_another(
    team: Team, instance: Serve
) -> None:
    retro = await open_retro(team.ada, team.board_id)
    await move_to(team.ada, retro["id"], "reflect")
    async with instance() as a, instance() as b, b.live(retro["id"], team.bea) as bea:
        await bea.receive()
        async with a.http(team.cy) as cy:
            for n in range(BURST):
                response = await cy.post(
                    f"/api/retros/{retro['id']}/cards",
                    json={"sectionId": team.section_ids[n % 3], "body": f"Card {n}"},
                )
                assert response.status_code == 201, response.text
            final = (await cy.get(f"/api/retros/{retro['id']}")).json()["version"]
        view = await bea.until_version(final)
        seen = await read(team.bea, retro["id"])
    versions = [m["version"] for m in bea.messages]
    assert versions == sorted(set(versions))  # in order, no duplicates
    assert versions[-1] == final
    assert {m["type"] for m in bea.messages[1:]} <= {"card-added", "participant-joined"}
    assert view == seen
    # Bea sees counts during reflect, never Cy's text.
    assert "Card 1" not in str(bea.messages)
    assert sum(s.get("cardCount", 0) for s in view["sections"]) >= 0
