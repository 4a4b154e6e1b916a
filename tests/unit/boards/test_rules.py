"""Board rules: names, sections, the palette, templates, replacing sections, deleting."""

from __future__ import annotations

import itertools
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import get_args

import pytest

from aluzio.domain.boards.errors import (
    NotBoardCreator,
    SectionNotFound,
    TemplateOrSections,
    UnknownTemplate,
)
from aluzio.domain.boards.model import (
    MAX_NAME_LENGTH,
    MAX_PROMPT_LENGTH,
    MAX_SECTIONS,
    MAX_TITLE_LENGTH,
    SECTION_COLORS,
    TEMPLATE_KEYS,
    TEMPLATES,
    Board,
    SectionDraft,
    board_name,
    sections_for,
    template,
)
from aluzio.domain.errors import InvalidInput
from aluzio.domain.organizations.model import Role
from aluzio.entrypoints.http.boards.schemas import SectionColor, TemplateKey

NOW = datetime(2026, 11, 28, 9, 0, tzinfo=UTC)
CREATOR = uuid.uuid4()


def _ids() -> Callable[[], uuid.UUID]:
    counter = itertools.count(1)
    return lambda: uuid.UUID(int=next(counter))


def _board(*titles: str) -> Board:
    return Board.create(
        id=uuid.uuid4(),
        organization_id=uuid.uuid4(),
        name="Team",
        sections=[SectionDraft(title) for title in titles or ("A", "B", "C")],
        created_by=CREATOR,
        now=NOW,
        new_id=uuid.uuid4,
    )


@pytest.mark.parametrize(
    ("raw", "kept"),
    [("x", "x"), ("  Team  ", "Team"), ("é" * MAX_NAME_LENGTH, "é" * MAX_NAME_LENGTH)],
)
def test_names_of_1_to_100_characters_are_kept_trimmed(raw: str, kept: str) -> None:
    assert board_name(raw) == kept


