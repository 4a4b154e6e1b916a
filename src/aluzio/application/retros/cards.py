"""Write, edit, delete and move cards; name topics. Each answers the card or topic as the
caller may see it (the visibility rule), never more."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from uuid import UUID

from aluzio.application.actor import Actor
from aluzio.application.retros.access import (
    RetroAccess,
    require_card,
    require_retro,
    require_topic,
)
from aluzio.application.retros.context import RetrosContext
from aluzio.application.retros.events import retro_changed
from aluzio.application.retros.ports import RetrosUnitOfWork
from aluzio.domain.boards.errors import SectionNotFound
from aluzio.domain.retros import cards as rules
from aluzio.domain.retros.errors import TopicNotFound
from aluzio.domain.retros.model import WRITING_PHASES, Card, Topic
from aluzio.domain.retros.visibility import CardView, HiddenCard, TopicView, card_view, topic_view


async def add_card(
    ctx: RetrosContext, actor: Actor, retro_id: UUID, section_id: UUID, body: str
) -> CardView:
    """A new card, in reflect or group, in a topic of its own."""
    now = ctx.clock.now()
    async with ctx.unit_of_work() as uow:
        access = await require_retro(uow, actor, retro_id, change=True)
        retro = access.retro
        section = await uow.sections.find(retro.id, section_id)
        if retro.current_phase in WRITING_PHASES and section is None:
            raise SectionNotFound()  # another retro's section is not found, like any id
        topic, card = rules.add_card(
            retro,
            author=access.viewer,
            section_id=section_id,
            body=body,
            sections=[section] if section is not None else [],
            card_count=await uow.cards.count(retro.id),
            card_id=ctx.new_id(),
            topic_id=ctx.new_id(),
            now=now,
        )
        await uow.topics.add(topic)
        card = await uow.cards.add(card)
        uow.emit(retro_changed(retro, "card-added"))
        seen = await _seen(uow, access, card)
        await uow.commit()
    return seen


async def edit_card(ctx: RetrosContext, actor: Actor, card_id: UUID, body: str) -> CardView:
    """The author rewrites their card, in reflect or group."""
    now = ctx.clock.now()
    async with ctx.unit_of_work() as uow:
        access, card = await require_card(uow, actor, card_id)
        rules.edit_card(access.retro, card, by=access.viewer, body=body, now=now)
        uow.emit(retro_changed(access.retro, "card-edited"))
        seen = await _seen(uow, access, card)
        await uow.commit()
    return seen


async def delete_card(ctx: RetrosContext, actor: Actor, card_id: UUID) -> None:
    """The author deletes their card, in reflect or group; a topic left empty goes too."""
    async with ctx.unit_of_work() as uow:
        access, card = await require_card(uow, actor, card_id)
        removal = rules.delete_card(
            access.retro,
            card,
            by=access.viewer,
            cards=await uow.cards.in_topics([card.topic_id]),
            now=ctx.clock.now(),
        )
        await uow.cards.delete(card.id)
        if removal.emptied_topic_id is not None:
            await uow.topics.delete(removal.emptied_topic_id)
        uow.emit(retro_changed(access.retro, "card-deleted"))
        await uow.commit()


async def move_card(
    ctx: RetrosContext,
    actor: Actor,
    card_id: UUID,
    topic_id: UUID | None,
    position: int | None = None,
) -> CardView:
    """In group, any participant moves a card into a topic (at ``position``, else last), or
    with no topic into a new topic of its own; a topic left empty disappears."""
    now = ctx.clock.now()
    async with ctx.unit_of_work() as uow:
        access, card = await require_card(uow, actor, card_id)
        retro = access.retro
        target: Topic | None = None
        if topic_id is not None:
            target = await uow.topics.find(topic_id)
            if target is None or target.retro_id != retro.id:
                raise TopicNotFound()
        topics = {card.topic_id} | ({target.id} if target else set())
        move = rules.move_card(
            retro,
            card,
            to_topic=target,
            cards=await uow.cards.in_topics(topics),
            new_topic_id=ctx.new_id(),
            now=now,
            position=position,
        )
        if move.created_topic is not None:
            await uow.topics.add(move.created_topic)
        if move.emptied_topic_id is not None:
            await uow.topics.delete(move.emptied_topic_id)
        if move.changed:
            uow.emit(retro_changed(retro, "card-moved"))
        seen = await _seen(uow, access, card)
        await uow.commit()
    return seen


async def rename_topic(
    ctx: RetrosContext, actor: Actor, topic_id: UUID, title: str | None
) -> TopicView:
    """In group, any participant names a topic (blank clears the name)."""
    async with ctx.unit_of_work() as uow:
        access, topic = await require_topic(uow, actor, topic_id)
        rules.rename_topic(access.retro, topic, title=title, now=ctx.clock.now())
        uow.emit(retro_changed(access.retro, "topic-renamed"))
        cards = await uow.cards.in_topics([topic.id])
        names = await _author_names(uow, access, cards)
        # The caller's own votes (kept when going back from vote), for ``myVotes``.
        mine = await uow.votes.of_voter(access.retro.id, access.viewer.user_id)
        seen = topic_view(access.viewer, access.retro, topic, cards, names, votes=mine)
        await uow.commit()
    if seen is None:  # renaming is for group on, where every card shows
        raise TopicNotFound()
    return seen


async def _author_names(
    uow: RetrosUnitOfWork, access: RetroAccess, cards: Sequence[Card]
) -> Mapping[UUID, str]:
    """Authors' names, for a named retro only (an anonymous one never shows them)."""
    if access.retro.anonymous or not cards:
        return {}
    return await uow.people.names({c.author_id for c in cards})


async def _seen(uow: RetrosUnitOfWork, access: RetroAccess, card: Card) -> CardView:
    names = await _author_names(uow, access, [card])
    seen = card_view(access.viewer, access.retro, card, names)
    if isinstance(seen, HiddenCard):  # the caller wrote or moved it: they see it
        raise AssertionError("a card its writer or mover cannot see")
    return seen
