"""In-memory board repository: the same contract as :mod:`..postgres.boards`."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from aluzio.adapters.memory.unit_of_work import MemoryRepositories, MemoryScope
from aluzio.application.boards.ports import BOARDS
from aluzio.application.pagination import Page, Paged
from aluzio.domain.boards.model import Board
from aluzio.domain.errors import Conflict, NotFound

_MISSING = "A record this change refers to does not exist."


class InMemoryBoardRepository:
    def __init__(self, scope: MemoryScope) -> None:
        self.boards: dict[UUID, Board] = scope.state.table("boards")
        self.organizations: dict[UUID, Any] = scope.state.table("organizations")
        self.users: dict[UUID, Any] = scope.state.table("users")

    def _cascade(self) -> None:
        """What the database's ``ON DELETE`` clauses would have done by now: boards go with
        their organization, and lose their creator when the creator's account goes."""
        for board_id, board in list(self.boards.items()):
            if board.organization_id not in self.organizations:
                del self.boards[board_id]
            elif board.created_by is not None and board.created_by not in self.users:
                board.created_by = None

    def _check_section_ids(self, data: Board) -> None:
        ids = [section.id for section in data.sections]
        taken = {s.id for b in self.boards.values() if b.id != data.id for s in b.sections}
        if len(set(ids)) != len(ids) or taken.intersection(ids):
            raise Conflict()

    async def add(self, data: Board) -> Board:
        self._cascade()
        if data.organization_id not in self.organizations or (
            data.created_by is not None and data.created_by not in self.users
        ):
            raise NotFound(_MISSING)
        if data.id in self.boards:
            raise Conflict()
        self._check_section_ids(data)
        self.boards[data.id] = data
        return data

    async def find(self, board_id: UUID, *, lock: bool = False) -> Board | None:
        self._cascade()
        return self.boards.get(board_id)

    async def page_of_organization(self, organization_id: UUID, page: Page) -> Paged[Board]:
        self._cascade()
        found = sorted(
            (b for b in self.boards.values() if b.organization_id == organization_id),
            key=lambda b: (b.created_at, b.id),
            reverse=True,
        )
        return Paged(items=found[page.offset : page.offset + page.limit], total=len(found))

    async def count_of_organization(self, organization_id: UUID) -> int:
        self._cascade()
        return sum(1 for b in self.boards.values() if b.organization_id == organization_id)

    async def update(self, data: Board) -> None:
        self._cascade()
        if data.id not in self.boards:
            raise NotFound(_MISSING)
        self._check_section_ids(data)
        self.boards[data.id] = data

    async def delete(self, board_id: UUID) -> None:
        self.boards.pop(board_id, None)


def register_memory_boards(repositories: MemoryRepositories) -> None:
    repositories.register(BOARDS, InMemoryBoardRepository)
