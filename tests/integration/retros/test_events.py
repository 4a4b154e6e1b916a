"""Every committed change to a retro is announced on ``aluzio_retro`` with its new version;
a refused change announces nothing."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import asyncpg

from aluzio.adapters.postgres.database import to_asyncpg_dsn
from tests.integration.retros.conftest import Team, move_to, open_retro, read, write


async def test_changes_are_announced_with_their_version(team: Team, database_url: str) -> None:
    heard: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
    listener = await asyncpg.connect(to_asyncpg_dsn(database_url))

    def hear(*args: Any) -> None:
        heard.put_nowait(json.loads(args[-1]))

    await listener.add_listener("aluzio_retro", hear)
    try:
        retro = await open_retro(team.ada, team.board_id)
        await move_to(team.ada, retro["id"], "reflect")
        refused = await team.bea.post(f"/api/retros/{retro['id']}/phase", {"to": "group"})
        assert refused.status_code == 403
        card = await write(team.bea, retro["id"], team.section_ids[0], "Secret text")
        seen = await read(team.ada, retro["id"])
        events = [await asyncio.wait_for(heard.get(), timeout=5) for _ in range(4)]
    finally:
        await listener.close()
    assert [e["type"] for e in events] == [
        "retro-created",
        "phase-changed",
        "card-added",
        "participant-joined",
    ]
    assert [e["version"] for e in events] == [1, 2, 3, 4] == [*range(1, seen["version"] + 1)]
    assert {e["retroId"] for e in events} == {retro["id"]}
    assert heard.empty()
    assert all(card["id"] not in json.dumps(e) and "Secret" not in json.dumps(e) for e in events)
