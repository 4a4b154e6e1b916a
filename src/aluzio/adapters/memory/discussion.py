"""In-memory notes and action items: the same contract as :mod:`..postgres.discussion`.

As in :mod:`.retros`, foreign keys are honoured both ways: a row referring to a missing
retro, topic or user is refused, and what the database's ``ON DELETE`` clauses do when a
retro, topic, board, organization or user goes is applied when these repositories next
look at the data.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any
from uuid import UUID

from aluzio.adapters.memory.unit_of_work import MemoryRepositories, MemoryScope
from aluzio.application.pagination import Page, Paged
from aluzio.application.retros.ports import ACTION_ITEMS, NOTES, ReviewedItems
from aluzio.domain.errors import Conflict, NotFound
from aluzio.domain.retros.action_items import (
    ActionItem,
    ActionItemStatus,
    action_item_order,
    filter_action_items,
)
from aluzio.domain.retros.model import Retro, Topic
from aluzio.domain.retros.notes import Note

_MISSING = "A record this change refers to does not exist."


class _Tables:
    def __init__(self, scope: MemoryScope) -> None:
        state = scope.state
        self.organizations: dict[UUID, Any] = state.table("organizations")
        self.boards: dict[UUID, Any] = state.table("boards")
        self.users: dict[UUID, Any] = state.table("users")
        self.memberships: dict[tuple[UUID, UUID], Any] = state.table("org_memberships")
        self.retros: dict[UUID, Retro] = state.table("retros")
        self.topics: dict[UUID, Topic] = state.table("topics")
        self.notes: dict[UUID, Note] = state.table("notes")
        self.items: dict[UUID, ActionItem] = state.table("action_items")

    def _cascade(self) -> None:
        """What the database's ``ON DELETE`` clauses would have done by now (a retro whose
        board or organization is gone is gone, whether or not the retro tables know yet)."""
        live = {
            r.id
            for r in self.retros.values()
            if r.board_id in self.boards and r.organization_id in self.organizations
        }
        _drop(
            self.notes,
            lambda n: (
                n.retro_id not in live
                or n.topic_id not in self.topics
                or n.author_id not in self.users
            ),
        )
        _drop(self.items, lambda i: i.retro_id not in live)
        for item in self.items.values():  # SET NULL
            if item.topic_id is not None and item.topic_id not in self.topics:
                item.topic_id = None
            if item.assignee_id is not None and item.assignee_id not in self.users:
                item.assignee_id = None
            if item.created_by not in self.users:
                setattr(item, "created_by", None)  # noqa: B010  (as the column's SET NULL)

    def _require(self, found: bool) -> None:
        if not found:
            raise NotFound(_MISSING)


def _drop(table: dict[Any, Any], doomed: Callable[[Any], bool]) -> None:
    for key, row in list(table.items()):
        if doomed(row):
            del table[key]


def _paged(items: Iterable[ActionItem], status: ActionItemStatus, page: Page) -> Paged[ActionItem]:
    found = filter_action_items(items, ActionItemStatus(status))
    return Paged(items=found[page.offset : page.offset + page.limit], total=len(found))


class InMemoryNoteRepository(_Tables):
    async def add(self, data: Note) -> Note:
        self._cascade()
        topic = self.topics.get(data.topic_id)
        self._require(
            data.retro_id in self.retros and topic is not None and data.author_id in self.users
        )
        if data.id in self.notes:
            raise Conflict()
        self.notes[data.id] = data
        return data

    async def find(self, note_id: UUID) -> Note | None:
        self._cascade()
        return self.notes.get(note_id)

    async def of_retro(self, retro_id: UUID) -> list[Note]:
        self._cascade()
        return sorted(
            (n for n in self.notes.values() if n.retro_id == retro_id),
            key=lambda n: (n.created_at, n.id),
        )

    async def count(self, retro_id: UUID) -> int:
        return len(await self.of_retro(retro_id))

    async def delete(self, note_id: UUID) -> None:
        self.notes.pop(note_id, None)


class InMemoryActionItemRepository(_Tables):
    async def add(self, data: ActionItem) -> ActionItem:
        self._cascade()
        self._require(
            data.retro_id in self.retros
            and data.board_id in self.boards
            and data.organization_id in self.organizations
            and (data.topic_id is None or data.topic_id in self.topics)
            and (data.assignee_id is None or data.assignee_id in self.users)
            and data.created_by in self.users
        )
        if data.id in self.items:
            raise Conflict()
        self.items[data.id] = data
        return data

    async def find(self, item_id: UUID) -> ActionItem | None:
        self._cascade()
        return self.items.get(item_id)

    async def count(self, retro_id: UUID) -> int:
        self._cascade()
        return sum(1 for i in self.items.values() if i.retro_id == retro_id)

    async def reviewed_in(self, retro: Retro) -> ReviewedItems:
        self._cascade()
        this_retro = (retro.created_at, retro.id)

        def earlier(item: ActionItem) -> bool:
            other = self.retros[item.retro_id]
            return (other.created_at, other.id) < this_retro

        items = sorted(
            (
                i
                for i in self.items.values()
                if i.retro_id == retro.id
                or (i.board_id == retro.board_id and not i.done and earlier(i))
            ),
            key=action_item_order,
        )
        opened_at = {i.retro_id: self.retros[i.retro_id].created_at for i in items}
        return ReviewedItems(items=items, retros_opened_at=opened_at)

    async def page_of_board(
        self, board_id: UUID, status: ActionItemStatus, page: Page
    ) -> Paged[ActionItem]:
        self._cascade()
        return _paged((i for i in self.items.values() if i.board_id == board_id), status, page)

    async def page_assigned_to(
        self, user_id: UUID, status: ActionItemStatus, page: Page
    ) -> Paged[ActionItem]:
        self._cascade()
        mine = (
            i
            for i in self.items.values()
            if i.assignee_id == user_id and (i.organization_id, user_id) in self.memberships
        )
        return _paged(mine, status, page)


def register_memory_discussion(repositories: MemoryRepositories) -> None:
    repositories.register(NOTES, InMemoryNoteRepository)
    repositories.register(ACTION_ITEMS, InMemoryActionItemRepository)
