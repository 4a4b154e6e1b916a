"""The discussion cursor and the facilitator's timer through the real app."""

from __future__ import annotations

from datetime import datetime, timedelta

from tests.integration.retros.conftest import Team, move_to, open_retro, problem_type, read, write
from tests.support.clock import MutableClock


async def _discussing(team: Team, clock: MutableClock) -> tuple[str, list[str]]:
    """A retro in discuss with two topics; Bea put her votes on the second."""
    rid = (await open_retro(team.ada, team.board_id))["id"]
    await move_to(team.ada, rid, "reflect")
    topics = []
    for n in range(2):
        clock.advance(minutes=1)
        topics.append((await write(team.bea, rid, team.section_ids[n], f"Card {n}"))["topicId"])
    await move_to(team.ada, rid, "group", "vote")
    voted = await team.bea.post(f"/api/topics/{topics[1]}/votes")
    assert voted.status_code == 201, voted.text
    await move_to(team.ada, rid, "discuss")
    return rid, topics


async def test_the_facilitator_points_everyone_at_a_topic(team: Team, clock: MutableClock) -> None:
    rid, (first, second) = await _discussing(team, clock)
    assert (await read(team.bea, rid))["discussionTopicId"] is None
    moved = await team.ada.post(f"/api/retros/{rid}/discussion", {"topicId": second})
    assert moved.status_code == 200, moved.text
    assert moved.json()["discussionTopicId"] == second
    seen = await read(team.cy, rid)
    assert seen["discussionTopicId"] == second
    assert seen["version"] == moved.json()["version"] + 1  # Cy's first read joined him
    assert [t["id"] for t in seen["topics"]] == [second, first]  # vote order

    again = await team.ada.post(f"/api/retros/{rid}/discussion", {"topicId": second})
    assert again.json()["version"] == moved.json()["version"] + 1  # no change, no bump
    member = await team.bea.post(f"/api/retros/{rid}/discussion", {"topicId": first})
    assert (member.status_code, problem_type(member)) == (403, "not-facilitator")
    other = (await open_retro(team.ada, team.board_id))["id"]
    draft = await team.ada.post(f"/api/retros/{other}/discussion", {"topicId": first})
    assert (draft.status_code, problem_type(draft)) == (409, "phase-not-allowed")
    no_topic = await team.ada.post(f"/api/retros/{rid}/discussion", {"topicId": other})
    assert (no_topic.status_code, problem_type(no_topic)) == (404, "topic-not-found")
    await move_to(team.ada, rid, "closed")
    closed = await team.ada.post(f"/api/retros/{rid}/discussion", {"topicId": first})
    assert (closed.status_code, problem_type(closed)) == (409, "retro-closed")


async def test_a_cursor_on_a_topic_that_disappears_is_cleared(
    team: Team, clock: MutableClock
) -> None:
    rid, (first, second) = await _discussing(team, clock)
    await team.ada.post(f"/api/retros/{rid}/discussion", {"topicId": first})
    await move_to(team.ada, rid, "vote", "group")
    early = await team.ada.post(f"/api/retros/{rid}/discussion", {"topicId": second})
    assert (early.status_code, problem_type(early)) == (409, "phase-not-allowed")
    card = next(t for t in (await read(team.bea, rid))["topics"] if t["id"] == first)["cards"][0]
    moved = await team.bea.post(f"/api/cards/{card['id']}/move", {"topicId": second})
    assert moved.status_code == 200, moved.text
    await move_to(team.ada, rid, "vote", "discuss")
    assert (await read(team.ada, rid))["discussionTopicId"] is None


async def test_the_timer_ends_in_server_time_and_a_phase_change_clears_it(
    team: Team, clock: MutableClock
) -> None:
    rid = (await open_retro(team.ada, team.board_id))["id"]
    draft = await team.ada.send("PUT", f"/api/retros/{rid}/timer", {"seconds": 60})
    assert (draft.status_code, problem_type(draft)) == (409, "phase-not-allowed")
    await move_to(team.ada, rid, "reflect")
    too_long = await team.ada.send("PUT", f"/api/retros/{rid}/timer", {"seconds": 3601})
    assert too_long.status_code == 400, too_long.text
    member = await team.bea.send("PUT", f"/api/retros/{rid}/timer", {"seconds": 60})
    assert (member.status_code, problem_type(member)) == (403, "not-facilitator")

    started = await team.ada.send("PUT", f"/api/retros/{rid}/timer", {"seconds": 300})
    assert started.status_code == 200, started.text
    ends = datetime.fromisoformat(started.json()["timerEndsAt"])
    assert ends == clock.now() + timedelta(seconds=300)
    assert datetime.fromisoformat((await read(team.bea, rid))["timerEndsAt"]) == ends

    stopped = await team.ada.send("DELETE", f"/api/retros/{rid}/timer")
    assert stopped.status_code == 204, stopped.text
    assert (await read(team.bea, rid))["timerEndsAt"] is None
    await team.ada.send("PUT", f"/api/retros/{rid}/timer", {"seconds": 10})
    await move_to(team.ada, rid, "group")
    assert (await read(team.bea, rid))["timerEndsAt"] is None
