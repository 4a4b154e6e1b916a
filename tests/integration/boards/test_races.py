"""Board rules under real concurrency: use cases racing on one event loop against Postgres,
each in its own transaction (as in tests/integration/organizations/test_races.py)."""

from __future__ import annotations

import asyncio
import uuid

from aluzio.application.boards import boards
from aluzio.application.boards.boards import SectionFields
from aluzio.application.organizations.organizations import create_organization
from aluzio.domain.boards.errors import BoardLimitReached
from aluzio.domain.boards.model import MAX_BOARDS_PER_ORGANIZATION, Board, SectionDraft
from aluzio.entrypoints.container import Container
from tests.integration.organizations.test_races import _person, container

__all__ = ["container"]

RACERS = 5


async def test_concurrent_creations_stop_at_the_limit(container: Container) -> None:
    ada = await _person(container, "ada@example.com")
    slug = (await create_organization(container.organizations, ada, "Race")).organization.slug
    first = await boards.create_board(
        container.boards, ada, slug, name="First", template_key="sailboat"
    )
    room = 2
    async with container.boards.unit_of_work() as uow:
        for number in range(MAX_BOARDS_PER_ORGANIZATION - 1 - room):
            await uow.boards.add(
                Board.create(
                    id=uuid.uuid4(),
                    organization_id=first.board.organization_id,
                    name=f"B{number}",
                    sections=[SectionDraft("S")],
                    created_by=ada.user.id,
                    now=first.board.created_at,
                    new_id=uuid.uuid4,
                )
            )
        await uow.commit()
    results = await asyncio.gather(
        *(
            boards.create_board(
                container.boards, ada, slug, name=f"Racer {n}", template_key="sailboat"
            )
            for n in range(RACERS)
        ),
        return_exceptions=True,
    )
    assert sum(not isinstance(r, BaseException) for r in results) == room
    assert all(isinstance(r, BoardLimitReached) for r in results if isinstance(r, BaseException))
    listed = await boards.list_boards(container.boards, ada, slug)
    assert listed.boards.total == MAX_BOARDS_PER_ORGANIZATION


async def test_concurrent_section_replacements_leave_one_of_them(container: Container) -> None:
    ada = await _person(container, "ada@example.com")
    slug = (await create_organization(container.organizations, ada, "Race")).organization.slug
    board = (
        await boards.create_board(container.boards, ada, slug, name="B", template_key="four-ls")
    ).board
    kept = board.sections[0]
    lists = [
        [SectionFields(f"Kept {n}", id=kept.id), *(SectionFields(f"New {n}.{i}") for i in range(n))]
        for n in range(1, RACERS + 1)
    ]
    await asyncio.gather(
        *(boards.replace_sections(container.boards, ada, board.id, each) for each in lists)
    )
    final = (await boards.get_board(container.boards, ada, board.id)).board.sections
    assert final[0].id == kept.id
    titles = [s.title for s in final]
    assert titles in [[f.title for f in each] for each in lists]
