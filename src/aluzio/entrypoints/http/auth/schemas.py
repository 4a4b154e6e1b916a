"""Request and response bodies of the account routes (camelCase on the wire)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated
from uuid import UUID

import msgspec

from aluzio.application.actor import UserActor
from aluzio.domain.accounts.sessions import LoginSession
from aluzio.domain.accounts.user import User
from aluzio.entrypoints.http.schema import WireStruct

# Generous bounds against abuse only; the business rules give the precise limits.
ShortText = Annotated[str, msgspec.Meta(max_length=1024)]
Token = Annotated[str, msgspec.Meta(max_length=256)]


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
    name: ShortText
    email: ShortText
    password: ShortText
    confirms_adult: bool


class LoginRequest(WireStruct):
    email: ShortText
    password: ShortText


class TokenRequest(WireStruct):
    token: Token


class PasswordResetRequest(WireStruct):
    email: ShortText


class PasswordResetConfirmRequest(WireStruct):
    token: Token
    password: ShortText


class RenameRequest(WireStruct):
    name: ShortText


class PasswordChangeRequest(WireStruct):
    current_password: ShortText
    new_password: ShortText


class EmailChangeRequest(WireStruct):
    current_password: ShortText
    new_email: ShortText


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


class SessionList(WireStruct):
    sessions: list[SessionItem]
    total: int  # live sessions in all; ``sessions`` is the page asked for (limit, offset)
