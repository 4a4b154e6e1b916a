"""Create, list, change and delete retros; move them through their phases; hand over the
facilitator's role."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import Enum
from uuid import UUID

from aluzio.application.actor import Actor, SystemActor
from aluzio.application.authorization import require_user
from aluzio.application.boards.access import require_board
from aluzio.application.pagination import Page, Paged
from aluzio.application.retros.access import require_retro
from aluzio.application.retros.context import RetrosContext
from aluzio.application.retros.events import retro_changed
from aluzio.application.retros.ports import RetrosUnitOfWork
from aluzio.domain.organizations.errors import MemberNotFound
from aluzio.domain.retros.closing import close_if_idle
from aluzio.domain.retros.errors import PhaseNotAllowed, RetroNotFound
from aluzio.domain.retros.model import Phase, PhaseChange, Retro, freeze_sections
from aluzio.domain.retros.settings import DEFAULT_VOTE_BUDGET, RetroSettings


class Keep(Enum):
    """A setting the change leaves as it is."""

    KEEP = "keep"


KEEP = Keep.KEEP


@dataclass(frozen=True, slots=True)
class RetroSummary:
    """A retro with its phase history (each phase's start and end derive from it)."""

    retro: Retro
    history: Sequence[PhaseChange]


async def create_retro(
    ctx: RetrosContext,
    actor: Actor,
    board_id: UUID,
    *,
    title: str | None = None,
    vote_budget: int = DEFAULT_VOTE_BUDGET,
    max_votes_per_topic: int | None = None,
    anonymous: bool = True,
) -> RetroSummary:
    """A new retro on the board, in draft; its creator facilitates it."""
    now = ctx.clock.now()
    async with ctx.unit_of_work() as uow:
        board = await require_board(uow, actor, board_id)
        user = require_user(actor).user
        user.require_verified_email()
        settings = RetroSettings.parse(
            title=title,
            vote_budget=vote_budget,
            max_votes_per_topic=max_votes_per_topic,
            anonymous=anonymous,
        )
        new, created = Retro.open(
            id=ctx.new_id(),
            board_id=board.board.id,
            organization_id=board.board.organization_id,
            settings=settings,
            created_by=user.id,
            now=now,
        )
        retro = await uow.retros.add(new)
        await uow.phase_history.add(created)
        uow.emit(retro_changed(retro, "retro-created"))
        await uow.commit()
    return RetroSummary(retro, [created])


async def list_retros(
    ctx: RetrosContext, actor: Actor, board_id: UUID, page: Page | None = None
) -> Paged[RetroSummary]:
    """The board's retros, newest first, with their phase history."""
    async with ctx.unit_of_work() as uow:
        await require_board(uow, actor, board_id)
        found = await uow.retros.page_of_board(board_id, page or Page())
        history = await uow.phase_history.of_retros([r.id for r in found.items])
    return Paged(
        items=[RetroSummary(r, history.get(r.id, [])) for r in found.items], total=found.total
    )


async def update_retro(
    ctx: RetrosContext,
    actor: Actor,
    retro_id: UUID,
    *,
    title: str | Keep | None = KEEP,
    vote_budget: int | Keep = KEEP,
    max_votes_per_topic: int | Keep = KEEP,
    anonymous: bool | Keep = KEEP,
) -> RetroSummary:
    """Change the title and settings while in draft (the facilitator, admins, owners).
    A new budget below the votes per topic lowers those to the budget unless both are
    given."""
    async with ctx.unit_of_work() as uow:
        access = await require_retro(uow, actor, retro_id, change=True)
        retro = access.retro
        budget = retro.vote_budget if isinstance(vote_budget, Keep) else vote_budget
        per_topic = (
            min(retro.max_votes_per_topic, budget)
            if isinstance(max_votes_per_topic, Keep)
            else max_votes_per_topic
        )
        settings = RetroSettings.parse(
            title=retro.title if isinstance(title, Keep) else title,
            vote_budget=budget,
            max_votes_per_topic=per_topic,
            anonymous=retro.anonymous if isinstance(anonymous, Keep) else anonymous,
        )
        retro.change_settings(settings, by=access.viewer, now=ctx.clock.now())
        uow.emit(retro_changed(retro, "retro-updated"))
        history = await uow.phase_history.of_retro(retro.id)
        await uow.commit()
    return RetroSummary(retro, history)


async def delete_retro(ctx: RetrosContext, actor: Actor, retro_id: UUID) -> None:
    """Delete the retro and everything in it (the facilitator, admins, owners)."""
    async with ctx.unit_of_work() as uow:
        access = await require_retro(uow, actor, retro_id, change=True)
        retro = access.retro
        retro.check_deletion(by=access.viewer)
        retro.record_change(ctx.clock.now())
        uow.emit(retro_changed(retro, "retro-deleted"))
        await uow.retros.delete(retro_id)
        await uow.commit()


async def change_phase(ctx: RetrosContext, actor: Actor, retro_id: UUID, to: Phase) -> RetroSummary:
    """Move the retro one phase forward, or back one from group, vote or discuss (the
    facilitator, admins, owners). Starting it freezes the board's sections into it.

    The system (the idle-closing job) only closes, and only a started retro unchanged for
    ``ctx.idle_close_after``: decided under the retro's lock, so a retro changed or closed
    meanwhile is refused (``phase-not-allowed``) and is closed at most once."""
    now = ctx.clock.now()
    async with ctx.unit_of_work() as uow:
        retro, change = await _decide_phase_change(ctx, uow, actor, retro_id, to, now)
        if change.starts_retro:
            board = await uow.boards.find(retro.board_id)
            await uow.sections.add_all(freeze_sections(retro, board.sections if board else []))
        await uow.phase_history.add(change)
        uow.emit(retro_changed(retro, "phase-changed"))
        history = await uow.phase_history.of_retro(retro.id)
        await uow.commit()
    return RetroSummary(retro, history)


async def _decide_phase_change(
    ctx: RetrosContext,
    uow: RetrosUnitOfWork,
    actor: Actor,
    retro_id: UUID,
    to: Phase,
    now: datetime,
) -> tuple[Retro, PhaseChange]:
    if isinstance(actor, SystemActor):
        retro = await uow.retros.find(retro_id, lock=True)
        if retro is None:
            raise RetroNotFound()
        closing = (
            close_if_idle(retro, now=now, idle_for=ctx.idle_close_after)
            if Phase(to) is Phase.CLOSED
            else None
        )
        if closing is None:
            raise PhaseNotAllowed("The system closes only a started retro left idle.")
        return retro, closing
    access = await require_retro(uow, actor, retro_id, change=True)
    return access.retro, access.retro.change_phase(to, by=access.viewer, now=now)


async def hand_over(
    ctx: RetrosContext, actor: Actor, retro_id: UUID, user_id: UUID
) -> RetroSummary:
    """Make another member of the organization the facilitator (the facilitator, admins,
    owners)."""
    async with ctx.unit_of_work() as uow:
        access = await require_retro(uow, actor, retro_id, change=True)
        retro = access.retro
        retro.check_facilitation(access.viewer)
        if await uow.memberships.find(retro.organization_id, user_id) is None:
            raise MemberNotFound()
        if retro.hand_over(user_id, by=access.viewer, now=ctx.clock.now()):
            uow.emit(retro_changed(retro, "facilitator-changed"))
        history = await uow.phase_history.of_retro(retro.id)
        await uow.commit()
    return RetroSummary(retro, history)
