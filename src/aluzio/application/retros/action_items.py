"""Record, change and list action items. Each answers items as any member of their
organization sees them (assignee named, creator never)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from uuid import UUID

from aluzio.application.actor import Actor
from aluzio.application.authorization import require_user
from aluzio.application.boards.access import require_board
from aluzio.application.pagination import Page, Paged
from aluzio.application.retros.access import RetroAccess, require_retro
from aluzio.application.retros.context import RetrosContext
from aluzio.application.retros.events import retro_changed
from aluzio.application.retros.ports import RetrosUnitOfWork
from aluzio.domain.organizations.model import Role
from aluzio.domain.retros import action_items as rules
from aluzio.domain.retros.action_items import (
    KEEP,
    ActionItem,
    ActionItemChanges,
    ActionItemStatus,
)
from aluzio.domain.retros.errors import ActionItemNotFound, AssigneeNotFound, TopicNotFound
from aluzio.domain.retros.model import Topic, Viewer
from aluzio.domain.retros.visibility import ActionItemView, action_item_view


async def create_action_item(
    ctx: RetrosContext,
    actor: Actor,
    retro_id: UUID,
    *,
    title: str,
    assignee_id: UUID | None = None,
    due_on: date | None = None,
    topic_id: UUID | None = None,
) -> ActionItemView:
    """Any participant records an action item in discuss; the assignee must be a member of
    the retro's organization."""
    now = ctx.clock.now()
    async with ctx.unit_of_work() as uow:
        access = await require_retro(uow, actor, retro_id, change=True)
        retro = access.retro
        topic: Topic | None = None
        if topic_id is not None:
            topic = await uow.topics.find(topic_id)
            if topic is None or topic.retro_id != retro.id:
                raise TopicNotFound()
        await _require_assignee(uow, retro.organization_id, assignee_id)
        item = rules.create_action_item(
            retro,
            by=access.viewer,
            title=title,
            assignee_id=assignee_id,
            due_on=due_on,
            topic=topic,
            item_count=await uow.action_items.count(retro.id),
            item_id=ctx.new_id(),
            now=now,
        )
        item = await uow.action_items.add(item)
        uow.emit(retro_changed(retro, "action-item-added"))
        [seen] = await _views(uow, access.viewer, [item])
        await uow.commit()
    return seen


async def change_action_item(
    ctx: RetrosContext, actor: Actor, item_id: UUID, changes: ActionItemChanges
) -> ActionItemView:
    """Any member of the organization changes an item, at any time (also once its retro is
    closed); a new assignee must be a member."""
    now = ctx.clock.now()
    async with ctx.unit_of_work() as uow:
        access, item = await _require_item(uow, actor, item_id)
        if changes.assignee_id is not KEEP:
            await _require_assignee(uow, item.organization_id, changes.assignee_id)
        if rules.change_action_item(access.retro, item, changes, now=now):
            uow.emit(retro_changed(access.retro, "action-item-changed"))
        [seen] = await _views(uow, access.viewer, [item])
        await uow.commit()
    return seen


async def list_board_action_items(
    ctx: RetrosContext,
    actor: Actor,
    board_id: UUID,
    status: ActionItemStatus = ActionItemStatus.OPEN,
    page: Page | None = None,
) -> Paged[ActionItemView]:
    """The board's items ``status`` admits, oldest first (any member)."""
    async with ctx.unit_of_work() as uow:
        access = await require_board(uow, actor, board_id)
        found = await uow.action_items.page_of_board(board_id, status, page or Page())
        viewer = Viewer(user_id=access.access.membership.user_id, role=access.access.role)
        items = await _views(uow, viewer, found.items)
    return Paged(items=items, total=found.total)


async def my_action_items(
    ctx: RetrosContext,
    actor: Actor,
    status: ActionItemStatus = ActionItemStatus.OPEN,
    page: Page | None = None,
) -> Paged[ActionItemView]:
    """The items assigned to the caller in the organizations they are a member of."""
    user = require_user(actor).user
    async with ctx.unit_of_work() as uow:
        found = await uow.action_items.page_assigned_to(user.id, status, page or Page())
        # Each item is in an organization the caller is a member of (the repository's
        # filter); an item's view depends on who reads it, not on their role.
        items = await _views(uow, Viewer(user_id=user.id, role=Role.MEMBER), found.items)
    return Paged(items=items, total=found.total)


async def _require_item(
    uow: RetrosUnitOfWork, actor: Actor, item_id: UUID
) -> tuple[RetroAccess, ActionItem]:
    """The item, read again once its retro is locked, and the actor's access to the retro."""
    require_user(actor)
    item = await uow.action_items.find(item_id)
    if item is None:
        raise ActionItemNotFound()
    access = await require_retro(uow, actor, item.retro_id, change=True, missing=ActionItemNotFound)
    item = await uow.action_items.find(item_id)
    if item is None:
        raise ActionItemNotFound()
    return access, item


async def _require_assignee(
    uow: RetrosUnitOfWork, organization_id: UUID, assignee_id: UUID | None
) -> None:
    if assignee_id is not None and await uow.memberships.find(organization_id, assignee_id) is None:
        raise AssigneeNotFound()


async def _views(
    uow: RetrosUnitOfWork, viewer: Viewer, items: Iterable[ActionItem]
) -> Sequence[ActionItemView]:
    items = list(items)
    assignees = {i.assignee_id for i in items if i.assignee_id is not None}
    names = await uow.people.names(assignees) if assignees else {}
    return [action_item_view(viewer, item, names) for item in items]
