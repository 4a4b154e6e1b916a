"""What the board rules can refuse; each code is a stable problem type."""

from __future__ import annotations

from aluzio.domain.errors import Conflict, InvalidInput, NotFound, PermissionDenied


class BoardNotFound(NotFound):
    """No such board, *or* the caller is not a member of its organization: one error, so a
    non-member learns nothing about whether the board exists."""

    code = "board-not-found"
    default_message = "The board was not found."


class UnknownTemplate(InvalidInput):
    code = "unknown-template"
    default_message = "There is no board template with this key."


class TemplateOrSections(InvalidInput):
    """A new board takes its sections from a template or from the request: exactly one."""

    code = "template-or-sections"
    default_message = "Give either a templateKey or sections, not both and not neither."


class SectionNotFound(NotFound):
    """A section sent with an id the board does not have (another board's, another
    organization's, or none at all)."""

    code = "section-not-found"
    default_message = "The board has no section with this id."


class BoardLimitReached(Conflict):
    code = "board-limit-reached"
    default_message = "The organization has reached its limit of boards; delete one first."


class NotBoardCreator(PermissionDenied):
    """Only the board's creator, or an admin or owner of its organization, deletes it."""

    code = "not-board-creator"
    default_message = (
        "Only the person who created the board, or an admin or owner of the organization, "
        "can delete it."
    )
