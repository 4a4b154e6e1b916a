"""Concurrency and cost: concurrent moves end consistent; reading a retro runs the same
number of SQL statements whatever it holds; sections freeze when a retro starts."""

from __future__ import annotations

import asyncio
import random
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from litestar import Litestar
from litestar.testing import AsyncTestClient, TestClient
from sqlalchemy import event

from aluzio.entrypoints.app import STATE_KEY
from tests.integration.accounts.conftest import BASE_URL
from tests.integration.organizations.conftest import Person
from tests.integration.retros.conftest import Team, add_cards, move_to, open_retro, read, write

MOVES_PER_WORKER = 12


async def test_two_participants_moving_cards_at_once_end_consistent(
    team: Team, make_app: Callable[..., Litestar]
) -> None:
    """Bea and Cy group cards at once, from two threads each (a test client handles one
    request at a time, so each worker has a client and an app instance of its own). Each
    worker moves its own cards only, always into another topic, so every answered move is
    exactly one change: the version must count them all (no lost update) and the topics
    must stay whole."""
    retro = await open_retro(team.ada, team.board_id)
    rid = retro["id"]
    await move_to(team.ada, rid, "reflect")
    cards = [await write(team.bea, rid, team.section_ids[n % 3], f"Card {n}") for n in range(12)]
    await move_to(team.ada, rid, "group")
    await read(team.cy, rid)
    before = (await read(team.bea, rid))["version"]
    topic_of = {c["id"]: c["topicId"] for c in cards}

    def worker(person: Person, own: list[str], seed: int) -> int:
        rng = random.Random(seed)
        moved = 0
        with TestClient(make_app(), base_url=BASE_URL) as client:
            client.cookies = person.client.cookies
            for _ in range(MOVES_PER_WORKER):
                card = rng.choice(own)
                targets = sorted({t for t in topic_of.values() if t != topic_of[card]})
                response = client.post(
                    f"/api/cards/{card}/move",
                    json={"topicId": rng.choice(targets)},
                    headers={"X-CSRF-Token": person.csrf},
                )
                # A topic the other emptied meanwhile is gone: 404, nothing changed.
                assert response.status_code in (200, 404), response.text
                if response.status_code == 200:
                    topic_of[card] = response.json()["topicId"]
                    moved += 1
        return moved

    ids = [c["id"] for c in cards]
    workers = [(team.bea, ids[0:3]), (team.bea, ids[3:6]), (team.cy, ids[6:9]), (team.cy, ids[9:])]
    moves = await asyncio.wait_for(
        asyncio.gather(
            *(asyncio.to_thread(worker, p, own, seed) for seed, (p, own) in enumerate(workers))
        ),
        timeout=120,
    )

    seen = await read(team.ada, rid)
    placed = [c["id"] for t in seen["topics"] for c in t["cards"]]
    assert sorted(placed) == sorted(ids)  # every card, once
    for topic in seen["topics"]:
        assert topic["cards"], "an empty topic survived"
        assert [c["position"] for c in topic["cards"]] == list(range(len(topic["cards"])))
        assert {c["topicId"] for c in topic["cards"]} == {topic["id"]}
        assert all(topic_of[c["id"]] == topic["id"] for c in topic["cards"])
    assert sum(moves) > 0
    # Ada's first read (+1), and one per move.
    assert seen["version"] == before + 1 + sum(moves)


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
        await add_cards(database_url, rid, team.section_ids[1], team.bea.id, 290)
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
