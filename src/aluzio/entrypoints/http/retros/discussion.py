"""Note, action item and export routes: thin translations between HTTP and the use cases,
which check membership of the organization first and answer through the visibility rule."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated
from uuid import UUID

import msgspec
from litestar import Controller, Response, delete, get, patch, post
from litestar.datastructures import CacheControlHeader
from litestar.di import NamedDependency
from litestar.openapi.spec import (
    OpenAPIHeader,
    OpenAPIMediaType,
    OpenAPIResponse,
    OpenAPIType,
    Schema,
)
from litestar.params import FromPath, JSONBody, Parameter
from litestar.status_codes import HTTP_204_NO_CONTENT

from aluzio.application.actor import UserActor
from aluzio.application.pagination import Page
from aluzio.application.retros import action_items, exporting, notes
from aluzio.application.retros.context import RetrosContext
from aluzio.domain.accounts.errors import EmailNotVerified
from aluzio.domain.boards.errors import BoardNotFound
from aluzio.domain.errors import InvalidInput
from aluzio.domain.retros.action_items import KEEP, ActionItemChanges, ActionItemStatus
from aluzio.domain.retros.errors import (
    ActionItemNotFound,
    AssigneeNotFound,
    ExportNotAvailable,
    NoteNotFound,
    NotNoteAuthor,
    PhaseNotAllowed,
    RetroActionItemLimit,
    RetroClosed,
    RetroNoteLimit,
    RetroNotFound,
    TopicNotFound,
)
from aluzio.domain.retros.export import ExportFormat
from aluzio.entrypoints.http.openapi import ProblemOperation, problems
from aluzio.entrypoints.http.pagination import Limit, Offset
from aluzio.entrypoints.http.retros.discussion_schemas import (
    ActionItemBody,
    ActionItemList,
    ChangeActionItemRequest,
    CreateActionItemRequest,
    NoteBody,
    NoteRequest,
)

NO_STORE = CacheControlHeader(no_store=True)
Retros = NamedDependency[RetrosContext]
Auth = NamedDependency[UserActor]
Status = Annotated[
    ActionItemStatus,
    Parameter(description="Which items: `open` (the default), `done` or `all`."),
]
Format = Annotated[
    ExportFormat, Parameter(description="`markdown` (the default), `csv` or `json`.")
]


@dataclass
class ExportOperation(ProblemOperation):
    """A file download: its 200 is one of the export formats, an attachment."""

    def __post_init__(self) -> None:
        super().__post_init__()
        success = (self.responses or {}).get("200")
        if isinstance(success, OpenAPIResponse):
            body = Schema(type=OpenAPIType.STRING)
            success.content = {
                media: OpenAPIMediaType(schema=body)
                for media in (f.media_type for f in ExportFormat)
            }
            success.headers = {
                **(success.headers or {}),
                "Content-Disposition": OpenAPIHeader(
                    schema=Schema(type=OpenAPIType.STRING),
                    description="`attachment` with a file name of lowercase ASCII letters, "
                    "digits, hyphens and the format's extension.",
                    required=True,
                ),
            }


class TopicNotesController(Controller):
    path = "/api/topics/{topic_id:uuid}/notes"
    tags = ["retros"]  # noqa: RUF012  (Litestar declares it as an instance attribute)
    cache_control = NO_STORE

    @post(
        operation_id="addNote",
        responses=problems(
            InvalidInput,
            TopicNotFound,
            EmailNotVerified,
            RetroClosed,
            PhaseNotAllowed,
            RetroNoteLimit,
        ),
        status_code=201,
        summary="Note something about a topic (any participant, in discuss).",
    )
    async def add(
        self, topic_id: FromPath[UUID], data: JSONBody[NoteRequest], retros: Retros, auth: Auth
    ) -> NoteBody:
        return NoteBody.of(await notes.add_note(retros, auth, topic_id, data.body))


class NotesController(Controller):
    path = "/api/notes/{note_id:uuid}"
    tags = ["retros"]  # noqa: RUF012
    cache_control = NO_STORE

    @patch(
        operation_id="editNote",
        responses=problems(
            InvalidInput, NoteNotFound, NotNoteAuthor, EmailNotVerified, RetroClosed
        ),
        summary="Rewrite a note (its author, until the retro is closed).",
    )
    async def edit(
        self, note_id: FromPath[UUID], data: JSONBody[NoteRequest], retros: Retros, auth: Auth
    ) -> NoteBody:
        return NoteBody.of(await notes.edit_note(retros, auth, note_id, data.body))

    @delete(
        operation_id="deleteNote",
        responses=problems(NoteNotFound, NotNoteAuthor, EmailNotVerified, RetroClosed),
        status_code=HTTP_204_NO_CONTENT,
        summary="Delete a note (its author, until the retro is closed).",
    )
    async def delete_one(self, note_id: FromPath[UUID], retros: Retros, auth: Auth) -> None:
        await notes.delete_note(retros, auth, note_id)


class RetroDecisionsController(Controller):
    path = "/api/retros/{retro_id:uuid}"
    tags = ["retros"]  # noqa: RUF012
    cache_control = NO_STORE

    @post(
        "/action-items",
        operation_id="createActionItem",
        responses=problems(
            InvalidInput,
            RetroNotFound,
            TopicNotFound,
            AssigneeNotFound,
            EmailNotVerified,
            RetroClosed,
            PhaseNotAllowed,
            RetroActionItemLimit,
        ),
        status_code=201,
        summary="Record an action item (any participant, in discuss); the assignee must be "
        "a member of the organization.",
    )
    async def create_action_item(
        self,
        retro_id: FromPath[UUID],
        data: JSONBody[CreateActionItemRequest],
        retros: Retros,
        auth: Auth,
    ) -> ActionItemBody:
        item = await action_items.create_action_item(
            retros,
            auth,
            retro_id,
            title=data.title,
            assignee_id=data.assignee_id,
            due_on=data.due_on,
            topic_id=data.topic_id,
        )
        return ActionItemBody.of(item)

    @get(
        "/export",
        operation_id="exportRetro",
        responses=problems(RetroNotFound, ExportNotAvailable),
        operation_class=ExportOperation,
        summary="The retro as a file (Markdown, CSV or JSON), from discuss on.",
        description="An attachment with a safe file name, showing what the caller may see "
        "(no authors in an anonymous retro). CSV: UTF-8 with a byte order mark, CRLF, cells "
        "that could start a formula prefixed with `'`. JSON: schema `aluzio.retro-export`, "
        "`schemaVersion` 1 (docs/retros.md).",
    )
    async def export(
        self,
        retro_id: FromPath[UUID],
        retros: Retros,
        auth: Auth,
        format: Format = ExportFormat.MARKDOWN,
    ) -> Response[bytes]:
        exported = await exporting.export(retros, auth, retro_id, ExportFormat(format))
        return Response(
            content=exported.content,
            media_type=exported.media_type,
            headers={"Content-Disposition": f'attachment; filename="{exported.filename}"'},
        )


class ActionItemsController(Controller):
    path = "/api/action-items/{action_item_id:uuid}"
    tags = ["retros"]  # noqa: RUF012
    cache_control = NO_STORE

    @patch(
        operation_id="changeActionItem",
        responses=problems(InvalidInput, ActionItemNotFound, AssigneeNotFound, EmailNotVerified),
        summary="Change an action item (any member of the organization, at any time).",
    )
    async def change(
        self,
        action_item_id: FromPath[UUID],
        data: JSONBody[ChangeActionItemRequest],
        retros: Retros,
        auth: Auth,
    ) -> ActionItemBody:
        changes = ActionItemChanges(
            title=KEEP if isinstance(data.title, msgspec.UnsetType) else data.title,
            assignee_id=KEEP
            if isinstance(data.assignee_id, msgspec.UnsetType)
            else data.assignee_id,
            due_on=KEEP if isinstance(data.due_on, msgspec.UnsetType) else data.due_on,
            done=KEEP if isinstance(data.done, msgspec.UnsetType) else data.done,
        )
        item = await action_items.change_action_item(retros, auth, action_item_id, changes)
        return ActionItemBody.of(item)


class BoardActionItemsController(Controller):
    path = "/api/boards/{board_id:uuid}/action-items"
    tags = ["retros"]  # noqa: RUF012
    cache_control = NO_STORE

    @get(
        operation_id="listBoardActionItems",
        responses=problems(BoardNotFound),
        summary="The board's action items, oldest first (open ones unless asked).",
    )
    async def list_of_board(
        self,
        board_id: FromPath[UUID],
        retros: Retros,
        auth: Auth,
        status: Status = ActionItemStatus.OPEN,
        limit: Limit = Page.DEFAULT_LIMIT,
        offset: Offset = 0,
    ) -> ActionItemList:
        found = await action_items.list_board_action_items(
            retros, auth, board_id, ActionItemStatus(status), Page(limit=limit, offset=offset)
        )
        return ActionItemList(
            items=[ActionItemBody.of(i) for i in found.items],
            total=found.total,
            limit=limit,
            offset=offset,
        )


class MyActionItemsController(Controller):
    path = "/api/me/action-items"
    tags = ["retros"]  # noqa: RUF012
    cache_control = NO_STORE

    @get(
        operation_id="listMyActionItems",
        summary="The action items assigned to the caller, across their organizations.",
    )
    async def list_mine(
        self,
        retros: Retros,
        auth: Auth,
        status: Status = ActionItemStatus.OPEN,
        limit: Limit = Page.DEFAULT_LIMIT,
        offset: Offset = 0,
    ) -> ActionItemList:
        found = await action_items.my_action_items(
            retros, auth, ActionItemStatus(status), Page(limit=limit, offset=offset)
        )
        return ActionItemList(
            items=[ActionItemBody.of(i) for i in found.items],
            total=found.total,
            limit=limit,
            offset=offset,
        )
