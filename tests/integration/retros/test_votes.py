"""Votes, the discussion cursor and the timer through the real app on a real Postgres."""

from __future__ import annotations

import asyncio
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from typing import Any

import httpx
import uvicorn
from litestar import Litestar
from litestar.testing import AsyncTestClient

from tests.integration.accounts.conftest import BASE_URL
from tests.integration.retros.conftest import (
    Team,
    move_to,
    open_retro,
    problem_type,
    read,
    write,
)
from tests.integration.retros.test_consistency import counting_statements
from tests.support.clock import MutableClock
from tests.support.processes import free_port

SIMULTANEOUS_VOTES = 50


async def _voting(
    team: Team, clock: MutableClock, budget: int = 5, cap: int = 3
) -> tuple[str, list[str]]:
    """A retro in vote with three topics (one card each, by Bea, a minute apart); answers the
    retro's id and its topics' ids in the order they were made."""
    settings = {"voteBudget": budget, "maxVotesPerTopic": cap}
    rid = (await open_retro(team.ada, team.board_id, **settings))["id"]
    await move_to(team.ada, rid, "reflect")
    cards = []
    for n in range(3):
        clock.advance(minutes=1)
        cards.append(await write(team.bea, rid, team.section_ids[n], f"Card {n}"))
    await move_to(team.ada, rid, "group", "vote")
    return rid, [c["topicId"] for c in cards]


async def _vote(person: Any, topic: str, *, expect: int = 201) -> Any:
    response = await person.post(f"/api/topics/{topic}/votes")
    assert response.status_code == expect, response.text
    return response


async def test_each_sees_own_votes_and_budget_until_discuss_reveals_totals(
    team: Team, clock: MutableClock
) -> None:
    rid, (first, second, third) = await _voting(team, clock, budget=4, cap=2)
    cast = (await _vote(team.bea, third)).json()
    assert cast == {"topicId": third, "myVotes": 1, "remainingVotes": 3}
    await _vote(team.bea, third)
    capped = await _vote(team.bea, third, expect=409)
    assert problem_type(capped) == "topic-vote-cap"
    await _vote(team.bea, second)
    await _vote(team.cy, second)
    await _vote(team.cy, first)

    bea = await read(team.bea, rid)
    assert bea["votesRevealed"] is False
    assert bea["remainingVotes"] == 1
    assert [t["id"] for t in bea["topics"]] == [first, second, third]  # creation order
    assert [(t["votes"], t["myVotes"]) for t in bea["topics"]] == [(None, 0), (None, 1), (None, 2)]
    ada = await read(team.ada, rid)  # no votes of her own, and none of others' to see
    assert ada["remainingVotes"] == 4
    assert [(t["votes"], t["myVotes"]) for t in ada["topics"]] == [(None, 0)] * 3

    await move_to(team.ada, rid, "discuss")
    revealed = await read(team.cy, rid)
    assert revealed["votesRevealed"] is True
    # Most votes first; the tie keeps the order the topics were made in.
    assert [(t["id"], t["votes"], t["myVotes"]) for t in revealed["topics"]] == [
        (second, 2, 1),
        (third, 2, 0),
        (first, 1, 1),
    ]
    topics = str(revealed["topics"])  # who voted for what is never shown
    assert team.bea.id not in topics
    assert team.cy.id not in topics
    late = await team.bea.post(f"/api/topics/{first}/votes")
    assert (late.status_code, problem_type(late)) == (409, "phase-not-allowed")


async def test_the_budget_holds_and_votes_can_be_taken_back(
    team: Team, clock: MutableClock
) -> None:
    rid, topics = await _voting(team, clock, budget=2, cap=2)
    await _vote(team.bea, topics[0])
    await _vote(team.bea, topics[1])
    spent = await team.bea.post(f"/api/topics/{topics[2]}/votes")
    assert (spent.status_code, problem_type(spent)) == (409, "vote-budget-exhausted")
    before = (await read(team.bea, rid))["version"]
    taken = await team.bea.send("DELETE", f"/api/topics/{topics[1]}/votes")
    assert taken.status_code == 204, taken.text
    none_left = await team.bea.send("DELETE", f"/api/topics/{topics[1]}/votes")
    assert (none_left.status_code, problem_type(none_left)) == (409, "no-vote-to-withdraw")
    after = await read(team.bea, rid)
    assert after["version"] == before + 1  # one change, one bump
    assert after["remainingVotes"] == 1
    assert [t["myVotes"] for t in after["topics"]] == [1, 0, 0]
    await _vote(team.bea, topics[2])


