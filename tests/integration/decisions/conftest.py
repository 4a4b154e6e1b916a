"""Notes, action items and exports: the real app on a real Postgres, with the retro tests'
team (Ada owns and facilitates, Bea and Cy are members)."""

from __future__ import annotations

from typing import Any

from tests.integration.organizations.conftest import Person
from tests.integration.retros import conftest as retro_fixtures
from tests.integration.retros.conftest import move_to, open_retro, write

clock = retro_fixtures.clock
settings = retro_fixtures.settings
make_app = retro_fixtures.make_app
app = retro_fixtures.app
open_client = retro_fixtures.open_client
sign_up = retro_fixtures.sign_up
team = retro_fixtures.team


async def discussing(
    facilitator: Person,
    board_id: str,
    cards: list[tuple[Person, str, str]],
    **settings: Any,
) -> tuple[str, list[Any]]:
    """A retro in discuss holding ``cards`` (author, section id, text), each in its topic."""
    retro = (await open_retro(facilitator, board_id, **settings))["id"]
    await move_to(facilitator, retro, "reflect")
    written = [await write(author, retro, section, text) for author, section, text in cards]
    await move_to(facilitator, retro, "group", "vote", "discuss")
    return retro, written
