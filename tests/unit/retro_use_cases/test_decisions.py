"""Notes, action items and exports on memory: each change announces the retro's next
version once, refusals change and announce nothing, carried-over items reach the board's
next retro, exports show what the caller's read shows."""

from __future__ import annotations

import json
import uuid
from datetime import date
from typing import Any

import pytest

from aluzio.adapters.memory.unit_of_work import MemoryStore
from aluzio.application.pagination import Page
from aluzio.application.retros import action_items, cards, exporting, notes, reading, retros
from aluzio.application.retros.context import RetrosContext
from aluzio.application.retros.events import RETRO_CHANNEL
from aluzio.domain.retros.action_items import ActionItemChanges, ActionItemStatus
from aluzio.domain.retros.errors import (
    ActionItemNotFound,
    AssigneeNotFound,
    ExportNotAvailable,
    NotNoteAuthor,
)
from aluzio.domain.retros.export import ExportFormat
from aluzio.domain.retros.model import Phase
from tests.support.clock import MutableClock
from tests.unit.organizations.conftest import SignUp
from tests.unit.retro_use_cases.conftest import Team


def retro_events(store: MemoryStore) -> list[dict[str, Any]]:
    return [json.loads(e.payload) for e in store.published if e.channel == RETRO_CHANNEL]


async def _discussing(ctx: RetrosContext, team: Team) -> tuple[uuid.UUID, uuid.UUID]:
    rid = (await retros.create_retro(ctx, team.ada, team.board.id, title="R")).retro.id
    await retros.change_phase(ctx, team.ada, rid, Phase.REFLECT)
    card = await cards.add_card(ctx, team.bea, rid, team.board.sections[0].id, "Hello")
    for phase in (Phase.GROUP, Phase.VOTE, Phase.DISCUSS):
        await retros.change_phase(ctx, team.ada, rid, phase)
    return rid, card.topic_id


async def test_each_change_announces_the_next_version_once(
    retros_ctx: RetrosContext, team: Team, store: MemoryStore
) -> None:
    ctx = retros_ctx
    rid, topic_id = await _discussing(ctx, team)
    start = len(retro_events(store))
    note = await notes.add_note(ctx, team.bea, topic_id, "Said")
    await notes.edit_note(ctx, team.bea, note.id, "Said")  # unchanged: no change
    await notes.edit_note(ctx, team.bea, note.id, "Said again")
    item = await action_items.create_action_item(
        ctx, team.ada, rid, title="Do", assignee_id=team.bea.user.id, due_on=date(2026, 12, 1)
    )
    await action_items.change_action_item(ctx, team.bea, item.id, ActionItemChanges(done=True))
    await notes.delete_note(ctx, team.bea, note.id)
    events = retro_events(store)[start:]
    assert [e["type"] for e in events] == [
        "note-added",
        "note-edited",
        "action-item-added",
        "action-item-changed",
        "note-deleted",
    ]
    versions = [e["version"] for e in events]
    assert versions == list(range(versions[0], versions[0] + len(events)))
    seen = await reading.get_retro(ctx, team.ada, rid)
    assert seen.version == versions[-1] + 1  # Ada's first read joins her
    assert [i.done for i in seen.action_items] == [True]


async def test_refusals_change_and_announce_nothing(
    retros_ctx: RetrosContext, team: Team, store: MemoryStore, sign_up: SignUp
) -> None:
    ctx = retros_ctx
    rid, topic_id = await _discussing(ctx, team)
    note = await notes.add_note(ctx, team.bea, topic_id, "Said")
    item = await action_items.create_action_item(ctx, team.ada, rid, title="Do")
    before = len(retro_events(store))
    stranger = await sign_up("eve@example.com")
    with pytest.raises(NotNoteAuthor):
        await notes.edit_note(ctx, team.ada, note.id, "Mine")
    with pytest.raises(AssigneeNotFound):
        await action_items.create_action_item(
            ctx, team.ada, rid, title="Do", assignee_id=stranger.user.id
        )
    with pytest.raises(AssigneeNotFound):
        changes = ActionItemChanges(assignee_id=stranger.user.id)
        await action_items.change_action_item(ctx, team.ada, item.id, changes)
    with pytest.raises(ActionItemNotFound):
        await action_items.change_action_item(ctx, stranger, item.id, ActionItemChanges(done=True))
    assert len(retro_events(store)) == before
    seen = await reading.get_retro(ctx, team.bea, rid)
    assert [(i.assignee, i.done) for i in seen.action_items] == [(None, False)]


async def test_open_items_carry_over_and_list_for_their_assignee(
    retros_ctx: RetrosContext, team: Team, clock: MutableClock
) -> None:
    ctx = retros_ctx
    rid, _ = await _discussing(ctx, team)
    kept = await action_items.create_action_item(
        ctx, team.ada, rid, title="Kept", assignee_id=team.bea.user.id
    )
    clock.advance(seconds=1)  # listed oldest first; items made in one instant go by id
    finished = await action_items.create_action_item(ctx, team.ada, rid, title="Finished")
    await action_items.change_action_item(ctx, team.ada, finished.id, ActionItemChanges(done=True))
    clock.advance(minutes=5)
    following = (await retros.create_retro(ctx, team.ada, team.board.id)).retro.id
    seen = await reading.get_retro(ctx, team.bea, following)
    assert [i.id for i in seen.carried_over_action_items] == [kept.id]
    assert seen.action_items == ()
    assert (await reading.get_retro(ctx, team.bea, rid)).carried_over_action_items == ()

    mine = await action_items.my_action_items(ctx, team.bea)
    assert [i.id for i in mine.items] == [kept.id]
    board = await action_items.list_board_action_items(
        ctx, team.bea, team.board.id, ActionItemStatus.ALL, Page()
    )
    assert [i.title for i in board.items] == ["Kept", "Finished"]


async def test_exports_wait_for_discuss_and_render_the_callers_read(
    retros_ctx: RetrosContext, team: Team
) -> None:
    ctx = retros_ctx
    draft = (await retros.create_retro(ctx, team.ada, team.board.id)).retro.id
    with pytest.raises(ExportNotAvailable):
        await exporting.export(ctx, team.ada, draft, ExportFormat.CSV)
    rid, _ = await _discussing(ctx, team)
    exported = await exporting.export(ctx, team.bea, rid, ExportFormat.JSON)
    document = json.loads(exported.content)
    assert document["retro"]["boardName"] == "Board"
    [topic] = document["topics"]
    assert [(c["body"], c["mine"], c["author"]) for c in topic["cards"]] == [("Hello", True, None)]
    assert exported.filename.startswith("retro-")
    assert exported.filename.endswith("-r.json")
