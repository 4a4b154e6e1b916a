"""Anonymity: in an anonymous retro no response to another person carries a card's author.

The routes that answer cards are found from the app's route table (every handler whose
response body holds a ``CardBody``), so a new such route fails this test until it is
exercised here.
"""

from __future__ import annotations

import json
import typing
from typing import Any

import httpx
import msgspec
from litestar import Litestar
from litestar.routes import HTTPRoute

from aluzio.entrypoints.http.retros.schemas import CardBody
from tests.integration.retros.conftest import Team, move_to, open_retro, read, write

# Fields that name people for what they do in the retro, not for what they wrote:
# participants, the facilitator, the creator, who changed phases.
_PERSON_FIELDS = ("participants", "facilitatorId", "createdBy", "changedBy")


def _holds(annotation: Any, wanted: type, seen: set[int] | None = None) -> bool:
    seen = set() if seen is None else seen
    if annotation is wanted:
        return True
    if id(annotation) in seen:
        return False
    seen.add(id(annotation))
    if isinstance(annotation, type) and issubclass(annotation, msgspec.Struct):
        hints = typing.get_type_hints(annotation, include_extras=True)
        return any(_holds(hint, wanted, seen) for hint in hints.values())
    return any(_holds(arg, wanted, seen) for arg in typing.get_args(annotation))


def routes_answering_cards(app: Litestar) -> set[tuple[str, str]]:
    found: set[tuple[str, str]] = set()
    for route in app.routes:
        if not isinstance(route, HTTPRoute):
            continue
        for handler in route.route_handlers:
            returned = handler.parsed_fn_signature.return_type.annotation
            if _holds(returned, CardBody):
                found.update((method, route.path) for method in handler.http_methods)
    return found


def _without_person_fields(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _without_person_fields(v) for k, v in value.items() if k not in _PERSON_FIELDS}
    if isinstance(value, list):
        return [_without_person_fields(v) for v in value]
    return value


EXERCISED = {
    ("GET", "/api/retros/{retro_id:uuid}"),
    ("POST", "/api/retros/{retro_id:uuid}/cards"),
    ("PATCH", "/api/cards/{card_id:uuid}"),
    ("POST", "/api/cards/{card_id:uuid}/move"),
    ("PATCH", "/api/topics/{topic_id:uuid}"),
}


def test_every_route_answering_cards_is_exercised(app: Litestar) -> None:
    assert routes_answering_cards(app) == EXERCISED


async def test_no_response_to_others_names_the_author_of_an_anonymous_card(team: Team) -> None:
    """Bea writes; Ada (the facilitator) and Cy read, add, move, rename in every phase."""
    bea = team.bea
    retro = await open_retro(team.ada, team.board_id)
    rid = retro["id"]
    responses: list[httpx.Response] = []

    async def others_see() -> None:
        for viewer in (team.ada, team.cy):
            responses.append(await viewer.get(f"/api/retros/{rid}"))

    await move_to(team.ada, rid, "reflect")
    await read(bea, rid)  # Bea is a participant: her name is in the participants list only
    beas = [await write(bea, rid, team.section_ids[0], f"Bea's card {n}") for n in range(3)]
    await others_see()
    responses.append(
        await team.cy.post(
            f"/api/retros/{rid}/cards", {"sectionId": team.section_ids[0], "body": "Cy"}
        )
    )
    cys = responses[-1].json()
    responses.append(await team.cy.send("PATCH", f"/api/cards/{cys['id']}", {"body": "Cy again"}))
    await move_to(team.ada, rid, "group")
    await others_see()
    responses.append(
        await team.cy.post(f"/api/cards/{beas[0]['id']}/move", {"topicId": cys["topicId"]})
    )
    responses.append(await team.ada.post(f"/api/cards/{beas[1]['id']}/move", {"topicId": None}))
    responses.append(
        await team.ada.post(
            f"/api/cards/{cys['id']}/move", {"topicId": beas[2]["topicId"], "position": 0}
        )
    )
    responses.append(
        await team.cy.send("PATCH", f"/api/topics/{beas[2]['topicId']}", {"title": "Mixed"})
    )
    for phase in ("vote", "discuss", "closed"):
        await move_to(team.ada, rid, phase)
        await others_see()

    assert all(r.status_code in (200, 201) for r in responses), [r.text for r in responses]
    checked_routes = {(r.request.method, _route_of(r.request.url.path)) for r in responses}
    assert checked_routes == EXERCISED
    for response in responses:
        text = json.dumps(_without_person_fields(response.json()))
        assert bea.id not in text, response.request.url
        assert "Bea" not in text.replace("Bea's card", ""), response.request.url
        assert '"author": {' not in text
    # Bea's cards were there for the others to see, as nobody's.
    final = await read(team.cy, rid)
    bodies = {c["body"]: c for t in final["topics"] for c in t["cards"]}
    assert {f"Bea's card {n}" for n in range(3)} <= set(bodies)
    assert all(c["author"] is None for c in bodies.values())
    assert [c["mine"] for b, c in sorted(bodies.items())] == [False, False, False, True]


def _route_of(path: str) -> str:
    parts = path.split("/")
    kinds = {"retros": "{retro_id:uuid}", "cards": "{card_id:uuid}", "topics": "{topic_id:uuid}"}
    for index in range(1, len(parts)):
        if parts[index - 1] in kinds and index < len(parts):
            parts[index] = kinds[parts[index - 1]]
    return "/".join(parts)
