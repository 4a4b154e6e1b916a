"""Postgres repositories for notes and action items (records as in :mod:`.accounts`)."""

from __future__ import annotations

from typing import Any, ClassVar
from uuid import UUID

from advanced_alchemy.repository import SQLAlchemyAsyncRepository
from sqlalchemy import ColumnElement, FromClause, and_, delete, func, or_, select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapper, registry

from aluzio.adapters.postgres.records import as_record
from aluzio.adapters.postgres.tables.discussion import action_items, notes
from aluzio.adapters.postgres.tables.organizations import org_memberships
from aluzio.adapters.postgres.tables.retros import retros
from aluzio.adapters.postgres.unit_of_work import PostgresRepositories, SessionScope
from aluzio.application.pagination import Page, Paged
from aluzio.application.retros.ports import ACTION_ITEMS, NOTES, ReviewedItems
from aluzio.domain.retros.action_items import ActionItem, ActionItemStatus
from aluzio.domain.retros.model import Retro
from aluzio.domain.retros.notes import Note


class NoteRecord(Note):
    __table__: ClassVar[FromClause]
    __mapper__: ClassVar[Mapper[Any]]


class ActionItemRecord(ActionItem):
    __table__: ClassVar[FromClause]
    __mapper__: ClassVar[Mapper[Any]]


def map_discussion(mappers: registry) -> None:
    mappers.map_imperatively(NoteRecord, notes)
    mappers.map_imperatively(ActionItemRecord, action_items)


class _Notes(SQLAlchemyAsyncRepository[NoteRecord]):
    model_type = NoteRecord


class _ActionItems(SQLAlchemyAsyncRepository[ActionItemRecord]):
    model_type = ActionItemRecord


_ITEM_ORDER = (action_items.c.created_at, action_items.c.id)


class PostgresNoteRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session
        self._rows = _Notes(session=session)

    async def add(self, data: Note) -> Note:
        return await self._rows.add(as_record(NoteRecord, data))

    async def find(self, note_id: UUID) -> Note | None:
        result = await self._session.execute(
            select(NoteRecord)
            .where(notes.c.id == note_id)
            .execution_options(populate_existing=True)
        )
        return result.scalar_one_or_none()

    async def of_retro(self, retro_id: UUID) -> list[Note]:
        # For reading: plain entities, not tracked by the session (as cards).
        result = await self._session.execute(
            select(*notes.c)
            .where(notes.c.retro_id == retro_id)
            .order_by(notes.c.created_at, notes.c.id)
        )
        return [Note(**row) for row in result.mappings()]

    async def count(self, retro_id: UUID) -> int:
        return await self._rows.count(notes.c.retro_id == retro_id)

    async def delete(self, note_id: UUID) -> None:
        await self._session.flush()
        await self._session.execute(delete(notes).where(notes.c.id == note_id))


def _admitted(status: ActionItemStatus) -> ColumnElement[bool]:
    if status is ActionItemStatus.ALL:
        return action_items.c.done.is_not(None)
    return action_items.c.done.is_(status is ActionItemStatus.DONE)


class PostgresActionItemRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session
        self._rows = _ActionItems(session=session)

    async def add(self, data: ActionItem) -> ActionItem:
        return await self._rows.add(as_record(ActionItemRecord, data))

    async def find(self, item_id: UUID) -> ActionItem | None:
        result = await self._session.execute(
            select(ActionItemRecord)
            .where(action_items.c.id == item_id)
            .execution_options(populate_existing=True)
        )
        return result.scalar_one_or_none()

    async def count(self, retro_id: UUID) -> int:
        return await self._rows.count(action_items.c.retro_id == retro_id)

    async def reviewed_in(self, retro: Retro) -> ReviewedItems:
        result = await self._session.execute(
            select(*action_items.c, retros.c.created_at.label("retro_opened_at"))
            .join(retros, retros.c.id == action_items.c.retro_id)
            .where(
                or_(
                    action_items.c.retro_id == retro.id,
                    and_(
                        action_items.c.board_id == retro.board_id,
                        action_items.c.done.is_(False),
                        tuple_(retros.c.created_at, retros.c.id)
                        < tuple_(retro.created_at, retro.id),
                    ),
                )
            )
            .order_by(*_ITEM_ORDER)
        )
        items, opened_at = [], {}
        for row in result.mappings():
            values = dict(row)
            opened_at[values["retro_id"]] = values.pop("retro_opened_at")
            items.append(ActionItem(**values))
        return ReviewedItems(items=items, retros_opened_at=opened_at)

    async def page_of_board(
        self, board_id: UUID, status: ActionItemStatus, page: Page
    ) -> Paged[ActionItem]:
        return await self._page(
            and_(action_items.c.board_id == board_id, _admitted(ActionItemStatus(status))), page
        )

    async def page_assigned_to(
        self, user_id: UUID, status: ActionItemStatus, page: Page
    ) -> Paged[ActionItem]:
        member_of = select(org_memberships.c.organization_id).where(
            org_memberships.c.user_id == user_id
        )
        return await self._page(
            and_(
                action_items.c.assignee_id == user_id,
                action_items.c.organization_id.in_(member_of),
                _admitted(ActionItemStatus(status)),
            ),
            page,
        )

    async def _page(self, where: ColumnElement[bool], page: Page) -> Paged[ActionItem]:
        # One statement: the page and the count of everything the filter admits.
        result = await self._session.execute(
            select(*action_items.c, func.count().over().label("total"))
            .where(where)
            .order_by(*_ITEM_ORDER)
            .limit(page.limit)
            .offset(page.offset)
        )
        rows = [dict(row) for row in result.mappings()]
        total: int = rows[0]["total"] if rows else 0
        if not rows and page.offset:  # past the end: count apart
            counted = select(func.count()).select_from(action_items).where(where)
            total = (await self._session.execute(counted)).scalar_one()
        for row in rows:
            del row["total"]
        return Paged(items=[ActionItem(**row) for row in rows], total=total)


def register_postgres_discussion(repositories: PostgresRepositories) -> None:
    def notes_(scope: SessionScope) -> PostgresNoteRepository:
        return PostgresNoteRepository(scope.session)

    def items(scope: SessionScope) -> PostgresActionItemRepository:
        return PostgresActionItemRepository(scope.session)

    repositories.register(NOTES, notes_)
    repositories.register(ACTION_ITEMS, items)
