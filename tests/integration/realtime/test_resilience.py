"""The live connection under trouble: rolled-back changes, a lost listening connection, a
client that cannot keep up, a client that sends too much, too many connections, shutdown."""

from __future__ import annotations

import asyncio
import json
import secrets
import time
import uuid
from datetime import UTC, datetime

import asyncpg

from aluzio.adapters.postgres.database import to_asyncpg_dsn
from aluzio.adapters.postgres.listener import APPLICATION_NAME
from aluzio.application.realtime.hub import LiveLimits
from tests.integration.realtime.conftest import FAST, Serve
from tests.integration.retros.conftest import Team, move_to, open_retro, read, write


async def bump(database_url: str, retro_id: str, *, commit: bool = True, times: int = 1) -> None:
    """``times`` changes to the retro as a use case makes them: the version bumped and the
    event announced in one transaction, committed or rolled back."""
    connection = await asyncpg.connect(to_asyncpg_dsn(database_url))
    try:
        for _ in range(times):
            transaction = connection.transaction()
            await transaction.start()
            version = await connection.fetchval(
                "UPDATE retros SET version = version + 1 WHERE id = $1 RETURNING version",
                uuid.UUID(retro_id),
            )
            payload = {"retroId": retro_id, "version": version, "type": "card-edited"}
            await connection.execute("SELECT pg_notify('aluzio_retro', $1)", json.dumps(payload))
            await (transaction.commit() if commit else transaction.rollback())
    finally:
        await connection.close()


async def test_a_rolled_back_change_sends_nothing(
    team: Team, instance: Serve, database_url: str
) -> None:
    retro = await open_retro(team.ada, team.board_id)
    async with instance() as b, b.live(retro["id"], team.bea) as bea:
        hello = await bea.receive()
        await bump(database_url, retro["id"], commit=False)
        refused = await team.bea.post(f"/api/retros/{retro['id']}/phase", {"to": "reflect"})
        assert refused.status_code == 403
        await bump(database_url, retro["id"])
        after = await bea.receive()
    # The next message is the committed change, one version on; nothing came for the others.
    assert after["version"] == hello["version"] + 1
    assert bea.messages[1:] == [after]


async def test_a_lost_listening_connection_resyncs_its_clients(
    team: Team, instance: Serve, database_url: str
) -> None:
    retro = await open_retro(team.ada, team.board_id)
    await move_to(team.ada, retro["id"], "reflect")
    async with instance() as b, b.live(retro["id"], team.bea) as bea:
        await bea.receive()
        admin = await asyncpg.connect(to_asyncpg_dsn(database_url))
        try:
            ended = await admin.fetchval(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
                " WHERE application_name = $1 AND datname = current_database()",
                APPLICATION_NAME,
            )
        finally:
            await admin.close()
        assert ended == 1
        resync = await bea.receive(seconds=10)
        assert resync["type"] == "resync"
        assert resync["retro"] == await read(team.bea, resync["retro"]["id"])
        await write(team.ada, retro["id"], team.section_ids[0], "After the drop")
        flowing = await bea.receive(seconds=10)
    assert flowing["type"] == "card-added"
    assert flowing["version"] == resync["version"] + 1


async def add_long_cards(database_url: str, retro_id: str, section_id: str, author: str) -> None:
    """Enough long cards that the retro's view is large, in text that does not compress (the
    connection deflates messages), so a slow reader's buffers fill fast."""
    now = datetime.now(UTC)
    connection = await asyncpg.connect(to_asyncpg_dsn(database_url))
    try:
        rows = [(uuid.uuid4(), uuid.uuid4()) for _ in range(150)]
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
                     uuid.UUID(author), secrets.token_urlsafe(1500)[:2000], now)
                    for card, topic in rows
                ],
            )  # fmt: skip
    finally:
        await connection.close()


async def test_a_slow_consumer_is_closed_without_delaying_the_others(
    team: Team, instance: Serve, database_url: str
) -> None:
    retro = await open_retro(team.ada, team.board_id)
    await move_to(team.ada, retro["id"], "reflect")
    await add_long_cards(database_url, retro["id"], team.section_ids[0], team.ada.id)
    await move_to(team.ada, retro["id"], "group")  # cards are shown to everyone from here
    limits = LiveLimits(queue_size=2, recheck_seconds=0.5, send_timeout_seconds=2.0)
    async with (
        instance(limits) as b,
        b.live(retro["id"], team.bea) as bea,
        b.live(retro["id"], team.cy, max_queue=1) as slow,
    ):
        await bea.receive()
        await slow.receive()  # then it stops reading
        hub = b.app.state["container"].live.hub
        waits = []
        for _ in range(200):  # until the socket buffers of the slow one are full
            started = time.monotonic()
            await bump(database_url, retro["id"])
            await bea.until_version(bea.version + 1, seconds=5)
            waits.append(time.monotonic() - started)
            ended = [f.end_code for f in hub.feeds_of(uuid.UUID(retro["id"])) if f.end_code]
            if ended:
                break
        assert ended == [4408], "the slow consumer was never closed"
        code = await slow.closed_with(seconds=30)  # it reads again, down to the close frame
        await bump(database_url, retro["id"])
        await bea.until_version(bea.version + 1, seconds=5)
    assert code == 4408
    # Each change of a ~300 KB view reached the fast client at once, the slow one aside.
    assert max(waits) < 5


async def test_an_oversized_message_closes_the_connection(team: Team, instance: Serve) -> None:
    retro = await open_retro(team.ada, team.board_id)
    async with instance() as b, b.live(retro["id"], team.bea) as bea:
        await bea.receive()
        await bea.socket.send("ping")  # small messages are tolerated
        await bea.socket.send("x" * (FAST.max_inbound_bytes + 1))
        assert await bea.closed_with() == 1009


async def test_connections_per_user_are_capped(team: Team, instance: Serve) -> None:
    retro = await open_retro(team.ada, team.board_id)
    limits = LiveLimits(connections_per_user=2, recheck_seconds=0.5)
    async with (
        instance(limits) as b,
        b.live(retro["id"], team.bea) as first,
        b.live(retro["id"], team.bea) as second,
    ):
        await first.receive()
        await second.receive()
        async with b.live(retro["id"], team.bea) as third:
            assert await third.closed_with() == 4429
        async with b.live(retro["id"], team.cy) as other_user:
            assert (await other_user.receive())["type"] == "hello"


async def test_shutdown_closes_with_going_away(team: Team, instance: Serve) -> None:
    retro = await open_retro(team.ada, team.board_id)
    async with instance() as b, b.live(retro["id"], team.bea) as bea:
        await bea.receive()
        # The app's shutdown hook (uvicorn runs it once its own connections are done).
        closing = asyncio.create_task(b.app.state["container"].live.hub.close())
        assert await bea.closed_with() == 1001
        await closing
