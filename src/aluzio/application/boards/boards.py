"""Create, list, read, rename and delete boards; replace their sections.

Every use case finds the organization first (by slug, or through the board with
:func:`~aluzio.application.boards.access.require_board`), so a caller who is not a member
meets a 404; changes then need a verified email address.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from uuid import UUID

from aluzio.application.actor import Actor
from aluzio.application.authorization import require_user
from aluzio.application.boards.access import BoardAccess, require_board
from aluzio.application.boards.context import BoardsContext
from aluzio.application.organizations.access import OrgAccess, require_membership
from aluzio.application.pagination import Page, Paged
from aluzio.domain.boards.errors import BoardLimitReached
from aluzio.domain.boards.model import (
    MAX_BOARDS_PER_ORGANIZATION,
    TEMPLATES,
    Board,
    SectionDraft,
    Template,
    sections_for,
)

# A page of boards holds at most this many (each carries up to 12 sections).
MAX_BOARDS_PER_PAGE = 50


@dataclass(frozen=True, slots=True)
class SectionFields:
    """A section as the caller sent it; the domain checks it once access is granted.
    ``id`` names a section the board keeps."""

    title: str
    prompt: str | None = None
    color: str | None = None
    id: UUID | None = None


@dataclass(frozen=True, slots=True)
class BoardPage:
    """One page of an organization's boards, and the page actually served."""

    access: OrgAccess
    boards: Paged[Board]
    page: Page


def board_templates() -> Sequence[Template]:
    """The built-in templates, in a fixed order."""
    return TEMPLATES


def _drafts(sections: Sequence[SectionFields]) -> list[SectionDraft]:
    return [SectionDraft(s.title, s.prompt, s.color, s.id) for s in sections]


async def create_board(
    ctx: BoardsContext,
    actor: Actor,
    slug: str,
    *,
    name: str,
    template_key: str | None = None,
    sections: Sequence[SectionFields] | None = None,
) -> BoardAccess:
    """A new board in the organization, with a template's sections or custom ones."""
    user = require_user(actor).user
    now = ctx.clock.now()
    async with ctx.unit_of_work() as uow:
        # The organization's row is held, so concurrent creations count one after the other.
        access = await require_membership(uow, actor, slug, lock=True)
        user.require_verified_email()
        drafts = sections_for(template_key, None if sections is None else _drafts(sections))
        board = Board.create(
            id=ctx.new_id(),
            organization_id=access.organization.id,
            name=name,
            sections=drafts,
            created_by=user.id,
            now=now,
            new_id=ctx.new_id,
        )
        if await uow.boards.count_of_organization(access.organization.id) >= (
            MAX_BOARDS_PER_ORGANIZATION
        ):
            raise BoardLimitReached()
        board = await uow.boards.add(board)
        await uow.commit()
    return BoardAccess(board, access)


async def list_boards(
    ctx: BoardsContext, actor: Actor, slug: str, page: Page | None = None
) -> BoardPage:
    """The organization's boards, newest first, at most 50 a page."""
    page = page or Page()
    if page.limit > MAX_BOARDS_PER_PAGE:
        page = Page(limit=MAX_BOARDS_PER_PAGE, offset=page.offset)
    async with ctx.unit_of_work() as uow:
        access = await require_membership(uow, actor, slug)
        found = await uow.boards.page_of_organization(access.organization.id, page)
    return BoardPage(access, found, page)


async def get_board(ctx: BoardsContext, actor: Actor, board_id: UUID) -> BoardAccess:
    async with ctx.unit_of_work() as uow:
        return await require_board(uow, actor, board_id)


async def rename_board(ctx: BoardsContext, actor: Actor, board_id: UUID, name: str) -> BoardAccess:
    """Any member renames a board."""
    async with ctx.unit_of_work() as uow:
        reached = await require_board(uow, actor, board_id, lock=True)
        require_user(actor).user.require_verified_email()
        reached.board.rename(name)
        await uow.boards.update(reached.board)
        await uow.commit()
    return reached


async def replace_sections(
    ctx: BoardsContext, actor: Actor, board_id: UUID, sections: Sequence[SectionFields]
) -> BoardAccess:
    """Any member replaces the board's ordered sections; a kept section keeps its id.
    Retros that have started keep the sections they started with."""
    async with ctx.unit_of_work() as uow:
        reached = await require_board(uow, actor, board_id, lock=True)
        require_user(actor).user.require_verified_email()
        reached.board.replace_sections(_drafts(sections), ctx.new_id)
        await uow.boards.update(reached.board)
        await uow.commit()
    return reached


async def delete_board(ctx: BoardsContext, actor: Actor, board_id: UUID) -> None:
    """The board's creator, or an admin or owner of its organization, deletes it, and its
    retros with it."""
    async with ctx.unit_of_work() as uow:
        reached = await require_board(uow, actor, board_id, lock=True)
        user = require_user(actor).user
        user.require_verified_email()
        reached.board.check_deletable_by(user.id, reached.access.role)
        await uow.boards.delete(reached.board.id)
        await uow.commit()
