"""One rule for the live view and the read: after each change, every viewer's message shows
exactly what a fresh ``GET /api/retros/{id}`` then shows them, whatever the phase, the kind
of viewer (facilitator, author, other member) and the retro's anonymity."""

from __future__ import annotations

from typing import Any

import pytest

from tests.integration.organizations.conftest import Person
from tests.integration.realtime.conftest import Serve
from tests.integration.retros.conftest import Team, open_retro, read
from tests.support.live_client import LiveClient


async def changed(person: Person, method: str, path: str, body: Any = None) -> Any:
    response = await person.send(method, path, body)
    assert response.status_code in (200, 201, 204), response.text
    return response.json() if response.status_code != 204 else None


@pytest.mark.parametrize("anonymous", [True, False])
async def test_each_viewer_receives_what_a_fresh_read_shows(
    team: Team, instance: Serve, anonymous: bool
) -> None:
    retro = await open_retro(team.ada, team.board_id, anonymous=anonymous)
    rid = retro["id"]
    sections = team.section_ids
    async with (
        instance() as b,
        b.live(rid, team.ada) as ada,
        b.live(rid, team.bea) as bea,
        b.live(rid, team.cy) as cy,
    ):
        viewers: list[tuple[Person, LiveClient]] = [
            (team.ada, ada),
            (team.bea, bea),
            (team.cy, cy),
        ]
        joined = (await read(team.ada, rid))["version"]  # everyone has joined by now
        for _, client in viewers:
            await client.until_version(joined)
        cards: list[Any] = []

        async def add_card(person: Person, section: str, text: str) -> Any:
            cards.append(await changed(person, "POST", f"/api/retros/{rid}/cards",
                                       {"sectionId": section, "body": text}))  # fmt: skip
            return cards[-1]

        steps = [
            ("phase-changed", lambda: changed(team.ada, "POST", f"/api/retros/{rid}/phase",
                                              {"to": "reflect"})),
            ("card-added", lambda: add_card(team.bea, sections[0], "Bea's secret")),
            ("card-added", lambda: add_card(team.cy, sections[1], "Cy's secret")),
            ("card-edited", lambda: changed(team.bea, "PATCH", f"/api/cards/{cards[0]['id']}",
                                             {"body": "Bea's edited secret"})),
            ("card-deleted", lambda: changed(team.cy, "DELETE", f"/api/cards/{cards[1]['id']}")),
            ("card-added", lambda: add_card(team.ada, sections[0], "Ada's point")),
            ("phase-changed", lambda: changed(team.ada, "POST", f"/api/retros/{rid}/phase",
                                              {"to": "group"})),
            ("card-moved", lambda: changed(team.cy, "POST", f"/api/cards/{cards[2]['id']}/move",
                                           {"topicId": cards[0]["topicId"]})),
            ("topic-renamed", lambda: changed(team.bea, "PATCH",
                                              f"/api/topics/{cards[0]['topicId']}",
                                              {"title": "Shared"})),
            ("facilitator-changed", lambda: changed(team.ada, "POST",
                                                    f"/api/retros/{rid}/facilitator",
                                                    {"userId": team.bea.id})),
            ("phase-changed", lambda: changed(team.bea, "POST", f"/api/retros/{rid}/phase",
                                              {"to": "reflect"})),
        ]  # fmt: skip
        for change, step in steps:
            await step()
            for person, client in viewers:
                message = await client.receive()
                assert message["type"] == change
                assert message["retro"] == await read(person, rid), (change, person.email)
    # The rule held in both directions: Ada never received Bea's text during reflect.
    reflect_messages = [m for m in ada.messages if m["retro"]["phase"] == "reflect"]
    assert "Bea's" not in str(reflect_messages)
