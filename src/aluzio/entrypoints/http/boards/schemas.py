"""Request and response bodies of the board routes (camelCase on the wire)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal
from uuid import UUID

import msgspec

from aluzio.application.boards.access import BoardAccess
from aluzio.application.boards.boards import SectionFields
from aluzio.domain.boards.model import (
    MAX_NAME_LENGTH,
    MAX_PROMPT_LENGTH,
    MAX_SECTIONS,
    MAX_TITLE_LENGTH,
    MIN_SECTIONS,
    Board,
    Section,
    SectionDraft,
    Template,
)
from aluzio.entrypoints.http.pagination import PageBody
from aluzio.entrypoints.http.schema import WireStruct

# The domain's palette and template keys, spelled out for the published schema (a test keeps
# them equal to SECTION_COLORS and TEMPLATE_KEYS). The domain still checks everything.
SectionColor = Literal[
    "gray", "red", "orange", "yellow", "green", "teal", "blue", "indigo", "purple", "pink"
]
TemplateKey = Literal[
    "start-stop-continue", "mad-sad-glad", "went-well-to-improve-actions", "four-ls", "sailboat"
]
_NO_CONTROL_CHARACTERS = "^[^\\x00-\\x1F\\x7F-\\x9F]*$"
BoardName = Annotated[
    str,
    msgspec.Meta(min_length=1, max_length=MAX_NAME_LENGTH, pattern=_NO_CONTROL_CHARACTERS),
]
SectionTitle = Annotated[
    str,
    msgspec.Meta(min_length=1, max_length=MAX_TITLE_LENGTH, pattern=_NO_CONTROL_CHARACTERS),
]
SectionPrompt = Annotated[
    str, msgspec.Meta(max_length=MAX_PROMPT_LENGTH, pattern=_NO_CONTROL_CHARACTERS)
]


class SectionRequest(WireStruct):
    title: SectionTitle
    prompt: SectionPrompt | None = None
    color: SectionColor | None = None

    def fields(self) -> SectionFields:
        return SectionFields(self.title, self.prompt, self.color)


class SectionUpdateRequest(SectionRequest):
    """A section of the new list: with the ``id`` of a section the board has, it keeps
    that section (and its id); without, it is a new section."""

    id: UUID | None = None

    def fields(self) -> SectionFields:
        return SectionFields(self.title, self.prompt, self.color, self.id)


NewSections = Annotated[
    list[SectionRequest], msgspec.Meta(min_length=MIN_SECTIONS, max_length=MAX_SECTIONS)
]
UpdatedSections = Annotated[
    list[SectionUpdateRequest], msgspec.Meta(min_length=MIN_SECTIONS, max_length=MAX_SECTIONS)
]


class CreateBoardRequest(WireStruct):
    """Exactly one of ``templateKey`` and ``sections``."""

    name: BoardName
    template_key: TemplateKey | None = None
    sections: NewSections | None = None


class RenameBoardRequest(WireStruct):
    name: BoardName


class ReplaceSectionsRequest(WireStruct):
    sections: UpdatedSections


class SectionBody(WireStruct):
    id: UUID
    title: str
    prompt: str | None
    color: str | None

    @classmethod
    def of(cls, section: Section) -> SectionBody:
        return cls(id=section.id, title=section.title, prompt=section.prompt, color=section.color)


class BoardBody(WireStruct):
    id: UUID
    name: str
    organization_slug: str
    # None once the creator's account is erased.
    created_by: UUID | None
    created_at: datetime
    sections: list[SectionBody]

    @classmethod
    def of(cls, board: Board, organization_slug: str) -> BoardBody:
        return cls(
            id=board.id,
            name=board.name,
            organization_slug=organization_slug,
            created_by=board.created_by,
            created_at=board.created_at,
            sections=[SectionBody.of(section) for section in board.sections],
        )

    @classmethod
    def reached(cls, reached: BoardAccess) -> BoardBody:
        return cls.of(reached.board, reached.access.organization.slug)


class BoardList(PageBody):
    items: list[BoardBody]


class TemplateSectionBody(WireStruct):
    title: str
    prompt: str | None
    color: str | None

    @classmethod
    def of(cls, draft: SectionDraft) -> TemplateSectionBody:
        return cls(title=draft.title, prompt=draft.prompt, color=draft.color)


class TemplateBody(WireStruct):
    key: str
    name: str
    sections: list[TemplateSectionBody]

    @classmethod
    def of(cls, template: Template) -> TemplateBody:
        return cls(
            key=template.key,
            name=template.name,
            sections=[TemplateSectionBody.of(s) for s in template.sections],
        )


class TemplateList(WireStruct):
    items: list[TemplateBody]
