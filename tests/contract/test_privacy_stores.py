"""What a user made in retros, as the export reads it and the purge erases it: one contract
in memory and in Postgres."""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Callable

import pytest

from aluzio.application.ports.unit_of_work import UnitOfWork
from aluzio.application.privacy.ports import PrivacyUnitOfWork, RetroVersion
from aluzio.domain.retros.model import Topic
from aluzio.domain.retros.votes import Vote
from tests.contract.test_discussion_stores import _item, _note
from tests.contract.test_retro_stores import NOW, Work, _card, _started, _world, work

__all__ = ["work"]  # the fixture, over both storages

Privacy = Callable[[], PrivacyUnitOfWork]


@pytest.fixture
def privacy(new_unit_of_work: Callable[[], UnitOfWork]) -> Privacy:
    return lambda: PrivacyUnitOfWork(new_unit_of_work())


async def test_personal_content_pages_and_the_purge_erases_it(work: Work, privacy: Privacy) -> None:
    world = await _world(work)
    ada, bea = world.ada, world.bea
    retro = await _started(work, world)
    only_bea = Topic(uuid.uuid4(), retro.id, None, NOW)
    shared = Topic(uuid.uuid4(), retro.id, None, NOW)
    section = world.board.sections[0].id
    bea_cards = [_card(retro, section, only_bea, bea, 0), _card(retro, section, only_bea, bea, 1)]
    ada_card = _card(retro, section, shared, ada, 0)
    votes = [
        Vote(uuid.uuid4(), retro.id, only_bea.id, ada.id, NOW),  # goes with Bea's topic
        Vote(uuid.uuid4(), retro.id, shared.id, ada.id, NOW),
        Vote(uuid.uuid4(), retro.id, shared.id, bea.id, NOW),
    ]
    ada_note_on_bea, bea_note = _note(retro, only_bea, ada.id), _note(retro, shared, bea.id)
    bea_item = dataclasses.replace(_item(retro, world), created_by=bea.id)
    ada_item = _item(retro, world, assignee_id=bea.id)
    async with work() as uow:
        await uow.topics.add(only_bea)
        await uow.topics.add(shared)
        for card in [*bea_cards, ada_card]:
            await uow.cards.add(card)
        for vote in votes:
            await uow.votes.add(vote)
        await uow.notes.add(ada_note_on_bea)
        await uow.notes.add(bea_note)
        await uow.action_items.add(bea_item)
        await uow.action_items.add(ada_item)
        await uow.commit()

    async with privacy() as uow:
        content = uow.personal_content
        first = await content.cards(bea.id, None, 1)
        rest = await content.cards(bea.id, first[0].id, 10)
        assert [c.id for c in [*first, *rest]] == sorted(c.id for c in bea_cards)
        assert {(c.section_title, c.anonymous) for c in rest} == {("Start", retro.anonymous)}
        assert [n.id for n in await content.notes(bea.id, None, 10)] == [bea_note.id]
        assert [v.id for v in await content.votes(bea.id, None, 10)] == [votes[2].id]
        found = {
            i.id: (i.created_by_user, i.assigned_to_user)
            for i in await content.action_items(bea.id, None, 10)
        }
        assert found == {bea_item.id: (True, False), ada_item.id: (False, True)}
        assert [(b.id, b.organization_slug) for b in await content.boards(bea.id, None, 10)] == [
            (world.board.id, "acme")
        ]
        [facilitated] = await content.retros_facilitated(ada.id, None, 10)
        assert (facilitated.id, facilitated.board_name, facilitated.phase) == (
            retro.id,
            "Team board",
            "reflect",
        )
        assert facilitated.last_phase_change_at == NOW
        assert await content.retros_facilitated(bea.id, None, 10) == []

    async with privacy() as uow:
        user = await uow.erasures.lock(bea.id)
        assert user is not None
        changed = await uow.erasures.erase(user)
        await uow.commit()
    assert changed == [RetroVersion(retro.id, retro.version + 1)]

    async with privacy() as uow:
        content = uow.personal_content
        for read in (content.cards, content.notes, content.votes, content.action_items):
            assert await read(bea.id, None, 10) == []
        # Ada's own stay, but what was on Bea's topic went with it.
        assert [c.id for c in await content.cards(ada.id, None, 10)] == [ada_card.id]
        assert [v.id for v in await content.votes(ada.id, None, 10)] == [votes[1].id]
        assert await content.notes(ada.id, None, 10) == []
        [kept] = await content.action_items(ada.id, None, 10)
        assert (kept.id, kept.created_by_user, kept.assigned_to_user) == (ada_item.id, True, False)
    async with work() as uow:
        assert await uow.topics.find(only_bea.id) is None
        assert await uow.topics.find(shared.id) is not None
        found_item = await uow.action_items.find(ada_item.id)
        assert found_item is not None
        assert found_item.assignee_id is None
        assert await uow.action_items.find(bea_item.id) is None
