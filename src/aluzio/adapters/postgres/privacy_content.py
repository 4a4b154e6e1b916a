"""What a user made in retros, read a page at a time for their export (keyset by id)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from uuid import UUID

from sqlalchemy import Select, and_, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from aluzio.adapters.postgres.tables.boards import boards
from aluzio.adapters.postgres.tables.discussion import action_items, notes
from aluzio.adapters.postgres.tables.organizations import organizations
from aluzio.adapters.postgres.tables.retros import (
    cards,
    retro_phase_changes,
    retro_sections,
    retros,
    votes,
)
from aluzio.adapters.postgres.unit_of_work import PostgresRepositories, SessionScope
from aluzio.application.privacy.ports import (
    PERSONAL_CONTENT,
    FacilitatedRetro,
    OwnActionItem,
    OwnBoard,
    OwnCard,
    OwnNote,
    OwnVote,
)


class PostgresPersonalContent:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def _page(
        self, query: Select[Any], id_column: Any, after: UUID | None, limit: int
    ) -> Sequence[Any]:
        if after is not None:
            query = query.where(id_column > after)
        result = await self._session.execute(query.order_by(id_column).limit(limit))
        return list(result.all())

    async def boards(self, user_id: UUID, after: UUID | None, limit: int) -> Sequence[OwnBoard]:
        query = (
            select(boards.c.id, boards.c.name, organizations.c.slug, boards.c.created_at)
            .join(organizations, organizations.c.id == boards.c.organization_id)
            .where(boards.c.created_by == user_id)
        )
        return [OwnBoard(*row) for row in await self._page(query, boards.c.id, after, limit)]

    async def cards(self, user_id: UUID, after: UUID | None, limit: int) -> Sequence[OwnCard]:
        query = (
            select(
                cards.c.id,
                cards.c.retro_id,
                cards.c.topic_id,
                retro_sections.c.title,
                cards.c.body,
                retros.c.anonymous,
                cards.c.created_at,
                cards.c.updated_at,
            )
            .join(retros, retros.c.id == cards.c.retro_id)
            .join(
                retro_sections,
                and_(
                    retro_sections.c.retro_id == cards.c.retro_id,
                    retro_sections.c.id == cards.c.section_id,
                ),
            )
            .where(cards.c.author_id == user_id)
        )
        return [OwnCard(*row) for row in await self._page(query, cards.c.id, after, limit)]

    async def notes(self, user_id: UUID, after: UUID | None, limit: int) -> Sequence[OwnNote]:
        query = (
            select(
                notes.c.id,
                notes.c.retro_id,
                notes.c.topic_id,
                notes.c.body,
                retros.c.anonymous,
                notes.c.created_at,
                notes.c.updated_at,
            )
            .join(retros, retros.c.id == notes.c.retro_id)
            .where(notes.c.author_id == user_id)
        )
        return [OwnNote(*row) for row in await self._page(query, notes.c.id, after, limit)]

    async def votes(self, user_id: UUID, after: UUID | None, limit: int) -> Sequence[OwnVote]:
        query = select(votes.c.id, votes.c.retro_id, votes.c.topic_id, votes.c.cast_at).where(
            votes.c.voter_id == user_id
        )
        return [OwnVote(*row) for row in await self._page(query, votes.c.id, after, limit)]

    async def action_items(
        self, user_id: UUID, after: UUID | None, limit: int
    ) -> Sequence[OwnActionItem]:
        query = select(
            action_items.c.id,
            action_items.c.retro_id,
            action_items.c.title,
            action_items.c.due_on,
            action_items.c.done,
            action_items.c.created_by == user_id,
            action_items.c.assignee_id == user_id,
            action_items.c.created_at,
            action_items.c.done_at,
        ).where((action_items.c.created_by == user_id) | (action_items.c.assignee_id == user_id))
        return [
            OwnActionItem(
                id=row[0],
                retro_id=row[1],
                title=row[2],
                due_on=row[3],
                done=row[4],
                created_by_user=bool(row[5]),
                assigned_to_user=bool(row[6]),
                created_at=row[7],
                done_at=row[8],
            )
            for row in await self._page(query, action_items.c.id, after, limit)
        ]

    async def retros_facilitated(
        self, user_id: UUID, after: UUID | None, limit: int
    ) -> Sequence[FacilitatedRetro]:
        last_change = (
            select(func.max(retro_phase_changes.c.changed_at))
            .where(retro_phase_changes.c.retro_id == retros.c.id)
            .scalar_subquery()
        )
        query = (
            select(
                retros.c.id,
                retros.c.title,
                boards.c.name,
                retros.c.phase,
                retros.c.created_at,
                last_change,
            )
            .join(boards, boards.c.id == retros.c.board_id)
            .where(retros.c.facilitator_id == user_id)
        )
        return [
            FacilitatedRetro(row[0], row[1], row[2], str(row[3]), row[4], row[5])
            for row in await self._page(query, retros.c.id, after, limit)
        ]


def register_postgres_personal_content(repositories: PostgresRepositories) -> None:
    def content(scope: SessionScope) -> PostgresPersonalContent:
        return PostgresPersonalContent(scope.session)

    repositories.register(PERSONAL_CONTENT, content)
