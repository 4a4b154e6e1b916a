"""How the board use cases reach a board: through the organization access check, so a
non-member meets the same 404 as a missing board."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol
from uuid import UUID

from aluzio.application.actor import Actor
from aluzio.application.authorization import require_user
from aluzio.application.boards.ports import BoardRepository
from aluzio.application.organizations.access import (
    MembershipWork,
    OrgAccess,
    require_membership_in,
)
from aluzio.domain.boards.errors import BoardNotFound
from aluzio.domain.boards.model import Board
from aluzio.domain.organizations.errors import OrganizationNotFound
from aluzio.domain.organizations.model import Role


class BoardWork(MembershipWork, Protocol):
    """A unit of work that reaches boards, organizations and memberships."""

    @property
    def boards(self) -> BoardRepository: ...


@dataclass(frozen=True, slots=True)
class BoardAccess:
    """The board the actor reached, and the actor's access to its organization."""

    board: Board
    access: OrgAccess


async def require_board(
    uow: BoardWork,
    actor: Actor,
    board_id: UUID,
    *,
    at_least: Role = Role.MEMBER,
    lock: bool = False,
) -> BoardAccess:
    """The actor's access to the board: ``board-not-found`` (404) for a missing board and
    for a caller who is not a member of its organization alike; a role too low is the
    organization's 403. ``lock`` holds the board's row until the unit of work ends."""
    require_user(actor)
    board = await uow.boards.find(board_id, lock=lock)
    if board is None:
        raise BoardNotFound()
    try:
        access = await require_membership_in(uow, actor, board.organization_id, at_least=at_least)
    except OrganizationNotFound:
        raise BoardNotFound() from None
    return BoardAccess(board, access)
