"""Presence across app instances: who has the retro open anywhere, told to every viewer on
every instance; one participant however many tabs; gone when their last socket anywhere
closes, when their client stops answering, or when the instance holding them stops
announcing them."""

from __future__ import annotations

import asyncio
import json
import uuid

import asyncpg

from aluzio.adapters.postgres.database import to_asyncpg_dsn
from aluzio.application.realtime.presence import PRESENCE_CHANNEL
from tests.integration.realtime.conftest import Serve
from tests.integration.retros.conftest import Team, open_retro


async def test_presence_spans_instances_and_tabs(team: Team, instance: Serve) -> None:
    retro = await open_retro(team.ada, team.board_id)
    async with instance() as a, instance() as b, a.live(retro["id"], team.ada) as ada:
        await ada.receive()
        assert set(ada.participants) == {team.ada.id}
        async with b.live(retro["id"], team.bea) as bea:
            await bea.receive()
            # Bea's first message already shows Ada, who is on the other instance.
            assert set(bea.participants) == {team.ada.id, team.bea.id}
            assert bea.participants[team.ada.id] == {"id": team.ada.id, "name": "Ada Lovelace"}
            await ada.until_present(team.ada.id, team.bea.id)
            # A second tab on the other instance: still one participant.
            async with a.live(retro["id"], team.bea) as bea_again:
                await bea_again.receive()
                assert set(bea_again.participants) == {team.ada.id, team.bea.id}
            await asyncio.sleep(1)  # renewals come and go; nothing changes for Ada
            assert set(ada.participants) == {team.ada.id, team.bea.id}
        # Bea's last socket anywhere closed.
        await ada.until_present(team.ada.id)
    kinds = [(m["type"], m["participant"]["id"]) for m in ada.presence]
    assert kinds == [("presence-joined", team.bea.id), ("presence-left", team.bea.id)]
    assert all(set(m["participant"]) == {"id", "name"} for m in ada.presence)


async def test_a_client_that_stops_answering_leaves(team: Team, instance: Serve) -> None:
    retro = await open_retro(team.ada, team.board_id)
    async with (
        instance() as a,
        instance(ping_seconds=0.5) as b,
        a.live(retro["id"], team.ada) as ada,
    ):
        await ada.receive()
        bea = b.live(retro["id"], team.bea)
        await bea.__aenter__()
        try:
            await bea.receive()
            await ada.until_present(team.ada.id, team.bea.id)
            # Bea's laptop sleeps: her client reads nothing more, answers no ping, never
            # closes. B's pings go unanswered, B drops her, and Ada is told.
            bea.socket.transport.pause_reading()
            await ada.until_present(team.ada.id, seconds=10)
        finally:
            bea.socket.transport.abort()


async def test_an_instance_that_stops_announcing_leaves_no_ghost(
    team: Team, instance: Serve, database_url: str
) -> None:
    retro = await open_retro(team.ada, team.board_id)
    dead_instance = str(uuid.uuid4())
    async with instance() as a, a.live(retro["id"], team.ada) as ada:
        await ada.receive()
        # An instance announces Cy once, then dies without a word.
        connection = await asyncpg.connect(to_asyncpg_dsn(database_url))
        try:
            here = {"instance": dead_instance, "here": [[retro["id"], team.cy.id]]}
            await connection.execute("SELECT pg_notify($1, $2)", PRESENCE_CHANNEL, json.dumps(here))
        finally:
            await connection.close()
        await ada.until_present(team.ada.id, team.cy.id)
        assert ada.participants[team.cy.id]["name"] == "Cy Young"
        # Three renewal intervals (0.5 s in these tests) later, Cy is gone.
        await ada.until_present(team.ada.id, seconds=5)


async def test_a_starting_instance_learns_who_is_already_there(team: Team, instance: Serve) -> None:
    retro = await open_retro(team.ada, team.board_id)
    async with instance() as a, a.live(retro["id"], team.ada) as ada:
        await ada.receive()
        # B starts after Ada opened the retro on A: it asks, A answers before B's hello.
        async with instance() as b, b.live(retro["id"], team.cy) as cy:
            await cy.receive()
            assert set(cy.participants) == {team.ada.id, team.cy.id}
