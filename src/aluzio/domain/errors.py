"""One error family for everything the business can refuse.

Each error carries a stable ``code`` (a short slug the HTTP layer turns into a problem type)
and a ``default_message`` safe to show to the user. Subclasses say *what* went wrong in
business terms; the entrypoints decide how that is presented.
"""

from __future__ import annotations


class DomainError(Exception):
    """Base of every error the business rules raise."""

    code = "domain-error"
    default_message = "The request could not be completed."

    def __init__(self, message: str | None = None) -> None:
        self.message = message or self.default_message
        super().__init__(self.message)


class InvalidInput(DomainError):
    """A value breaks a business rule (too long, wrong shape, not allowed)."""

    code = "invalid-input"
    default_message = "The input is not valid."

    def __init__(self, message: str | None = None, *, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class NotFound(DomainError):
    """The thing asked for does not exist (or is not visible to the caller)."""

    code = "not-found"
    default_message = "The resource was not found."


class Conflict(DomainError):
    """The change clashes with something that already exists, such as a duplicate."""

    code = "conflict"
    default_message = "The change conflicts with existing data."


class NotAuthenticated(DomainError):
    """The caller must sign in first."""

    code = "not-authenticated"
    default_message = "Authentication is required."


class PermissionDenied(DomainError):
    """The caller is known but may not do this."""

    code = "permission-denied"
    default_message = "You are not allowed to do this."


class TooManyAttempts(DomainError):
    """The caller must wait before trying again."""

    code = "too-many-attempts"
    default_message = "Too many attempts. Try again later."

    def __init__(self, message: str | None = None, *, retry_after_seconds: int) -> None:
        super().__init__(message)
        self.retry_after_seconds = max(1, retry_after_seconds)