@pytest.mark.parametrize("raw", ["", "   ", "x" * (MAX_NAME_LENGTH + 1), "a\nb", "tab\there"])
def test_other_names_are_refused(raw: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        board_name(raw)
    assert refused.value.field == "name"


def test_a_section_keeps_its_trimmed_title_prompt_and_color() -> None:
    draft = SectionDraft("  Went well ", "  What went well? ", "green")
    assert (draft.title, draft.prompt, draft.color) == ("Went well", "What went well?", "green")


def test_a_blank_prompt_is_no_prompt() -> None:
    assert SectionDraft("A", "   ").prompt is None


@pytest.mark.parametrize(
    ("title", "prompt", "color", "field"),
    [
        ("", None, None, "sections.title"),
        ("x" * (MAX_TITLE_LENGTH + 1), None, None, "sections.title"),
        ("a\x00b", None, None, "sections.title"),
        ("A", "p" * (MAX_PROMPT_LENGTH + 1), None, "sections.prompt"),
        ("A", "line\x07", None, "sections.prompt"),
        ("A", None, "magenta", "sections.color"),
        ("A", None, "Red", "sections.color"),
        ("A", None, "", "sections.color"),
    ],
)
def test_sections_outside_the_rules_are_refused(
    title: str, prompt: str | None, color: str | None, field: str
) -> None:
    with pytest.raises(InvalidInput) as refused:
        SectionDraft(title, prompt, color)
    assert refused.value.field == field


def test_limits_are_inclusive() -> None:
    draft = SectionDraft("t" * MAX_TITLE_LENGTH, "p" * MAX_PROMPT_LENGTH, SECTION_COLORS[-1])
    assert len(draft.title) == MAX_TITLE_LENGTH


@pytest.mark.parametrize("color", SECTION_COLORS)
def test_every_palette_color_is_accepted(color: str) -> None:
    assert SectionDraft("A", color=color).color == color


@pytest.mark.parametrize("count", [1, 2, MAX_SECTIONS])
def test_a_board_has_1_to_12_sections_in_the_order_given(count: int) -> None:
    titles = [f"S{n}" for n in range(count)]
    board = _board(*titles)
    assert [s.title for s in board.sections] == titles
    assert len({s.id for s in board.sections}) == count


@pytest.mark.parametrize("count", [0, MAX_SECTIONS + 1])
def test_fewer_or_more_sections_are_refused(count: int) -> None:
    with pytest.raises(InvalidInput) as refused:
        Board.create(
            id=uuid.uuid4(),
            organization_id=uuid.uuid4(),
            name="Team",
            sections=[SectionDraft(f"S{n}") for n in range(count)],
            created_by=CREATOR,
            now=NOW,
            new_id=uuid.uuid4,
        )
    assert refused.value.field == "sections"


def test_a_new_board_cannot_claim_section_ids() -> None:
    with pytest.raises(SectionNotFound):
        Board.create(
            id=uuid.uuid4(),
            organization_id=uuid.uuid4(),
            name="Team",
            sections=[SectionDraft("A", id=uuid.uuid4())],
            created_by=CREATOR,
            now=NOW,
            new_id=uuid.uuid4,
        )


def test_a_new_board_records_its_creator_and_time() -> None:
    board = _board()
    assert (board.created_by, board.created_at, board.name) == (CREATOR, NOW, "Team")


def test_rename_follows_the_name_rule() -> None:
    board = _board()
    board.rename("  Better  ")
    assert board.name == "Better"
    with pytest.raises(InvalidInput):
        board.rename("")
    assert board.name == "Better"


def test_the_five_templates() -> None:
    assert TEMPLATE_KEYS == (
        "start-stop-continue",
        "mad-sad-glad",
        "went-well-to-improve-actions",
        "four-ls",
        "sailboat",
    )
    titles = {t.key: [s.title for s in t.sections] for t in TEMPLATES}
    assert titles == {
        "start-stop-continue": ["Start", "Stop", "Continue"],
        "mad-sad-glad": ["Mad", "Sad", "Glad"],
        "went-well-to-improve-actions": ["Went well", "To improve", "Actions"],
        "four-ls": ["Liked", "Learned", "Lacked", "Longed for"],
        "sailboat": ["Wind", "Anchors", "Rocks", "Island"],
    }
    for t in TEMPLATES:
        assert all(s.prompt and s.color in SECTION_COLORS for s in t.sections), t.key


def test_the_published_schema_spells_the_domains_palette_and_templates() -> None:
    assert get_args(SectionColor) == SECTION_COLORS
    assert get_args(TemplateKey) == TEMPLATE_KEYS


def test_an_unknown_template_is_refused() -> None:
    with pytest.raises(UnknownTemplate) as refused:
        template("retro-of-doom")
    assert refused.value.field == "templateKey"


def test_a_board_takes_a_template_or_sections_exactly() -> None:
    custom = [SectionDraft("Mine")]
    assert sections_for("sailboat", None) == template("sailboat").sections
    assert sections_for(None, custom) == custom
    for neither_or_both in ((None, None), ("sailboat", custom)):
        with pytest.raises(TemplateOrSections):
            sections_for(*neither_or_both)


def test_replacing_sections_keeps_ids_reorders_adds_and_drops() -> None:
    board = _board("A", "B", "C")
    a, b, c = board.sections
    new_id = _ids()
    replaced = board.replace_sections(
        [
            SectionDraft("C again", "why", "pink", id=c.id),
            SectionDraft("New"),
            SectionDraft("A", id=a.id),
        ],
        new_id,
    )
    assert [s.id for s in replaced] == [c.id, uuid.UUID(int=1), a.id]
    assert [(s.title, s.prompt, s.color) for s in replaced] == [
        ("C again", "why", "pink"),
        ("New", None, None),
        ("A", None, None),
    ]
    assert board.sections == replaced
    assert b.id not in {s.id for s in board.sections}


def test_an_unknown_section_id_is_refused_and_changes_nothing() -> None:
    board = _board("A", "B")
    before = list(board.sections)
    with pytest.raises(SectionNotFound):
        board.replace_sections([SectionDraft("X", id=uuid.uuid4())], uuid.uuid4)
    assert board.sections == before


def test_a_section_sent_twice_is_refused() -> None:
    board = _board("A", "B")
    a = board.sections[0]
    with pytest.raises(InvalidInput) as refused:
        board.replace_sections([SectionDraft("A", id=a.id), SectionDraft("A", id=a.id)], uuid.uuid4)
    assert refused.value.field == "sections.id"


@pytest.mark.parametrize("count", [0, MAX_SECTIONS + 1])
def test_replacing_keeps_the_section_count_rule(count: int) -> None:
    board = _board()
    with pytest.raises(InvalidInput):
        board.replace_sections([SectionDraft(f"S{n}") for n in range(count)], uuid.uuid4)
    assert len(board.sections) == 3


@pytest.mark.parametrize(
    ("is_creator", "role", "allowed"),
    [
        (creator, role, creator or role is not Role.MEMBER)
        for creator in (True, False)
        for role in Role
    ],
)
def test_the_creator_admins_and_owners_delete_a_board(
    is_creator: bool, role: Role, allowed: bool
) -> None:
    board = _board()
    user = CREATOR if is_creator else uuid.uuid4()
    if allowed:
        board.check_deletable_by(user, role)
    else:
        with pytest.raises(NotBoardCreator):
            board.check_deletable_by(user, role)


def test_a_board_whose_creator_was_erased_is_deleted_by_admins_only() -> None:
    board = _board()
    board.created_by = None
    with pytest.raises(NotBoardCreator):
        board.check_deletable_by(uuid.uuid4(), Role.MEMBER)
    board.check_deletable_by(uuid.uuid4(), Role.ADMIN)
