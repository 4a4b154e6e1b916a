"""What the retro rules can refuse; each code is a stable problem type naming the rule."""

from __future__ import annotations

from aluzio.domain.errors import Conflict, NotFound, PermissionDenied


class RetroNotFound(NotFound):
    """No such retro, *or* the caller is not a member of its organization (one error, so a
    non-member learns nothing)."""

    code = "retro-not-found"
    default_message = "The retro was not found."


class CardNotFound(NotFound):
    """No such card, or one the caller may not see (another participant's during reflect)."""

    code = "card-not-found"
    default_message = "The card was not found."


class TopicNotFound(NotFound):
    code = "topic-not-found"
    default_message = "The topic was not found."


class PhaseNotAllowed(Conflict):
    """The action or the phase change is not allowed in the retro's current phase."""

    code = "phase-not-allowed"
    default_message = "This is not allowed in the retro's current phase."


class NotFacilitator(PermissionDenied):
    """Only the facilitator, or an admin or owner of the organization, may do this."""

    code = "not-facilitator"
    default_message = "Only the facilitator or an organization admin can do this."


class RetroClosed(Conflict):
    """A closed retro is read-only."""

    code = "retro-closed"
    default_message = "This retro is closed and can no longer be changed."


class NotCardAuthor(PermissionDenied):
    code = "not-card-author"
    default_message = "Only the author of a card can change or delete it."


class RetroCardLimit(Conflict):
    code = "retro-card-limit"
    default_message = "This retro has reached its limit of cards."
