"""Permission rows of the note, action item and export routes (see
``tests/integration/organizations/permissions.py``).

The routes by retro, topic and board id share their ids with the retro rows (a retro in
draft, a topic in group), where notes, action items and exports are refused for every
member (409): those rows prove the access check (401, 404) before the phase rule. For the
routes by note and action item id, :func:`prepare` takes a retro of its own to discuss,
with the member's card, the member's note (``note_id``) and an action item
(``action_item_id``).
"""

from __future__ import annotations

from typing import Any

import httpx

from tests.integration.organizations.conftest import Person
from tests.integration.organizations.permissions import Org, Row

BOARD = "/api/boards/{board_id:uuid}"
RETRO = "/api/retros/{retro_id:uuid}"
TOPIC = "/api/topics/{topic_id:uuid}"
NOTE = "/api/notes/{note_id:uuid}"
ITEM = "/api/action-items/{action_item_id:uuid}"

ROWS: dict[tuple[str, str], Row] = {
    ("POST", f"{TOPIC}/notes"): Row(
        (401, 404, 409, 409, 409), body=lambda o: {"body": "Said"}, not_found="topic-not-found"
    ),
    ("PATCH", NOTE): Row(
        (401, 404, 200, 403, 403),
        body=lambda o: {"body": "Edited"},
        not_found="note-not-found",
        forbidden="not-note-author",
    ),
    ("DELETE", NOTE): Row(
        (401, 404, 204, 403, 403), not_found="note-not-found", forbidden="not-note-author"
    ),
    ("POST", f"{RETRO}/action-items"): Row(
        (401, 404, 409, 409, 409), body=lambda o: {"title": "Do"}, not_found="retro-not-found"
    ),
    ("GET", f"{RETRO}/export"): Row((401, 404, 409, 409, 409), not_found="retro-not-found"),
    ("PATCH", ITEM): Row(
        (401, 404, 200, 200, 200),
        body=lambda o: {"done": True},
        not_found="action-item-not-found",
    ),
    ("GET", f"{BOARD}/action-items"): Row((401, 404, 200, 200, 200), not_found="board-not-found"),
    # Across the caller's organizations: a non-member's list is their own (empty) one.
    ("GET", "/api/me/action-items"): Row((401, 200, 200, 200, 200)),
}


def _ok(response: httpx.Response, wanted: int = 200) -> Any:
    assert response.status_code == wanted, response.text
    return response.json()


async def prepare(org: Org, people: dict[str, Person]) -> None:
    owner, member = people["owner"], people["member"]
    if "board_id" not in org.ids:
        made = await owner.post(
            f"/api/orgs/{org.slug}/boards", {"name": "Board", "templateKey": "mad-sad-glad"}
        )
        org.ids["board_id"] = _ok(made, 201)["id"]
    board = _ok(await owner.get(f"/api/boards/{org.ids['board_id']}"))
    section = board["sections"][0]["id"]
    retro = _ok(await owner.post(f"/api/boards/{org.ids['board_id']}/retros", {}), 201)["id"]
    _ok(await owner.post(f"/api/retros/{retro}/phase", {"to": "reflect"}))
    card = _ok(
        await member.post(f"/api/retros/{retro}/cards", {"sectionId": section, "body": "x"}), 201
    )
    for phase in ("group", "vote", "discuss"):
        _ok(await owner.post(f"/api/retros/{retro}/phase", {"to": phase}))
    note = _ok(await member.post(f"/api/topics/{card['topicId']}/notes", {"body": "Said"}), 201)
    item = _ok(await owner.post(f"/api/retros/{retro}/action-items", {"title": "Do it"}), 201)
    org.ids["note_id"] = note["id"]
    org.ids["action_item_id"] = item["id"]
