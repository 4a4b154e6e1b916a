"""Permission rows of the retro, card and topic routes (see
``tests/integration/organizations/permissions.py``).

Each fresh organization gets, from :func:`prepare`: a retro in draft facilitated by the owner
(``retro_id``), and a second retro in group holding a card by the member and one by the
victim, each in its topic (``card_id``: the member's; ``topic_id``: the victim's). Cards are
written in reflect and group only, so adding one to the draft retro is 409 for every
member: the row still proves the access check (401, 404) before the phase rule.
"""

from __future__ import annotations

from typing import Any

import httpx

from tests.integration.organizations.conftest import Person
from tests.integration.organizations.permissions import Org, Row

BOARD = "/api/boards/{board_id:uuid}"
RETRO = "/api/retros/{retro_id:uuid}"
CARD = "/api/cards/{card_id:uuid}"
TOPIC = "/api/topics/{topic_id:uuid}"
_RETRO_404 = "retro-not-found"
_STEERS = "not-facilitator"

ROWS: dict[tuple[str, str], Row] = {
    ("POST", f"{BOARD}/retros"): Row(
        (401, 404, 201, 201, 201), body=lambda o: {"title": "New"}, not_found="board-not-found"
    ),
    ("GET", f"{BOARD}/retros"): Row((401, 404, 200, 200, 200), not_found="board-not-found"),
    ("GET", RETRO): Row((401, 404, 200, 200, 200), not_found=_RETRO_404),
    ("PATCH", RETRO): Row(
        (401, 404, 403, 200, 200),
        body=lambda o: {"title": "Renamed"},
        not_found=_RETRO_404,
        forbidden=_STEERS,
    ),
    ("DELETE", RETRO): Row((401, 404, 403, 204, 204), not_found=_RETRO_404, forbidden=_STEERS),
    ("POST", f"{RETRO}/phase"): Row(
        (401, 404, 403, 200, 200),
        body=lambda o: {"to": "reflect"},
        not_found=_RETRO_404,
        forbidden=_STEERS,
    ),
    ("POST", f"{RETRO}/facilitator"): Row(
        (401, 404, 403, 200, 200),
        body=lambda o: {"userId": o.ids["user_id"]},
        not_found=_RETRO_404,
        forbidden=_STEERS,
    ),
    ("POST", f"{RETRO}/cards"): Row(
        (401, 404, 409, 409, 409),
        body=lambda o: {"sectionId": o.ids["section_id"], "body": "A card"},
        not_found=_RETRO_404,
    ),
    ("PATCH", CARD): Row(
        (401, 404, 200, 403, 403),
        body=lambda o: {"body": "Edited"},
        not_found="card-not-found",
        forbidden="not-card-author",
    ),
    ("DELETE", CARD): Row(
        (401, 404, 204, 403, 403), not_found="card-not-found", forbidden="not-card-author"
    ),
    ("POST", f"{CARD}/move"): Row(
        (401, 404, 200, 200, 200),
        body=lambda o: {"topicId": o.ids["topic_id"]},
        not_found="card-not-found",
    ),
    ("PATCH", TOPIC): Row(
        (401, 404, 200, 200, 200), body=lambda o: {"title": "Named"}, not_found="topic-not-found"
    ),
}


def _ok(response: httpx.Response, wanted: int = 200) -> Any:
    assert response.status_code == wanted, response.text
    return response.json()


async def prepare(org: Org, people: dict[str, Person]) -> None:
    owner = people["owner"]
    if "board_id" not in org.ids:
        made = await owner.post(
            f"/api/orgs/{org.slug}/boards", {"name": "Board", "templateKey": "mad-sad-glad"}
        )
        _ok(made, 201)
        org.ids["board_id"] = made.json()["id"]
    board = await owner.get(f"/api/boards/{org.ids['board_id']}")
    _ok(board)
    section = board.json()["sections"][0]["id"]
    org.ids["section_id"] = section

    draft = await owner.post(f"/api/boards/{org.ids['board_id']}/retros", {"title": "Draft"})
    _ok(draft, 201)
    org.ids["retro_id"] = draft.json()["id"]

    grouped = await owner.post(f"/api/boards/{org.ids['board_id']}/retros", {"title": "Group"})
    _ok(grouped, 201)
    gid = grouped.json()["id"]
    started = await owner.post(f"/api/retros/{gid}/phase", {"to": "reflect"})
    _ok(started)
    cards = []
    for author in (people["member"], people["victim"]):
        written = await author.post(f"/api/retros/{gid}/cards", {"sectionId": section, "body": "x"})
        _ok(written, 201)
        cards.append(written.json())
    revealed = await owner.post(f"/api/retros/{gid}/phase", {"to": "group"})
    _ok(revealed)
    org.ids["card_id"] = cards[0]["id"]
    org.ids["topic_id"] = cards[1]["topicId"]
