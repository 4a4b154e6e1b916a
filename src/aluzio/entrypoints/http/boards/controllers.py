"""Board routes: thin translations between HTTP and the board use cases, which check
membership (a non-member meets a 404) and who may do what."""

from __future__ import annotations

from uuid import UUID

from litestar import Controller, delete, get, patch, post, put
from litestar.datastructures import CacheControlHeader
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody
from litestar.status_codes import HTTP_204_NO_CONTENT

from aluzio.application.actor import UserActor
from aluzio.application.boards import boards as _boards
from aluzio.application.boards.context import BoardsContext
from aluzio.application.pagination import Page
from aluzio.domain.accounts.errors import EmailNotVerified
from aluzio.domain.boards.errors import (
    BoardLimitReached,
    BoardNotFound,
    NotBoardCreator,
    SectionNotFound,
    TemplateOrSections,
    UnknownTemplate,
)
from aluzio.domain.errors import InvalidInput
from aluzio.domain.organizations.errors import OrganizationNotFound
from aluzio.entrypoints.http.boards.schemas import (
    BoardBody,
    BoardList,
    CreateBoardRequest,
    RenameBoardRequest,
    ReplaceSectionsRequest,
    TemplateBody,
    TemplateList,
)
from aluzio.entrypoints.http.openapi import problems
from aluzio.entrypoints.http.organizations.controllers import SlugPath
from aluzio.entrypoints.http.pagination import Limit, Offset

NO_STORE = CacheControlHeader(no_store=True)
Boards = NamedDependency[BoardsContext]
Auth = NamedDependency[UserActor]
BOARD = "/boards/{board_id:uuid}"


class BoardsController(Controller):
    path = "/api"
    tags = ["boards"]  # noqa: RUF012  (Litestar declares it as an instance attribute)
    cache_control = NO_STORE

    @get(
        "/board-templates",
        operation_id="listBoardTemplates",
        summary="The built-in board templates with their sections.",
    )
    async def templates(self, auth: Auth) -> TemplateList:
        return TemplateList(items=[TemplateBody.of(t) for t in _boards.board_templates()])

    @post(
        "/orgs/{slug:str}/boards",
        operation_id="createBoard",
        responses=problems(
            InvalidInput,
            TemplateOrSections,
            UnknownTemplate,
            OrganizationNotFound,
            EmailNotVerified,
            BoardLimitReached,
        ),
        status_code=201,
        summary="Create a board from a template or with 1 to 12 sections of its own.",
    )
    async def create(
        self, slug: SlugPath, data: JSONBody[CreateBoardRequest], boards: Boards, auth: Auth
    ) -> BoardBody:
        created = await _boards.create_board(
            boards,
            auth,
            slug,
            name=data.name,
            template_key=data.template_key,
            sections=None if data.sections is None else [s.fields() for s in data.sections],
        )
        return BoardBody.reached(created)

    @get(
        "/orgs/{slug:str}/boards",
        operation_id="listBoards",
        responses=problems(OrganizationNotFound),
        summary="The organization's boards, newest first (at most 50 a page).",
    )
    async def list_boards(
        self,
        slug: SlugPath,
        boards: Boards,
        auth: Auth,
        limit: Limit = Page.DEFAULT_LIMIT,
        offset: Offset = 0,
    ) -> BoardList:
        found = await _boards.list_boards(boards, auth, slug, Page(limit=limit, offset=offset))
        org_slug = found.access.organization.slug
        return BoardList(
            items=[BoardBody.of(board, org_slug) for board in found.boards.items],
            total=found.boards.total,
            limit=found.page.limit,
            offset=found.page.offset,
        )

    @get(
        BOARD,
        operation_id="getBoard",
        responses=problems(BoardNotFound),
        summary="A board with its sections.",
    )
    async def get_one(self, board_id: FromPath[UUID], boards: Boards, auth: Auth) -> BoardBody:
        return BoardBody.reached(await _boards.get_board(boards, auth, board_id))

    @patch(
        BOARD,
        operation_id="renameBoard",
        responses=problems(InvalidInput, BoardNotFound, EmailNotVerified),
        summary="Rename a board (any member).",
    )
    async def rename(
        self,
        board_id: FromPath[UUID],
        data: JSONBody[RenameBoardRequest],
        boards: Boards,
        auth: Auth,
    ) -> BoardBody:
        return BoardBody.reached(await _boards.rename_board(boards, auth, board_id, data.name))

    @delete(
        BOARD,
        operation_id="deleteBoard",
        responses=problems(BoardNotFound, EmailNotVerified, NotBoardCreator),
        status_code=HTTP_204_NO_CONTENT,
        summary="Delete a board and its retros (its creator, or an admin or owner).",
    )
    async def delete_one(self, board_id: FromPath[UUID], boards: Boards, auth: Auth) -> None:
        await _boards.delete_board(boards, auth, board_id)

    @put(
        BOARD + "/sections",
        operation_id="replaceBoardSections",
        responses=problems(InvalidInput, BoardNotFound, SectionNotFound, EmailNotVerified),
        summary="Replace the board's ordered sections; a section sent with its id keeps it.",
    )
    async def replace_sections(
        self,
        board_id: FromPath[UUID],
        data: JSONBody[ReplaceSectionsRequest],
        boards: Boards,
        auth: Auth,
    ) -> BoardBody:
        replaced = await _boards.replace_sections(
            boards, auth, board_id, [s.fields() for s in data.sections]
        )
        return BoardBody.reached(replaced)
