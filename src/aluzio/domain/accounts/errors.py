"""What the account rules can refuse."""

from __future__ import annotations

from aluzio.domain.errors import Conflict, InvalidInput, NotAuthenticated, PermissionDenied


class EmailTaken(Conflict):
    code = "email-taken"
    default_message = "An account with this email address already exists."


class InvalidCredentials(NotAuthenticated):
    """Unknown email or wrong password: deliberately one error, so neither is revealed."""

    code = "invalid-credentials"
    default_message = "The email address or the password is not correct."


class EmailNotVerified(PermissionDenied):
    code = "email-not-verified"
    default_message = "Verify your email address first."


class InvalidToken(InvalidInput):
    """A link's token is unknown, used already or expired (the three look the same)."""

    code = "invalid-token"
    default_message = "This link is invalid or has expired."

    def __init__(self, message: str | None = None) -> None:
        super().__init__(message, field="token")


class AccountDeletionPending(PermissionDenied):
    """The account is to be erased; the link in the confirmation email cancels that."""

    code = "account-deletion-pending"
    default_message = (
        "This account is scheduled for deletion. Use the link in the confirmation email"
        " to cancel the deletion and sign in again."
    )
