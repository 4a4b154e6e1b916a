"""Permission rows of the board routes (see tests/integration/organizations/permissions.py).

Every matrix organization gets a board made by its owner, so a plain member deleting it is
refused (only its creator, admins and owners delete a board)."""

from __future__ import annotations

from tests.integration.boards.conftest import create_board
from tests.integration.organizations.conftest import Person
from tests.integration.organizations.permissions import Org, Row

BOARDS = "/api/orgs/{slug:str}/boards"
BOARD = "/api/boards/{board_id:uuid}"
_MISSING_BOARD = "board-not-found"


async def prepare(org: Org, people: dict[str, Person]) -> None:
    org.ids["board_id"] = (await create_board(people["owner"], org.slug))["id"]


ROWS: dict[tuple[str, str], Row] = {
    ("POST", BOARDS): Row(
        (401, 404, 201, 201, 201), body=lambda o: {"name": "New", "templateKey": "sailboat"}
    ),
    ("GET", BOARDS): Row((401, 404, 200, 200, 200)),
    ("GET", BOARD): Row((401, 404, 200, 200, 200), not_found=_MISSING_BOARD),
    ("PATCH", BOARD): Row(
        (401, 404, 200, 200, 200), body=lambda o: {"name": "Renamed"}, not_found=_MISSING_BOARD
    ),
    ("DELETE", BOARD): Row(
        (401, 404, 403, 204, 204), not_found=_MISSING_BOARD, forbidden="/not-board-creator"
    ),
    ("PUT", BOARD + "/sections"): Row(
        (401, 404, 200, 200, 200),
        body=lambda o: {"sections": [{"title": "Only one", "color": "teal"}]},
        not_found=_MISSING_BOARD,
    ),
}
