"""The ports the board use cases need."""

from __future__ import annotations

from typing import Protocol
from uuid import UUID

from aluzio.application.organizations.ports import MEMBERSHIPS, ORGANIZATIONS
from aluzio.application.pagination import Page, Paged
from aluzio.application.ports.unit_of_work import FeatureWork, Repository, RepositoryKey
from aluzio.domain.boards.model import Board


class BoardRepository(Protocol):
    async def add(self, data: Board) -> Board:
        """Store a new board with its sections."""
        ...

    async def find(self, board_id: UUID, *, lock: bool = False) -> Board | None:
        """The board with its sections in order; ``lock`` holds its row until the unit of
        work ends, so changes to one board are decided one after the other."""
        ...

    async def page_of_organization(self, organization_id: UUID, page: Page) -> Paged[Board]:
        """One page of the organization's boards, newest first, with their sections."""
        ...

    async def count_of_organization(self, organization_id: UUID) -> int: ...

    async def update(self, data: Board) -> None:
        """Write the board's name and sections as they are now: a section keeps its id
        and the retros that copied it keep pointing at it."""
        ...

    async def delete(self, board_id: UUID) -> None:
        """Delete the board, its sections and its retros."""
        ...


BOARDS: RepositoryKey[BoardRepository] = RepositoryKey("boards.boards")


class BoardsUnitOfWork(FeatureWork):
    """What the board use cases reach inside one transaction."""

    boards = Repository(BOARDS)
    organizations = Repository(ORGANIZATIONS)
    memberships = Repository(MEMBERSHIPS)
