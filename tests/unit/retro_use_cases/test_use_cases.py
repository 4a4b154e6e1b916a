"""The retro use cases on memory: every change announces one event with the retro's next
version; refusals change and announce nothing; reads see through the visibility rule."""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest

from aluzio.adapters.memory.unit_of_work import MemoryStore
from aluzio.application.retros import cards, reading, retros
from aluzio.application.retros.context import RetrosContext
from aluzio.application.retros.events import RETRO_CHANNEL
from aluzio.domain.accounts.errors import EmailNotVerified
from aluzio.domain.boards.errors import BoardNotFound, SectionNotFound
from aluzio.domain.retros.errors import NotFacilitator, PhaseNotAllowed, RetroNotFound
from aluzio.domain.retros.model import Phase
from tests.unit.organizations.conftest import SignUp
from tests.unit.retro_use_cases.conftest import Team


def retro_events(store: MemoryStore) -> list[dict[str, Any]]:
    return [json.loads(e.payload) for e in store.published if e.channel == RETRO_CHANNEL]


async def test_each_change_announces_the_next_version_once(
    retros_ctx: RetrosContext, team: Team, store: MemoryStore
) -> None:
    ctx = retros_ctx
    created = await retros.create_retro(ctx, team.ada, team.board.id, title="R")
    rid = created.retro.id
    await retros.change_phase(ctx, team.ada, rid, Phase.REFLECT)
    card = await cards.add_card(ctx, team.bea, rid, team.board.sections[0].id, "Hello")
    await reading.get_retro(ctx, team.bea, rid)  # Bea joins
    await reading.get_retro(ctx, team.bea, rid)  # nothing new
    await cards.edit_card(ctx, team.bea, card.id, "Hello again")
    await retros.change_phase(ctx, team.ada, rid, Phase.GROUP)
    moved = await cards.move_card(ctx, team.ada, card.id, None)  # already alone: no change
    await cards.rename_topic(ctx, team.ada, moved.topic_id, "Greetings")
    await cards.delete_card(ctx, team.bea, card.id)
    events = retro_events(store)
    assert [e["type"] for e in events] == [
        "retro-created",
        "phase-changed",
        "card-added",
        "participant-joined",
        "card-edited",
        "phase-changed",
        "topic-renamed",
        "card-deleted",
    ]
    assert [e["version"] for e in events] == list(range(1, 9))
    assert {e["retroId"] for e in events} == {str(rid)}
    view = await reading.get_retro(ctx, team.ada, rid)  # Ada joins: version 9
    assert view.version == 9
    assert view.topics == ()


async def test_refusals_change_and_announce_nothing(
    retros_ctx: RetrosContext, team: Team, store: MemoryStore
) -> None:
    ctx = retros_ctx
    rid = (await retros.create_retro(ctx, team.ada, team.board.id)).retro.id
    before = len(store.published)
    with pytest.raises(NotFacilitator):
        await retros.change_phase(ctx, team.bea, rid, Phase.REFLECT)
    with pytest.raises(PhaseNotAllowed):
        await retros.change_phase(ctx, team.ada, rid, Phase.GROUP)
    with pytest.raises(PhaseNotAllowed):
        await cards.add_card(ctx, team.bea, rid, team.board.sections[0].id, "Too early")
    await retros.change_phase(ctx, team.ada, rid, Phase.REFLECT)
    with pytest.raises(SectionNotFound):
        await cards.add_card(ctx, team.bea, rid, uuid.uuid4(), "Nowhere")
    assert [e["type"] for e in retro_events(store)[-1:]] == ["phase-changed"]
    assert len(store.published) == before + 1
    view = await reading.get_retro(ctx, team.ada, rid)
    assert view.version == 3  # created, reflect, Ada's first read


async def test_strangers_and_unverified_people(
    retros_ctx: RetrosContext, team: Team, sign_up: SignUp
) -> None:
    ctx = retros_ctx
    rid = (await retros.create_retro(ctx, team.ada, team.board.id)).retro.id
    eve = await sign_up("eve@example.com")
    with pytest.raises(RetroNotFound):
        await reading.get_retro(ctx, eve, rid)
    with pytest.raises(BoardNotFound):
        await retros.create_retro(ctx, eve, team.board.id)
    with pytest.raises(RetroNotFound):
        await retros.change_phase(ctx, eve, uuid.uuid4(), Phase.REFLECT)
    unverified = await sign_up("uma@example.com", verified=False)
    with pytest.raises(BoardNotFound):  # not a member either: not found first
        await retros.create_retro(ctx, unverified, team.board.id)
    # A member whose address is unverified reads but changes nothing.
    with pytest.raises(EmailNotVerified):
        await retros.create_retro(ctx, _unverified(team.bea), team.board.id)


def _unverified(actor: Any) -> Any:
    from dataclasses import replace

    return replace(actor, user=replace(actor.user, email_verified_at=None))
