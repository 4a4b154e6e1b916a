"""Action items: what the team decided to do. Created in discuss, changed by any member of
the organization at any time (also after the retro is closed), and carried over: a new
retro on the board shows the board's open items from earlier retros, so the team starts by
reviewing them."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from enum import Enum, StrEnum
from uuid import UUID

from aluzio.domain.errors import InvalidInput
from aluzio.domain.retros.errors import ActionItemNotFound, RetroActionItemLimit, TopicNotFound
from aluzio.domain.retros.model import Phase, Retro, Topic, Viewer
from aluzio.domain.retros.text import optional_title


@dataclass(eq=False)
class ActionItem:
    id: UUID
    organization_id: UUID
    board_id: UUID
    retro_id: UUID
    # The topic it came from, if any; None again once that topic disappears.
    topic_id: UUID | None
    title: str
    assignee_id: UUID | None
    due_on: date | None
    done: bool
    created_by: UUID
    created_at: datetime
    updated_at: datetime
    done_at: datetime | None


MAX_ACTION_ITEM_TITLE_LENGTH = 200
MAX_ACTION_ITEMS_PER_RETRO = 200


class Keep(Enum):
    """Marks a field a change leaves as it is (``None`` clears an assignee or due date)."""

    KEEP = "keep"


KEEP = Keep.KEEP


def action_item_title(raw: str) -> str:
    """An action item's title: trimmed, 1 to 200 characters on one line."""
    title = optional_title(raw, limit=MAX_ACTION_ITEM_TITLE_LENGTH, field="title")
    if title is None:
        raise InvalidInput("The title must not be blank.", field="title")
    return title


def create_action_item(
    retro: Retro,
    *,
    by: Viewer,
    title: str,
    assignee_id: UUID | None,
    due_on: date | None,
    topic: Topic | None,
    item_count: int,
    item_id: UUID,
    now: datetime,
) -> ActionItem:
    """Any participant records an action item in discuss, optionally from one of the
    retro's topics. The assignee must be a member of the organization: the caller checks
    (:class:`~aluzio.domain.retros.errors.AssigneeNotFound`). ``item_count``: the items the
    retro holds, read under the retro's lock."""
    retro.check_phase({Phase.DISCUSS})
    if topic is not None and topic.retro_id != retro.id:
        raise TopicNotFound()
    text = action_item_title(title)
    if item_count >= MAX_ACTION_ITEMS_PER_RETRO:
        raise RetroActionItemLimit(
            f"A retro holds at most {MAX_ACTION_ITEMS_PER_RETRO} action items."
        )
    retro.record_change(now)
    return ActionItem(
        id=item_id,
        organization_id=retro.organization_id,
        board_id=retro.board_id,
        retro_id=retro.id,
        topic_id=None if topic is None else topic.id,
        title=text,
        assignee_id=assignee_id,
        due_on=due_on,
        done=False,
        created_by=by.user_id,
        created_at=now,
        updated_at=now,
        done_at=None,
    )


@dataclass(frozen=True, slots=True)
class ActionItemChanges:
    """What a change sets; every field left at :data:`KEEP` stays as it is. A new assignee
    must be a member of the organization: the caller checks."""

    title: str | Keep = KEEP
    assignee_id: UUID | Keep | None = KEEP
    due_on: date | Keep | None = KEEP
    done: bool | Keep = KEEP


def change_action_item(
    retro: Retro, item: ActionItem, changes: ActionItemChanges, *, now: datetime
) -> bool:
    """Any member of the organization changes an item of ``retro`` at any time, also after
    the retro is closed (follow-up happens after the meeting). Marking it done records when;
    undoing clears that. Answers whether anything changed; a change bumps the version of the
    item's retro."""
    if item.retro_id != retro.id:
        raise ActionItemNotFound()
    title = item.title if changes.title is KEEP else action_item_title(changes.title)
    assignee_id = item.assignee_id if changes.assignee_id is KEEP else changes.assignee_id
    due_on = item.due_on if changes.due_on is KEEP else changes.due_on
    done = item.done if changes.done is KEEP else changes.done
    if (title, assignee_id, due_on, done) == (item.title, item.assignee_id, item.due_on, item.done):
        return False
    if done != item.done:
        item.done_at = now if done else None
    item.title, item.assignee_id, item.due_on, item.done = title, assignee_id, due_on, done
    item.updated_at = now
    retro.record_change(now)
    return True


class ActionItemStatus(StrEnum):
    """The filter of an action item list."""

    OPEN = "open"
    DONE = "done"
    ALL = "all"

    def admits(self, item: ActionItem) -> bool:
        return self is ActionItemStatus.ALL or item.done is (self is ActionItemStatus.DONE)


def action_item_order(item: ActionItem) -> tuple[datetime, UUID]:
    """Lists show action items oldest first."""
    return (item.created_at, item.id)


def filter_action_items(
    items: Iterable[ActionItem], status: ActionItemStatus = ActionItemStatus.ALL
) -> list[ActionItem]:
    """The items ``status`` admits, oldest first."""
    status = ActionItemStatus(status)
    return sorted((i for i in items if status.admits(i)), key=action_item_order)


def carried_over(
    retro: Retro, items: Iterable[ActionItem], *, retros_opened_at: Mapping[UUID, datetime]
) -> list[ActionItem]:
    """The open action items a retro starts by reviewing: those of its board from the retros
    opened before it (``retros_opened_at``: when each retro of the board was opened, by id;
    an item of a retro not in it is left out), oldest first. Marking one done anywhere
    takes it off every such list."""
    this_retro = (retro.created_at, retro.id)

    def earlier(item: ActionItem) -> bool:
        opened_at = retros_opened_at.get(item.retro_id)
        return opened_at is not None and (opened_at, item.retro_id) < this_retro

    return sorted(
        (
            item
            for item in items
            if not item.done
            and item.board_id == retro.board_id
            and item.organization_id == retro.organization_id
            and item.retro_id != retro.id
            and earlier(item)
        ),
        key=action_item_order,
    )
