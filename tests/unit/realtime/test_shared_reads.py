"""One read of a retro serves every live connection: concurrent readers share it, a later
signal needs a later read, and each viewer's part of it equals their fresh ``get_retro``."""

from __future__ import annotations

import asyncio
from typing import cast
from uuid import UUID

from aluzio.application.realtime.hub import LiveHub
from aluzio.application.realtime.live import SharedRead, SharedReads
from aluzio.application.retros import cards, retros
from aluzio.application.retros.context import RetrosContext
from aluzio.application.retros.reading import get_retro
from aluzio.domain.organizations.model import Role
from aluzio.domain.retros.model import Phase, Viewer
from tests.unit.retro_use_cases import conftest as retro_fixtures
from tests.unit.retro_use_cases.conftest import Team

clock = retro_fixtures.clock
store = retro_fixtures.store
settings = retro_fixtures.settings
make_accounts = retro_fixtures.make_accounts
accounts = retro_fixtures.accounts
register = retro_fixtures.register
orgs = retro_fixtures.orgs
sign_up = retro_fixtures.sign_up
retros_ctx = retro_fixtures.retros_ctx
team = retro_fixtures.team


class Signals:
    """The hub's counts of signals heard, moved by hand."""

    def __init__(self) -> None:
        self.total = 0

    def heard(self, _retro_id: UUID) -> int:
        return self.total

    def heard_total(self) -> int:
        return self.total


class CountedReads(SharedReads):
    def __init__(self, retros: RetrosContext, signals: Signals) -> None:
        super().__init__(retros, cast(LiveHub, signals))
        self.reads = 0

    async def _read(self, retro_id: UUID) -> SharedRead:
        self.reads += 1
        await asyncio.sleep(0.01)  # long enough for every reader to arrive meanwhile
        return await super()._read(retro_id)


async def test_readers_share_one_read_and_each_sees_their_get(
    team: Team, retros_ctx: RetrosContext
) -> None:
    rid = (await retros.create_retro(retros_ctx, team.ada, team.board.id, anonymous=False)).retro.id
    await retros.change_phase(retros_ctx, team.ada, rid, Phase.REFLECT)
    await cards.add_card(retros_ctx, team.bea, rid, team.board.sections[0].id, "Bea's")
    await cards.add_card(retros_ctx, team.ada, rid, team.board.sections[1].id, "Ada's")
    for actor in (team.ada, team.bea):  # first reads: both are participants from now on
        await get_retro(retros_ctx, actor, rid)
    signals = Signals()
    shared_reads = CountedReads(retros_ctx, signals)
    signals.total = 1
    reads = await asyncio.gather(*(shared_reads.read(rid) for _ in range(50)))
    assert shared_reads.reads == 1
    assert all(read is reads[0] for read in reads)
    ada = Viewer(team.ada.user.id, Role.OWNER)
    bea = Viewer(team.bea.user.id, Role.MEMBER)
    assert reads[0].view_for(ada) == await get_retro(retros_ctx, team.ada, rid)
    assert reads[0].view_for(bea) == await get_retro(retros_ctx, team.bea, rid)
    assert reads[0].view_for(ada) != reads[0].view_for(bea)  # hidden writing: own text only


async def test_a_later_signal_needs_a_later_read(team: Team, retros_ctx: RetrosContext) -> None:
    rid = (await retros.create_retro(retros_ctx, team.ada, team.board.id)).retro.id
    await retros.change_phase(retros_ctx, team.ada, rid, Phase.REFLECT)
    await get_retro(retros_ctx, team.ada, rid)
    signals = Signals()
    shared_reads = CountedReads(retros_ctx, signals)
    ada = Viewer(team.ada.user.id, Role.OWNER)
    first = await shared_reads.read(rid)
    assert await shared_reads.read(rid) is first  # nothing new heard: the same read
    await cards.add_card(retros_ctx, team.ada, rid, team.board.sections[0].id, "New")
    signals.total += 1  # its event heard
    second = await shared_reads.read(rid)
    assert shared_reads.reads == 2
    first_view, second_view = first.view_for(ada), second.view_for(ada)
    assert first_view is not None
    assert second_view is not None
    assert second_view.version == first_view.version + 1
    assert second_view == await get_retro(retros_ctx, team.ada, rid)


async def test_a_deleted_retro_shows_nothing(team: Team, retros_ctx: RetrosContext) -> None:
    rid = (await retros.create_retro(retros_ctx, team.ada, team.board.id)).retro.id
    await retros.delete_retro(retros_ctx, team.ada, rid)
    shared = await SharedReads(retros_ctx, cast(LiveHub, Signals())).read(rid)
    assert shared.view_for(Viewer(team.ada.user.id, Role.OWNER)) is None
