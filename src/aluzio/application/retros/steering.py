"""What whoever steers a retro does besides changing its phase: point the discussion at a
topic, and set or stop the countdown everyone sees."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from aluzio.application.actor import Actor
from aluzio.application.retros.access import require_retro
from aluzio.application.retros.context import RetrosContext
from aluzio.application.retros.events import retro_changed
from aluzio.domain.retros import discussion, timer
from aluzio.domain.retros.errors import TopicNotFound
from aluzio.domain.retros.model import Retro


@dataclass(frozen=True, slots=True)
class Steered:
    """Where the retro stands after the change."""

    version: int
    discussion_topic_id: UUID | None
    timer_ends_at: datetime | None

    @classmethod
    def of(cls, retro: Retro) -> Steered:
        return cls(retro.version, retro.discussion_topic_id, retro.timer_ends_at)


async def move_discussion(
    ctx: RetrosContext, actor: Actor, retro_id: UUID, topic_id: UUID
) -> Steered:
    """Point everyone at one of the retro's topics, in discuss (facilitator, admins,
    owners)."""
    async with ctx.unit_of_work() as uow:
        access = await require_retro(uow, actor, retro_id, change=True)
        retro = access.retro
        discussion.check_may_steer_discussion(retro, by=access.viewer)
        topic = await uow.topics.find(topic_id)
        if topic is None or topic.retro_id != retro.id:
            raise TopicNotFound()
        if discussion.move_discussion(retro, topic, by=access.viewer, now=ctx.clock.now()):
            uow.emit(retro_changed(retro, "discussion-moved"))
        await uow.commit()
    return Steered.of(retro)


async def set_timer(ctx: RetrosContext, actor: Actor, retro_id: UUID, seconds: int) -> Steered:
    """Start (or restart) a countdown of ``seconds`` from now, in server time."""
    now = ctx.clock.now()
    async with ctx.unit_of_work() as uow:
        access = await require_retro(uow, actor, retro_id, change=True)
        retro = access.retro
        timer.set_timer(retro, by=access.viewer, seconds=seconds, now=now)
        uow.emit(retro_changed(retro, "timer-set"))
        await uow.commit()
    return Steered.of(retro)


async def clear_timer(ctx: RetrosContext, actor: Actor, retro_id: UUID) -> None:
    """Stop the countdown (nothing changes when none runs)."""
    async with ctx.unit_of_work() as uow:
        access = await require_retro(uow, actor, retro_id, change=True)
        if timer.clear_timer(access.retro, by=access.viewer, now=ctx.clock.now()):
            uow.emit(retro_changed(access.retro, "timer-cleared"))
        await uow.commit()
