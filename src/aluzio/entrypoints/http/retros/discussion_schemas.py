"""Bodies of notes and action items (camelCase on the wire), from the visibility rule's
views."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated
from uuid import UUID

import msgspec

from aluzio.domain.retros.action_items import MAX_ACTION_ITEM_TITLE_LENGTH
from aluzio.domain.retros.notes import MAX_NOTE_LENGTH
from aluzio.domain.retros.visibility import ActionItemView, AuthorView, NoteView
from aluzio.entrypoints.http.pagination import PageBody
from aluzio.entrypoints.http.schema import WireStruct

NoteText = Annotated[
    str,
    msgspec.Meta(
        min_length=1, max_length=MAX_NOTE_LENGTH, description="Trimmed; line breaks allowed."
    ),
]
ActionItemTitle = Annotated[
    str,
    msgspec.Meta(
        min_length=1,
        max_length=MAX_ACTION_ITEM_TITLE_LENGTH,
        description="Trimmed; one line, not blank.",
    ),
]


class NoteRequest(WireStruct):
    body: NoteText


class CreateActionItemRequest(WireStruct):
    title: ActionItemTitle
    assignee_id: UUID | None = None
    due_on: date | None = None
    topic_id: UUID | None = None


class ChangeActionItemRequest(WireStruct):
    """Only the fields sent change; ``assigneeId: null`` and ``dueOn: null`` clear them."""

    title: ActionItemTitle | msgspec.UnsetType = msgspec.UNSET
    assignee_id: UUID | msgspec.UnsetType | None = msgspec.UNSET
    due_on: date | msgspec.UnsetType | None = msgspec.UNSET
    done: bool | msgspec.UnsetType = msgspec.UNSET


class PersonBody(WireStruct):
    id: UUID
    name: str | None  # None once unknown (an erased account)


def _person(person: AuthorView | None) -> PersonBody | None:
    return None if person is None else PersonBody(id=person.id, name=person.name)


class NoteBody(WireStruct):
    """A note; ``author`` is null in an anonymous retro, for everyone, and ``mine`` tells
    its author it is theirs."""

    id: UUID
    topic_id: UUID
    body: str
    mine: bool
    author: PersonBody | None
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, note: NoteView) -> NoteBody:
        return cls(
            id=note.id,
            topic_id=note.topic_id,
            body=note.body,
            mine=note.mine,
            author=_person(note.author),
            created_at=note.created_at,
            updated_at=note.updated_at,
        )


class ActionItemBody(WireStruct):
    """An action item as any member of its organization sees it; ``mine``: the caller
    created it (the creator is shown to no one else)."""

    id: UUID
    organization_id: UUID
    board_id: UUID
    retro_id: UUID
    topic_id: UUID | None
    title: str
    assignee: PersonBody | None
    due_on: date | None
    done: bool
    done_at: datetime | None
    mine: bool
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, item: ActionItemView) -> ActionItemBody:
        assignee = item.assignee
        return cls(
            id=item.id,
            organization_id=item.organization_id,
            board_id=item.board_id,
            retro_id=item.retro_id,
            topic_id=item.topic_id,
            title=item.title,
            assignee=None if assignee is None else PersonBody(id=assignee.id, name=assignee.name),
            due_on=item.due_on,
            done=item.done,
            done_at=item.done_at,
            mine=item.mine,
            created_at=item.created_at,
            updated_at=item.updated_at,
        )


class ActionItemList(PageBody):
    items: list[ActionItemBody]
