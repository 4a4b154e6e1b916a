"""Postgres board repository: the board's row is a record (as in :mod:`.accounts`); its
sections, an ordered list that is always replaced whole, are rows written and read with
plain statements."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Any, ClassVar
from uuid import UUID

from advanced_alchemy.filters import LimitOffset, OrderBy
from advanced_alchemy.repository import SQLAlchemyAsyncRepository
from sqlalchemy import FromClause, delete, insert, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapper, registry

from aluzio.adapters.postgres.records import as_record
from aluzio.adapters.postgres.tables.boards import board_sections, boards
from aluzio.adapters.postgres.unit_of_work import PostgresRepositories, SessionScope
from aluzio.application.boards.ports import BOARDS
from aluzio.application.pagination import Page, Paged
from aluzio.domain.boards.model import Board, Section


class BoardRecord(Board):
    """The board's row; ``sections`` is a plain attribute the repository fills."""

    __table__: ClassVar[FromClause]
    __mapper__: ClassVar[Mapper[Any]]


def map_boards(mappers: registry) -> None:
    mappers.map_imperatively(BoardRecord, boards)


class _Boards(SQLAlchemyAsyncRepository[BoardRecord]):
    model_type = BoardRecord


class PostgresBoardRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session
        self._rows = _Boards(session=session)

    async def add(self, data: Board) -> Board:
        board = await self._rows.add(as_record(BoardRecord, data))
        await self._insert_sections(board)
        return board

    async def find(self, board_id: UUID, *, lock: bool = False) -> Board | None:
        query = select(BoardRecord).where(boards.c.id == board_id)
        if lock:
            # SELECT ... FOR UPDATE: changes to one board are decided one after the other.
            query = query.with_for_update()
        result = await self._session.execute(query.execution_options(populate_existing=True))
        board = result.scalar_one_or_none()
        if board is not None:
            await self._attach_sections([board])
        return board

    async def page_of_organization(self, organization_id: UUID, page: Page) -> Paged[Board]:
        of_organization = boards.c.organization_id == organization_id
        items, total = await self._rows.get_many_and_count(
            of_organization,
            OrderBy(field_name="created_at", sort_order="desc"),
            OrderBy(field_name="id", sort_order="desc"),
            LimitOffset(limit=page.limit, offset=page.offset),
        )
        if not items and page.offset:
            total = await self._rows.count(of_organization)
        await self._attach_sections(items)
        return Paged(items=items, total=total)

    async def count_of_organization(self, organization_id: UUID) -> int:
        return await self._rows.count(boards.c.organization_id == organization_id)

    async def update(self, data: Board) -> None:
        # The name travels with the record; the sections are replaced whole, ids kept.
        board = as_record(BoardRecord, data)
        if board is not data:
            board = await self._session.merge(board)
        await self._session.flush()
        await self._session.execute(
            delete(board_sections).where(board_sections.c.board_id == data.id)
        )
        await self._insert_sections(data)

    async def delete(self, board_id: UUID) -> None:
        # ON DELETE CASCADE removes its sections and its retros.
        await self._session.flush()
        await self._session.execute(delete(boards).where(boards.c.id == board_id))

    async def _insert_sections(self, board: Board) -> None:
        await self._session.execute(
            insert(board_sections),
            [
                {
                    "id": section.id,
                    "board_id": board.id,
                    "position": position,
                    "title": section.title,
                    "prompt": section.prompt,
                    "color": section.color,
                }
                for position, section in enumerate(board.sections)
            ],
        )

    async def _attach_sections(self, found: Sequence[Board]) -> None:
        if not found:
            return
        result = await self._session.execute(
            select(
                board_sections.c.board_id,
                board_sections.c.id,
                board_sections.c.title,
                board_sections.c.prompt,
                board_sections.c.color,
            )
            .where(board_sections.c.board_id.in_([board.id for board in found]))
            .order_by(board_sections.c.board_id, board_sections.c.position)
        )
        by_board: dict[UUID, list[Section]] = defaultdict(list)
        for board_id, section_id, title, prompt, color in result.all():
            by_board[board_id].append(Section(section_id, title, prompt, color))
        for board in found:
            board.sections = by_board[board.id]


def register_postgres_boards(repositories: PostgresRepositories) -> None:
    def boards_(scope: SessionScope) -> PostgresBoardRepository:
        return PostgresBoardRepository(scope.session)

    repositories.register(BOARDS, boards_)
