"""Action items: created in discuss, changed by anyone at any time, carried over to the
board's next retros until done, listed by status."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta
from uuid import UUID, uuid4

import pytest

from aluzio.domain.errors import InvalidInput
from aluzio.domain.retros.action_items import (
    KEEP,
    MAX_ACTION_ITEMS_PER_RETRO,
    ActionItem,
    ActionItemChanges,
    ActionItemStatus,
    carried_over,
    change_action_item,
    create_action_item,
    filter_action_items,
)
from aluzio.domain.retros.errors import (
    ActionItemNotFound,
    PhaseNotAllowed,
    RetroActionItemLimit,
    RetroClosed,
    TopicNotFound,
)
from aluzio.domain.retros.model import Phase, Retro, Topic
from tests.unit.retros.builders import START
from tests.unit.retros.deciding import DecidingWorld, deciding_world

KINDS = ["member", "other", "facilitator", "admin", "owner"]
DUE = date(2025, 3, 14)


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("phase", list(Phase))
def test_who_creates_an_action_item_in_which_phase(phase: Phase, kind: str) -> None:
    d = deciding_world(phase=Phase.DISCUSS)
    d.world.retro.phase = phase
    topic = d.topics()[1]
    by = getattr(d.world, kind)
    version = d.world.retro.version
    if phase is Phase.DISCUSS:
        item = d.item(by, "  Pair on deploys ", assignee=d.world.other, due_on=DUE, topic=topic)
        retro = d.world.retro
        assert (item.organization_id, item.board_id, item.retro_id, item.topic_id) == (
            retro.organization_id, retro.board_id, retro.id, topic.id,
        )  # fmt: skip
        assert (item.title, item.assignee_id, item.due_on) == (
            "Pair on deploys", d.world.other.user_id, DUE,
        )  # fmt: skip
        assert (item.done, item.done_at, item.created_by) == (False, None, by.user_id)
        assert item.created_at == item.updated_at
        assert retro.version == version + 1
    else:
        refusal = RetroClosed if phase is Phase.CLOSED else PhaseNotAllowed
        with pytest.raises(refusal):
            d.item(by)
        assert d.world.retro.version == version


@pytest.mark.parametrize(
    ("title", "allowed"),
    [("x", True), ("x" * 200, True), ("x" * 201, False), ("", False), ("  ", False),
     ("two\nlines", False)],
)  # fmt: skip
def test_the_title_of_an_action_item(title: str, allowed: bool) -> None:
    d = deciding_world(phase=Phase.DISCUSS)
    if allowed:
        assert d.item(d.world.member, title).title == title
    else:
        with pytest.raises(InvalidInput) as refused:
            d.item(d.world.member, title)
        assert refused.value.field == "title"


def test_without_topic_assignee_or_due_date() -> None:
    d = deciding_world(phase=Phase.DISCUSS)
    item = d.item(d.world.member)
    assert (item.topic_id, item.assignee_id, item.due_on) == (None, None, None)


def test_from_a_topic_of_the_retro_only() -> None:
    d = deciding_world(phase=Phase.DISCUSS)
    with pytest.raises(TopicNotFound):
        d.item(d.world.member, topic=Topic(uuid4(), uuid4(), None, START))


def test_a_retro_holds_at_most_so_many_action_items() -> None:
    d = deciding_world(phase=Phase.DISCUSS)

    def create(count: int) -> ActionItem:
        return create_action_item(
            d.world.retro,
            by=d.world.member,
            title="x",
            assignee_id=None,
            due_on=None,
            topic=None,
            item_count=count,
            item_id=uuid4(),
            now=START,
        )

    create(MAX_ACTION_ITEMS_PER_RETRO - 1)
    with pytest.raises(RetroActionItemLimit, match=str(MAX_ACTION_ITEMS_PER_RETRO)):
        create(MAX_ACTION_ITEMS_PER_RETRO)


def _one_item(phase: Phase = Phase.DISCUSS) -> tuple[DecidingWorld, ActionItem]:
    d = deciding_world(phase=Phase.DISCUSS)
    item = d.item(d.world.member, "Before", assignee=d.world.other, due_on=DUE)
    d.world.go_to(phase)
    return d, item


@pytest.mark.parametrize("phase", [Phase.DISCUSS, Phase.CLOSED])
def test_changed_at_any_time_also_after_close(phase: Phase) -> None:
    d, item = _one_item(phase)
    version = d.world.retro.version
    later = START + timedelta(days=3)
    changes = ActionItemChanges(title=" After ", assignee_id=None, due_on=None)
    assert change_action_item(d.world.retro, item, changes, now=later)
    assert (item.title, item.assignee_id, item.due_on) == ("After", None, None)
    assert (item.updated_at, item.done, item.done_at) == (later, False, None)
    assert d.world.retro.version == version + 1


def test_done_records_when_and_undone_forgets_it() -> None:
    d, item = _one_item()
    done_at = START + timedelta(days=2)
    assert change_action_item(d.world.retro, item, ActionItemChanges(done=True), now=done_at)
    assert (item.done, item.done_at, item.updated_at) == (True, done_at, done_at)
    # Done again: nothing changes, and it keeps the first time.
    assert not change_action_item(
        d.world.retro, item, ActionItemChanges(done=True), now=done_at + timedelta(days=1)
    )
    assert item.done_at == done_at
    # Renaming a done item keeps when it was done.
    later = done_at + timedelta(days=2)
    change_action_item(d.world.retro, item, ActionItemChanges(title="Renamed"), now=later)
    assert item.done_at == done_at
    assert change_action_item(d.world.retro, item, ActionItemChanges(done=False), now=later)
    assert _done(item) == (False, None)


def _done(item: ActionItem) -> tuple[bool, datetime | None]:
    return item.done, item.done_at


def test_fields_left_out_are_kept_and_nothing_new_is_no_change() -> None:
    d, item = _one_item()
    version, updated = d.world.retro.version, item.updated_at
    assert ActionItemChanges() == ActionItemChanges(KEEP, KEEP, KEEP, KEEP)
    for changes in (
        ActionItemChanges(),
        ActionItemChanges(title="Before", assignee_id=d.world.other.user_id, due_on=DUE),
        ActionItemChanges(done=False),
    ):
        assert not change_action_item(d.world.retro, item, changes, now=START + timedelta(1))
    assert (d.world.retro.version, item.updated_at) == (version, updated)
    assert (item.title, item.assignee_id, item.due_on) == ("Before", d.world.other.user_id, DUE)
    new_due = DUE + timedelta(days=7)
    assert change_action_item(d.world.retro, item, ActionItemChanges(due_on=new_due), now=START)
    assert (item.title, item.assignee_id, item.due_on) == (
        "Before", d.world.other.user_id, new_due,
    )  # fmt: skip


def test_a_change_checks_the_title() -> None:
    d, item = _one_item()
    with pytest.raises(InvalidInput):
        change_action_item(d.world.retro, item, ActionItemChanges(title=""), now=START)
    assert item.title == "Before"


def test_an_item_of_another_retro_is_not_found() -> None:
    _, item = _one_item()
    other = deciding_world(phase=Phase.DISCUSS)
    with pytest.raises(ActionItemNotFound):
        change_action_item(other.world.retro, item, ActionItemChanges(done=True), now=START)
    assert not item.done


def test_lists_by_status_oldest_first() -> None:
    d = deciding_world(phase=Phase.DISCUSS)
    a, b, c = (d.item(d.world.member, title) for title in "abc")
    change_action_item(d.world.retro, b, ActionItemChanges(done=True), now=START)
    shuffled = [c, b, a]
    assert filter_action_items(shuffled, ActionItemStatus.OPEN) == [a, c]
    assert filter_action_items(shuffled, ActionItemStatus.DONE) == [b]
    assert filter_action_items(shuffled, ActionItemStatus.ALL) == [a, b, c]
    assert filter_action_items(shuffled) == [a, b, c]
    assert filter_action_items(shuffled, "open") == [a, c]  # type: ignore[arg-type]
    assert [s.value for s in ActionItemStatus] == ["open", "done", "all"]


def _next_retro(earlier: Retro, *, days: int, board_id: UUID | None = None) -> Retro:
    return replace(
        earlier,
        id=uuid4(),
        board_id=board_id or earlier.board_id,
        created_at=earlier.created_at + timedelta(days=days),
    )


def test_open_items_of_earlier_retros_on_the_board_carry_over() -> None:
    first = deciding_world(phase=Phase.DISCUSS)
    open_item = first.item(first.world.member, "Still open")
    done_item = first.item(first.world.member, "Done already")
    change_action_item(first.world.retro, done_item, ActionItemChanges(done=True), now=START)
    retro1 = first.world.retro
    retro2 = _next_retro(retro1, days=14)
    retro3 = _next_retro(retro1, days=28)
    own = replace(open_item, id=uuid4(), retro_id=retro2.id, created_at=retro2.created_at)
    other_board = replace(open_item, id=uuid4(), board_id=uuid4())
    other_org = replace(open_item, id=uuid4(), organization_id=uuid4())
    unknown_retro = replace(open_item, id=uuid4(), retro_id=uuid4())
    items = [own, done_item, other_board, other_org, unknown_retro, open_item]
    opened = {r.id: r.created_at for r in (retro1, retro2, retro3)}
    assert carried_over(retro2, items, retros_opened_at=opened) == [open_item]
    assert carried_over(retro3, items, retros_opened_at=opened) == [open_item, own]
    # An earlier retro does not show what later ones decided.
    assert carried_over(retro1, items, retros_opened_at=opened) == []
    # Done anywhere: gone from every list.
    change_action_item(retro1, open_item, ActionItemChanges(done=True), now=START)
    assert carried_over(retro3, items, retros_opened_at=opened) == [own]


def test_retros_opened_at_the_same_moment_are_ordered_by_id() -> None:
    first = deciding_world(phase=Phase.DISCUSS)
    item = first.item(first.world.member)
    twin = _next_retro(first.world.retro, days=0)
    opened = {r.id: r.created_at for r in (first.world.retro, twin)}
    earlier, later = sorted([first.world.retro, twin], key=lambda r: r.id)
    shown_in_later = carried_over(later, [item], retros_opened_at=opened)
    shown_in_earlier = carried_over(earlier, [item], retros_opened_at=opened)
    assert (shown_in_later, shown_in_earlier) == (
        ([item], []) if item.retro_id == earlier.id else ([], [])
    )