async def test_votes_are_cast_in_vote_only_and_on_topics_one_may_reach(
    team: Team, sign_up: Callable[..., Any]
) -> None:
    rid = (await open_retro(team.ada, team.board_id))["id"]
    await move_to(team.ada, rid, "reflect")
    card = await write(team.bea, rid, team.section_ids[0], "Early")
    early = await team.bea.post(f"/api/topics/{card['topicId']}/votes")
    assert (early.status_code, problem_type(early)) == (409, "phase-not-allowed")
    outsider = await sign_up("eve@example.com")
    hidden = await outsider.post(f"/api/topics/{card['topicId']}/votes")
    assert (hidden.status_code, problem_type(hidden)) == (404, "topic-not-found")


async def test_going_back_to_group_keeps_votes_and_an_emptied_topic_returns_them(
    team: Team, clock: MutableClock
) -> None:
    rid, topics = await _voting(team, clock, budget=3)
    await _vote(team.bea, topics[0])
    await _vote(team.bea, topics[1])
    await move_to(team.ada, rid, "group")
    view = await read(team.bea, rid)
    assert view["remainingVotes"] == 1
    card = view["topics"][1]["cards"][0]["id"]
    moved = await team.bea.post(f"/api/cards/{card}/move", {"topicId": topics[2]})
    assert moved.status_code == 200, moved.text  # topics[1] is emptied: gone, with its vote
    assert (await read(team.bea, rid))["remainingVotes"] == 2


@contextmanager
def serving(app: Litestar) -> Iterator[str]:
    """``app`` under uvicorn on a thread of its own: a real server, as in production."""
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        assert time.monotonic() < deadline, "the app did not start"
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=15)


async def test_fifty_simultaneous_votes_with_a_budget_of_five_record_exactly_five(
    team: Team, clock: MutableClock, make_app: Callable[..., Litestar]
) -> None:
    """Fifty requests from one participant, each on a thread of its own, released at once
    against a real server: the retro's row lock decides them one after the other."""
    rid, topics = await _voting(team, clock, budget=5, cap=3)
    cookies = {"_aluzio_key": team.bea.client.cookies["_aluzio_key"]}
    headers = {"X-CSRF-Token": team.bea.csrf}
    start = threading.Barrier(SIMULTANEOUS_VOTES, timeout=30)

    def vote(base: str, n: int) -> tuple[int, str]:
        with httpx.Client(base_url=base, cookies=cookies, timeout=60) as http:
            start.wait()
            response = http.post(f"/api/topics/{topics[n % 2]}/votes", headers=headers)
        kind = "" if response.status_code == 201 else response.json()["type"].rsplit("/", 1)[-1]
        return response.status_code, kind

    with serving(make_app()) as base:
        loop = asyncio.get_running_loop()
        with ThreadPoolExecutor(max_workers=SIMULTANEOUS_VOTES) as pool:
            answers = await asyncio.wait_for(
                asyncio.gather(
                    *(loop.run_in_executor(pool, vote, base, n) for n in range(SIMULTANEOUS_VOTES))
                ),
                timeout=120,
            )
    tally = Counter(answers)
    assert tally[(201, "")] == 5, tally
    assert set(tally) <= {(201, ""), (409, "vote-budget-exhausted"), (409, "topic-vote-cap")}

    seen = await read(team.bea, rid)
    assert seen["remainingVotes"] == 0
    assert sorted(t["myVotes"] for t in seen["topics"]) == [0, 2, 3]


async def test_reading_runs_the_same_statements_with_few_votes_and_many(
    team: Team, clock: MutableClock, make_app: Callable[..., Litestar]
) -> None:
    rid, topics = await _voting(team, clock, budget=20, cap=20)
    await _vote(team.bea, topics[0])
    app = make_app()
    async with AsyncTestClient(app, base_url=BASE_URL) as client:
        client.cookies = team.ada.client.cookies
        await client.get(f"/api/retros/{rid}")  # joins; the next reads change nothing
        with counting_statements(app) as few:
            await client.get(f"/api/retros/{rid}")
        for n in range(19):
            await _vote(team.bea, topics[n % 3])
        for n in range(20):
            await _vote(team.cy, topics[n % 3])
        with counting_statements(app) as many:
            seen = await client.get(f"/api/retros/{rid}")
    assert len(few) == len(many), (few, many)
    assert seen.json()["remainingVotes"] == 20


async def test_renaming_a_topic_after_going_back_answers_my_votes_on_it(
    team: Team, clock: MutableClock
) -> None:
    rid, topics = await _voting(team, clock, budget=3)
    await _vote(team.bea, topics[0])
    await move_to(team.ada, rid, "group")
    renamed = await team.bea.send("PATCH", f"/api/topics/{topics[0]}", {"title": "Named"})
    assert renamed.status_code == 200, renamed.text
    assert (renamed.json()["myVotes"], renamed.json()["votes"]) == (1, None)
