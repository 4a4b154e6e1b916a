"""Read a retro as the caller may see it; the first read makes a member a participant."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from uuid import UUID

from aluzio.application.actor import Actor
from aluzio.application.retros.access import require_retro
from aluzio.application.retros.context import RetrosContext
from aluzio.application.retros.events import retro_changed
from aluzio.application.retros.ports import RetrosUnitOfWork
from aluzio.domain.retros.action_items import ActionItem, carried_over
from aluzio.domain.retros.errors import RetroNotFound
from aluzio.domain.retros.model import (
    Card,
    Participant,
    Phase,
    PhaseChange,
    Retro,
    RetroSection,
    Topic,
    Viewer,
    freeze_sections,
)
from aluzio.domain.retros.notes import Note
from aluzio.domain.retros.visibility import RetroView, retro_view
from aluzio.domain.retros.votes import Vote


async def get_retro(ctx: RetrosContext, actor: Actor, retro_id: UUID) -> RetroView:
    """The retro as the caller may see it: phase history, settings, participants, sections,
    topics and cards, own votes and budget (totals once revealed), the discussion cursor,
    the timer, notes, its action items and the board's open ones carried over. A member
    opening it for the first time joins its participants (a change: version bumped, event
    announced). The number of statements does not grow with the number of cards or topics."""
    now = ctx.clock.now()
    async with ctx.unit_of_work() as uow:
        access = await require_retro(uow, actor, retro_id)
        retro, viewer = access.retro, access.viewer
        participants = list(await uow.participants.of_retro(retro.id))
        if not retro.is_closed and all(p.user_id != viewer.user_id for p in participants):
            # Join under the retro's lock, so the version counts each first read once (a
            # closed retro admits nobody: reading it changes nothing).
            locked = await uow.retros.find(retro_id, lock=True)
            if locked is None:  # deleted meanwhile
                raise RetroNotFound()
            retro = locked
            participants = list(await uow.participants.of_retro(retro.id))
            joined = retro.admit(viewer.user_id, participants=participants, now=now)
            if joined is not None:
                await uow.participants.join(joined)
                participants.append(joined)
                uow.emit(retro_changed(retro, "participant-joined"))
                await uow.commit()
        snapshot = await read_snapshot(uow, retro, participants)
    return snapshot.view_for(viewer)


@dataclass(frozen=True, slots=True)
class RetroSnapshot:
    """Everything a read of the retro may show anyone, loaded once; what one viewer sees of
    it is :meth:`view_for`, through the domain's visibility rule (real time reads once per
    change and serves every viewer from it)."""

    retro: Retro
    history: Sequence[PhaseChange]
    participants: Sequence[Participant]
    sections: Sequence[RetroSection]
    topics: Sequence[Topic]
    cards: Sequence[Card]
    names: Mapping[UUID, str]
    votes: Sequence[Vote]
    notes: Sequence[Note]
    action_items: Sequence[ActionItem]
    carried_over_action_items: Sequence[ActionItem]

    def view_for(self, viewer: Viewer) -> RetroView:
        return retro_view(
            viewer,
            self.retro,
            history=self.history,
            participants=self.participants,
            sections=self.sections,
            topics=self.topics,
            cards=self.cards,
            names=self.names,
            votes=self.votes,
            notes=self.notes,
            action_items=self.action_items,
            carried_over_action_items=self.carried_over_action_items,
        )


async def read_snapshot(
    uow: RetrosUnitOfWork, retro: Retro, participants: Sequence[Participant]
) -> RetroSnapshot:
    """The retro's contents, for a caller whose access was checked."""
    sections: list[RetroSection]
    if retro.current_phase is Phase.DRAFT:
        board = await uow.boards.find(retro.board_id)
        sections = freeze_sections(retro, board.sections if board else [])
    else:
        sections = list(await uow.sections.of_retro(retro.id))
    history = await uow.phase_history.of_retro(retro.id)
    topics = await uow.topics.of_retro(retro.id)
    cards = await uow.cards.of_retro(retro.id)
    votes = await uow.votes.of_retro(retro.id)
    notes = await uow.notes.of_retro(retro.id)
    reviewed = await uow.action_items.reviewed_in(retro)
    own_items = [i for i in reviewed.items if i.retro_id == retro.id]
    carried = carried_over(retro, reviewed.items, retros_opened_at=reviewed.retros_opened_at)
    named = {p.user_id for p in participants}
    if not retro.anonymous:
        named |= {c.author_id for c in cards}
        named |= {n.author_id for n in notes}
    named |= {i.assignee_id for i in [*own_items, *carried] if i.assignee_id is not None}
    names = await uow.people.names(named)
    return RetroSnapshot(
        retro,
        history,
        participants,
        sections,
        topics,
        cards,
        names,
        votes,
        notes,
        own_items,
        carried,
    )
