"""Boards and their sections, the rules they follow, and the built-in templates."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from aluzio.domain.boards.errors import (
    NotBoardCreator,
    SectionNotFound,
    TemplateOrSections,
    UnknownTemplate,
)
from aluzio.domain.errors import InvalidInput
from aluzio.domain.organizations.model import Role

MAX_NAME_LENGTH = 100
MIN_SECTIONS = 1
MAX_SECTIONS = 12
MAX_TITLE_LENGTH = 60
MAX_PROMPT_LENGTH = 200
# At most this many boards in one organization (against abuse; a team keeps a handful).
MAX_BOARDS_PER_ORGANIZATION = 200
# The colors a section may take: names, so a frontend maps them onto its own theme.
SECTION_COLORS = (
    "gray", "red", "orange", "yellow", "green", "teal", "blue", "indigo", "purple", "pink",
)  # fmt: skip


def _text(raw: str, *, field: str, label: str, max_length: int, min_length: int = 1) -> str:
    """``raw`` trimmed, ``min_length`` to ``max_length`` characters, no control characters."""
    value = raw.strip()
    if not min_length <= len(value) <= max_length:
        raise InvalidInput(
            f"The {label} must be {min_length} to {max_length} characters long.", field=field
        )
    if any(unicodedata.category(char) == "Cc" for char in value):
        raise InvalidInput(f"The {label} must not contain control characters.", field=field)
    return value


def board_name(raw: str) -> str:
    """A board's name: 1 to 100 characters after trimming."""
    return _text(raw, field="name", label="name", max_length=MAX_NAME_LENGTH)


@dataclass(frozen=True, slots=True)
class SectionDraft:
    """A section as someone asks for it: ``id`` names a section the board already has
    (kept, with the same id), ``None`` a new one. Valid once built."""

    title: str
    prompt: str | None = None
    color: str | None = None
    id: UUID | None = None

    def __post_init__(self) -> None:
        object.__setattr__(
            self,
            "title",
            _text(self.title, field="sections.title", label="title", max_length=MAX_TITLE_LENGTH),
        )
        if self.prompt is not None:
            prompt = _text(
                self.prompt,
                field="sections.prompt",
                label="prompt",
                max_length=MAX_PROMPT_LENGTH,
                min_length=0,
            )
            object.__setattr__(self, "prompt", prompt or None)
        if self.color is not None and self.color not in SECTION_COLORS:
            raise InvalidInput(
                f"The color must be one of {', '.join(SECTION_COLORS)}.", field="sections.color"
            )


def check_section_count(drafts: Sequence[SectionDraft]) -> None:
    if not MIN_SECTIONS <= len(drafts) <= MAX_SECTIONS:
        raise InvalidInput(
            f"A board has {MIN_SECTIONS} to {MAX_SECTIONS} sections.", field="sections"
        )


@dataclass(eq=False)
class Section:
    id: UUID
    title: str
    prompt: str | None
    color: str | None


@dataclass(eq=False)
class Board:
    """A team's standing space: its sections, in order, are the columns of its retros.

    ``created_by`` is ``None`` once its creator's account is erased (admins and owners
    still delete the board)."""

    id: UUID
    organization_id: UUID
    name: str
    created_by: UUID | None
    created_at: datetime
    sections: list[Section]

    @classmethod
    def create(
        cls,
        *,
        id: UUID,
        organization_id: UUID,
        name: str,
        sections: Sequence[SectionDraft],
        created_by: UUID,
        now: datetime,
        new_id: Callable[[], UUID],
    ) -> Board:
        check_section_count(sections)
        if any(draft.id is not None for draft in sections):
            raise SectionNotFound()
        return cls(
            id=id,
            organization_id=organization_id,
            name=board_name(name),
            created_by=created_by,
            created_at=now,
            sections=[_section(new_id(), draft) for draft in sections],
        )

    def rename(self, name: str) -> None:
        self.name = board_name(name)

    def replace_sections(
        self, drafts: Sequence[SectionDraft], new_id: Callable[[], UUID]
    ) -> list[Section]:
        """The board's sections become ``drafts``, in that order: a draft with an id keeps
        that section (its id, with the new title, prompt and color); one without is new;
        sections left out are gone. An id the board does not have, or sent twice, is
        refused."""
        check_section_count(drafts)
        kept_ids = [draft.id for draft in drafts if draft.id is not None]
        if len(set(kept_ids)) != len(kept_ids):
            raise InvalidInput("A section appears twice.", field="sections.id")
        existing = {section.id for section in self.sections}
        if not existing.issuperset(kept_ids):
            raise SectionNotFound()
        self.sections = [
            _section(draft.id if draft.id is not None else new_id(), draft) for draft in drafts
        ]
        return self.sections

    def check_deletable_by(self, user_id: UUID, role: Role) -> None:
        """Its creator deletes it, as do the organization's admins and owners."""
        if user_id != self.created_by and not role.at_least(Role.ADMIN):
            raise NotBoardCreator()


def _section(id: UUID, draft: SectionDraft) -> Section:
    return Section(id=id, title=draft.title, prompt=draft.prompt, color=draft.color)


@dataclass(frozen=True, slots=True)
class Template:
    key: str
    name: str
    sections: tuple[SectionDraft, ...]


def _template(key: str, name: str, *sections: tuple[str, str, str]) -> Template:
    return Template(
        key, name, tuple(SectionDraft(title, prompt, color) for title, prompt, color in sections)
    )


TEMPLATES: tuple[Template, ...] = (
    _template(
        "start-stop-continue",
        "Start, Stop, Continue",
        ("Start", "What should we begin doing?", "green"),
        ("Stop", "What should we stop doing?", "red"),
        ("Continue", "What works and should go on?", "blue"),
    ),
    _template(
        "mad-sad-glad",
        "Mad, Sad, Glad",
        ("Mad", "What frustrated you?", "red"),
        ("Sad", "What disappointed you?", "indigo"),
        ("Glad", "What made you happy?", "yellow"),
    ),
    _template(
        "went-well-to-improve-actions",
        "Went well, To improve, Actions",
        ("Went well", "What went well?", "green"),
        ("To improve", "What could have gone better?", "orange"),
        ("Actions", "What will we do about it?", "blue"),
    ),
    _template(
        "four-ls",
        "4 Ls",
        ("Liked", "What did you like?", "green"),
        ("Learned", "What did you learn?", "blue"),
        ("Lacked", "What was missing?", "orange"),
        ("Longed for", "What do you wish we had?", "purple"),
    ),
    _template(
        "sailboat",
        "Sailboat",
        ("Wind", "What pushes us forward?", "teal"),
        ("Anchors", "What holds us back?", "gray"),
        ("Rocks", "What risks lie ahead?", "red"),
        ("Island", "Where are we heading?", "yellow"),
    ),
)
TEMPLATE_KEYS = tuple(template.key for template in TEMPLATES)


def template(key: str) -> Template:
    found = next((t for t in TEMPLATES if t.key == key), None)
    if found is None:
        raise UnknownTemplate(field="templateKey")
    return found


def sections_for(
    template_key: str | None, sections: Sequence[SectionDraft] | None
) -> Sequence[SectionDraft]:
    """A new board's sections: a template's, or custom ones; exactly one of the two."""
    if template_key is not None and sections is None:
        return template(template_key).sections
    if template_key is None and sections is not None:
        return sections
    raise TemplateOrSections(field="templateKey")
