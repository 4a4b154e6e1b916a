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


class VoteBudgetExhausted(Conflict):
    """The participant has cast every vote of the retro's budget."""

    code = "vote-budget-exhausted"
    default_message = "You have no votes left in this retro."


class TopicVoteCap(Conflict):
    """The participant has put as many votes on this topic as one person may."""

    code = "topic-vote-cap"
    default_message = "You have put the most votes allowed on this topic."


class NoVoteToWithdraw(Conflict):
    code = "no-vote-to-withdraw"
    default_message = "You have no vote on this topic to take back."


class NoteNotFound(NotFound):
    code = "note-not-found"
    default_message = "The note was not found."


class NotNoteAuthor(PermissionDenied):
    code = "not-note-author"
    default_message = "Only the author of a note can change or delete it."


class RetroNoteLimit(Conflict):
    code = "retro-note-limit"
    default_message = "This retro has reached its limit of notes."


class ActionItemNotFound(NotFound):
    """No such action item, or one in an organization the caller is not a member of."""

    code = "action-item-not-found"
    default_message = "The action item was not found."


class AssigneeNotFound(NotFound):
    """The assignee is not a member of the action item's organization (told apart from
    no such user by nothing, so no one learns who has an account)."""

    code = "assignee-not-found"
    default_message = "The assignee was not found among the organization's members."


class RetroActionItemLimit(Conflict):
    code = "retro-action-item-limit"
    default_message = "This retro has reached its limit of action items."


class ExportNotAvailable(Conflict):
    """A retro is exported from discuss on, once its votes are revealed."""

    code = "export-not-available"
    default_message = "A retro can be exported from the discuss phase on."
