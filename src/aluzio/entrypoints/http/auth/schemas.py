"""Request and response bodies of the account routes (camelCase on the wire)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal
from uuid import UUID

import msgspec

from aluzio.application.actor import UserActor
from aluzio.domain.accounts.email import MAX_EMAIL_LENGTH
from aluzio.domain.accounts.passwords import DEFAULT_MIN_LENGTH
from aluzio.domain.accounts.passwords import MAX_LENGTH as PASSWORD_MAX_LENGTH
from aluzio.domain.accounts.sessions import LoginSession
from aluzio.domain.accounts.user import MAX_NAME_LENGTH, User
from aluzio.entrypoints.http.pagination import PageBody
from aluzio.entrypoints.http.schema import WireStruct

# The limits come from the domain's constants, so the published schema and the rules agree;
# the domain still checks everything (trimming, normal forms, common passwords).
_NO_CONTROL_CHARACTERS = "^[^\\x00-\\x1F\\x7F-\\x9F]*$"
Name = Annotated[
    str,
    msgspec.Meta(min_length=1, max_length=MAX_NAME_LENGTH, pattern=_NO_CONTROL_CHARACTERS),
]
Email = Annotated[
    str,
    msgspec.Meta(
        min_length=3, max_length=MAX_EMAIL_LENGTH, extra_json_schema={"extra": {"format": "email"}}
    ),
]
# An address to look up (sign-in, password reset): the service answers the same for a
# malformed address as for an unknown one, so the schema claims no format.
LookupEmail = Annotated[str, msgspec.Meta(min_length=1, max_length=MAX_EMAIL_LENGTH)]
NewPassword = Annotated[
    str, msgspec.Meta(min_length=DEFAULT_MIN_LENGTH, max_length=PASSWORD_MAX_LENGTH)
]
# A password being checked, not chosen: an operator may have allowed shorter ones.
Password = Annotated[str, msgspec.Meta(min_length=1, max_length=PASSWORD_MAX_LENGTH)]
Token = Annotated[str, msgspec.Meta(min_length=1, max_length=256)]


class UserBody(WireStruct):
    id: UUID
    name: str
    email: str
    email_verified: bool
    created_at: datetime
    last_login_at: datetime | None

    @classmethod
    def of(cls, user: User) -> UserBody:
        return cls(
            id=user.id,
            name=user.name,
            email=user.email,
            email_verified=user.email_verified,
            created_at=user.created_at,
            last_login_at=user.last_login_at,
        )


class UserEnvelope(WireStruct):
    user: UserBody


class SignedInBody(WireStruct):
    user: UserBody
    csrf_token: str


class SessionBody(WireStruct):
    user: UserBody
    csrf_token: str
    idle_expires_at: datetime
    expires_at: datetime


class RegisterRequest(WireStruct):
    name: Name
    email: Email
    password: NewPassword
    # The service is for adults only: the one accepted value, said in the schema.
    confirms_adult: Literal[True]


class LoginRequest(WireStruct):
    email: LookupEmail
    password: Password


class TokenRequest(WireStruct):
    token: Token


class PasswordResetRequest(WireStruct):
    email: LookupEmail


class PasswordResetConfirmRequest(WireStruct):
    token: Token
    password: NewPassword


class RenameRequest(WireStruct):
    name: Name


class PasswordChangeRequest(WireStruct):
    current_password: Password
    new_password: NewPassword


class EmailChangeRequest(WireStruct):
    current_password: Password
    new_email: Email


class SessionItem(WireStruct):
    id: UUID
    created_at: datetime
    last_active_at: datetime
    user_agent: str
    current: bool

    @classmethod
    def of(cls, session: LoginSession, auth: UserActor) -> SessionItem:
        return cls(
            id=session.id,
            created_at=session.created_at,
            last_active_at=session.last_active_at,
            user_agent=session.user_agent,
            current=session.id == auth.session.id,
        )


class SessionPage(PageBody):
    items: list[SessionItem]


class DeleteAccountRequest(WireStruct):
    password: Password


class DeletionScheduled(WireStruct):
    purge_after: datetime
