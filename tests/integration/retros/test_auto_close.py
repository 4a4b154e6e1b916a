"""Idle retros closed by the worker's job on Postgres, with two workers running it at the
same moment: each idle retro is closed once, with one phase-change event and one history
entry by the system; a retro changed recently and a draft stay as they are."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import asyncpg

from aluzio.adapters.mail.memory import InMemoryMailTransport
from aluzio.adapters.postgres.database import to_asyncpg_dsn
from aluzio.entrypoints.container import MailServices, build_mail_services
from aluzio.entrypoints.settings import Settings
from tests.integration.accounts.conftest import csrf_of, login
from tests.integration.organizations.conftest import Person
from tests.integration.retros.conftest import Team, move_to, open_retro, read, write
from tests.support.clock import MutableClock

IDLE_RETROS = 6


async def sign_in_again(person: Person) -> None:
    assert (await login(person.client, person.email)).status_code == 200
    person.csrf = await csrf_of(person.client)


def auto_close(worker: MailServices) -> Any:
    (job,) = [job for job in worker.scheduler.jobs if job.name == "retro-auto-close"]
    return job


async def test_two_workers_close_each_idle_retro_once(
    team: Team, settings: Settings, clock: MutableClock, database_url: str
) -> None:
    idle = []
    for n in range(IDLE_RETROS):
        retro = await open_retro(team.ada, team.board_id, title=f"Sprint {n}")
        await move_to(team.ada, retro["id"], "reflect", "group", "vote")
        idle.append(retro["id"])
    recent = await open_retro(team.ada, team.board_id, title="Recent")
    await move_to(team.ada, recent["id"], "reflect")
    draft = await open_retro(team.ada, team.board_id, title="Prepared")
    clock.advance(days=13, hours=23)
    for person in (team.ada, team.bea):  # their sessions timed out meanwhile
        await sign_in_again(person)
    await write(team.bea, recent["id"], team.section_ids[0], "Still going")
    clock.advance(hours=1)

    heard: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
    listener = await asyncpg.connect(to_asyncpg_dsn(database_url))
    await listener.add_listener(
        "aluzio_retro", lambda *args: heard.put_nowait(json.loads(args[-1]))
    )
    workers = [
        build_mail_services(settings, clock=clock, transport=InMemoryMailTransport())
        for _ in range(2)
    ]
    try:
        closed = await asyncio.gather(*(auto_close(w).run() for w in workers))
        assert sum(closed) == IDLE_RETROS
        assert await asyncio.gather(*(auto_close(w).run() for w in workers)) == [0, 0]
        await asyncio.sleep(0.5)  # notifications of the last commits
    finally:
        await listener.close()
        for worker in workers:
            await worker.close()

    events = []
    while not heard.empty():
        events.append(heard.get_nowait())
    assert sorted(e["retroId"] for e in events) == sorted(idle)
    assert {e["type"] for e in events} == {"phase-changed"}

    conn = await asyncpg.connect(to_asyncpg_dsn(database_url))
    try:
        rows = await conn.fetch(
            "SELECT retro_id::text AS id, from_phase, changed_by, changed_at FROM"
            " retro_phase_changes WHERE to_phase = 'closed'"
        )
    finally:
        await conn.close()
    assert sorted(r["id"] for r in rows) == sorted(idle)
    assert {(r["from_phase"], r["changed_by"]) for r in rows} == {("vote", None)}
    assert {r["changed_at"] for r in rows} == {clock.now()}

    for retro_id in idle:
        seen = await read(team.ada, retro_id)
        assert seen["phase"] == "closed"
    assert (await read(team.ada, recent["id"]))["phase"] == "reflect"
    assert (await read(team.ada, draft["id"]))["phase"] == "draft"
