"""Who may hold a live connection: refused before it is accepted without a live session, from
a foreign Origin or for a non-member; closed within seconds once the session ends or the
member is removed; never told of another retro's or another organization's changes."""

from __future__ import annotations

import asyncio

import pytest
from websockets.exceptions import InvalidStatus

from tests.integration.organizations.conftest import SignUp, create_org
from tests.integration.realtime.conftest import Serve
from tests.integration.retros.conftest import (
    Team,
    create_board,
    move_to,
    open_retro,
    read,
    write,
)
from tests.support.clock import MutableClock
from tests.support.live_client import LiveClient


async def refused(client: LiveClient) -> int:
    with pytest.raises(InvalidStatus) as refusal:
        async with client:
            pass
    return refusal.value.response.status_code


async def test_refused_before_accepting(
    team: Team, sign_up: SignUp, instance: Serve, clock: MutableClock
) -> None:
    retro = await open_retro(team.ada, team.board_id)
    outsider = await sign_up("eve@example.com", name="Eve")
    async with instance() as b:
        assert await refused(b.live(retro["id"], None)) == 403  # no cookie
        assert await refused(b.live(retro["id"], team.bea, origin="https://evil.example")) == 403
        assert await refused(b.live(retro["id"], outsider)) == 403  # not a member
        unknown = "00000000-0000-4000-8000-000000000000"
        assert await refused(b.live(unknown, team.bea)) == 403
        assert "eve@example.com" not in str(await read(team.ada, retro["id"]))
        clock.advance(days=400)  # beyond any session's absolute expiry
        assert await refused(b.live(retro["id"], team.bea)) == 403


async def test_an_ended_session_is_closed(team: Team, instance: Serve) -> None:
    retro = await open_retro(team.ada, team.board_id)
    async with instance() as b, b.live(retro["id"], team.bea) as bea:
        await bea.receive()
        signed_out = await team.bea.post("/api/auth/logout")
        assert signed_out.status_code == 204
        assert await bea.closed_with(seconds=5) == 4401


async def test_an_ended_session_is_closed_on_a_busy_retro(team: Team, instance: Serve) -> None:
    """Changes keep coming faster than the re-check interval: the check still runs."""
    retro = await open_retro(team.ada, team.board_id)
    await move_to(team.ada, retro["id"], "reflect")
    async with instance() as b, b.live(retro["id"], team.bea) as bea:
        await bea.receive()
        signed_out = await team.bea.post("/api/auth/logout")
        assert signed_out.status_code == 204

        async def keep_writing() -> None:
            for n in range(40):  # about 0.1 s apart, under the 0.5 s interval of these tests
                await write(team.ada, retro["id"], team.section_ids[0], f"Busy {n}")
                await asyncio.sleep(0.05)

        writer = asyncio.create_task(keep_writing())
        try:
            assert await bea.closed_with(seconds=5) == 4401
        finally:
            writer.cancel()
            await asyncio.gather(writer, return_exceptions=True)


async def test_an_expired_session_is_closed(
    team: Team, instance: Serve, clock: MutableClock
) -> None:
    retro = await open_retro(team.ada, team.board_id)
    async with instance() as b, b.live(retro["id"], team.bea) as bea:
        await bea.receive()
        clock.advance(days=400)
        assert await bea.closed_with(seconds=5) == 4401


async def test_a_removed_member_is_closed(team: Team, instance: Serve) -> None:
    retro = await open_retro(team.ada, team.board_id)
    async with instance() as b, b.live(retro["id"], team.cy) as cy:
        await cy.receive()
        removed = await team.ada.send("DELETE", f"/api/orgs/{team.slug}/members/{team.cy.id}")
        assert removed.status_code == 204, removed.text
        assert await cy.closed_with(seconds=5) == 4404


async def test_a_deleted_retro_closes_its_connections(team: Team, instance: Serve) -> None:
    retro = await open_retro(team.ada, team.board_id)
    async with instance() as b, b.live(retro["id"], team.bea) as bea:
        await bea.receive()
        deleted = await team.ada.send("DELETE", f"/api/retros/{retro['id']}")
        assert deleted.status_code == 204, deleted.text
        assert await bea.closed_with(seconds=5) == 4404


async def test_events_stay_in_their_retro_and_organization(
    team: Team, sign_up: SignUp, instance: Serve
) -> None:
    retro = await open_retro(team.ada, team.board_id)
    other_retro = await open_retro(team.ada, team.board_id)
    dan = await sign_up("dan@example.com", name="Dan")
    slug = await create_org(dan, "Elsewhere", slug="elsewhere")
    board = await create_board(dan, slug)
    foreign = await open_retro(dan, board["id"])
    async with (
        instance() as b,
        b.live(retro["id"], team.bea) as bea,
        b.live(other_retro["id"], team.cy) as cy,
        b.live(foreign["id"], dan) as dan_live,
    ):
        for client in (bea, cy, dan_live):
            await client.receive()
        await move_to(team.ada, retro["id"], "reflect")
        card = await write(team.ada, retro["id"], team.section_ids[0], "Only here")
        final = (await read(team.ada, retro["id"]))["version"]
        await bea.until_version(final)
        await asyncio.sleep(1)  # time for a stray event to arrive, if one were sent
        with pytest.raises(TimeoutError):
            await cy.receive(seconds=0.2)
        with pytest.raises(TimeoutError):
            await dan_live.receive(seconds=0.2)
    assert card["id"] not in str(cy.messages) + str(dan_live.messages)
