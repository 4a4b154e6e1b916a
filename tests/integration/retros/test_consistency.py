"""Concurrency and cost: concurrent moves end consistent; reading a retro runs the same
number of SQL statements whatever it holds; sections freeze when a retro starts."""

from __future__ import annotations

import asyncio
import random
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

import asyncpg
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy import event

from aluzio.adapters.postgres.database import to_asyncpg_dsn
from aluzio.entrypoints.app import STATE_KEY
from tests.integration.organizations.conftest import Person
from tests.integration.retros.conftest import Team, move_to, open_retro, read, write

MOVES_PER_PERSON = 15


async def test_two_participants_moving_cards_at_once_end_consistent(team: Team) -> None:
    retro = await open_retro(team.ada, team.board_id)
    rid = retro["id"]
    await move_to(team.ada, rid, "reflect")
    cards = [await write(team.bea, rid, team.section_ids[n % 3], f"Card {n}") for n in range(8)]
    await move_to(team.ada, rid, "group")
    before = (await read(team.bea, rid))["version"]
    await read(team.cy, rid)
    before = (await read(team.bea, rid))["version"]
    topic_of = {c["id"]: c["topicId"] for c in cards}
    rng = random.Random(12)

    async def shuffle(person: Person) -> int:
        changes = 0
        for _ in range(MOVES_PER_PERSON):
            card = rng.choice(cards)["id"]
            target = rng.choice([None, *topic_of.values()])
            response = await person.post(f"/api/cards/{card}/move", {"topicId": target})
            # A topic emptied by the other's move meanwhile is gone: that is a 404.
            assert response.status_code in (200, 404), response.text
            if response.status_code == 200:
                topic_of[card] = response.json()["topicId"]
                changes += 1
        return changes

    await asyncio.wait_for(asyncio.gather(shuffle(team.bea), shuffle(team.cy)), timeout=60)

    seen = await read(team.ada, rid)
    await read(team.ada, rid)
    placed = [c["id"] for t in seen["topics"] for c in t["cards"]]
    assert sorted(placed) == sorted(c["id"] for c in cards)  # every card once
    for topic in seen["topics"]:
        assert topic["cards"], "an empty topic survived"
        assert [c["position"] for c in topic["cards"]] == list(range(len(topic["cards"])))
        assert {c["topicId"] for c in topic["cards"]} == {topic["id"]}
    # Versions: Ada joining (+1), then at most one per move (a move to where the card is
    # already changes nothing).
    assert before < seen["version"] <= before + 1 + 2 * MOVES_PER_PERSON


@contextmanager
def counting_statements(app: Litestar) -> Iterator[list[str]]:
    engine = app.state[STATE_KEY].engine.sync_engine
    statements: list[str] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", count)


async def _add_cards(
    database_url: str, retro_id: str, section_id: str, author: str, n: int
) -> None:
    """``n`` more cards by ``author``, each in a topic of its own, straight into the tables."""
    now = datetime.now(UTC)
    connection = await asyncpg.connect(to_asyncpg_dsn(database_url))
    try:
        rows = [(uuid.uuid4(), uuid.uuid4()) for _ in range(n)]
        async with connection.transaction():
            await connection.executemany(
                "INSERT INTO topics (id, retro_id, title, created_at) VALUES ($1, $2, NULL, $3)",
                [(topic, uuid.UUID(retro_id), now) for _, topic in rows],
            )
            await connection.executemany(
                "INSERT INTO cards (id, retro_id, section_id, topic_id, author_id, body,"
                " position, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, 0, $7, $7)",
                [
                    (card, uuid.UUID(retro_id), uuid.UUID(section_id), topic,
                     uuid.UUID(author), f"Card {card}", now)
                    for card, topic in rows
                ],
            )  # fmt: skip
    finally:
        await connection.close()


async def test_reading_a_retro_runs_the_same_statements_at_10_and_300_cards(
    team: Team,
    database_url: str,
    make_app: Callable[..., Litestar],
) -> None:
    retro = await open_retro(team.ada, team.board_id, anonymous=False)
    rid = retro["id"]
    await move_to(team.ada, rid, "reflect")
    for n in range(10):
        await write(team.bea if n % 2 else team.cy, rid, team.section_ids[n % 3], f"Card {n}")
    await move_to(team.ada, rid, "group")
    app = make_app()
    async with AsyncTestClient(app, base_url="https://aluzio.test") as client:
        client.cookies = team.ada.client.cookies
        await client.get(f"/api/retros/{rid}")  # joins; the next reads change nothing
        with counting_statements(app) as at_10:
            small = await client.get(f"/api/retros/{rid}")
        await _add_cards(database_url, rid, team.section_ids[1], team.bea.id, 290)
        with counting_statements(app) as at_300:
            large = await client.get(f"/api/retros/{rid}")
    assert small.status_code == large.status_code == 200
    assert sum(len(t["cards"]) for t in small.json()["topics"]) == 10
    assert sum(len(t["cards"]) for t in large.json()["topics"]) == 300
    assert len(at_10) == len(at_300), (at_10, at_300)
    assert len(at_10) <= 12, at_10


async def test_sections_freeze_when_the_retro_starts(team: Team) -> None:
    started = await open_retro(team.ada, team.board_id)
    draft = await open_retro(team.ada, team.board_id)
    await move_to(team.ada, started["id"], "reflect")
    board = (await team.ada.get(f"/api/boards/{team.board_id}")).json()
    kept = board["sections"][0]
    replaced = await team.ada.send(
        "PUT",
        f"/api/boards/{team.board_id}/sections",
        {"sections": [{"id": kept["id"], "title": "Renamed"}, {"title": "Brand new"}]},
    )
    assert replaced.status_code == 200, replaced.text

    frozen = await read(team.ada, started["id"])
    assert [s["title"] for s in frozen["sections"]] == [s["title"] for s in board["sections"]]
    following = await read(team.ada, draft["id"])
    assert [s["title"] for s in following["sections"]] == ["Renamed", "Brand new"]
    assert following["sections"][0]["id"] == kept["id"]
    await move_to(team.ada, draft["id"], "reflect")
    later = await read(team.ada, draft["id"])
    assert [s["title"] for s in later["sections"]] == ["Renamed", "Brand new"]
    await write(team.bea, draft["id"], kept["id"], "In a kept section")
