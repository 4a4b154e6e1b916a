"""Account routes: thin translations between HTTP and the account use cases."""

from __future__ import annotations

from typing import TypeVar

from litestar import Controller, Response, delete, get, patch, post
from litestar.datastructures import CacheControlHeader
from litestar.di import NamedDependency
from litestar.openapi.datastructures import ResponseSpec
from litestar.params import JSONBody
from litestar.response import Stream
from litestar.status_codes import HTTP_202_ACCEPTED, HTTP_204_NO_CONTENT

from aluzio.application.accounts import password_reset, profile, registration, sessions
from aluzio.application.accounts.context import AccountsContext
from aluzio.application.accounts.sessions import ClientInfo, SignedIn
from aluzio.application.actor import UserActor
from aluzio.application.pagination import Page
from aluzio.application.privacy import erasure, export
from aluzio.application.privacy.context import PrivacyContext
from aluzio.domain.accounts.errors import (
    AccountDeletionPending,
    EmailTaken,
    InvalidCredentials,
    InvalidToken,
)
from aluzio.domain.errors import InvalidInput, TooManyAttempts
from aluzio.domain.privacy.erasure import SoleOwnerMustHandOver
from aluzio.entrypoints.http.auth.cookies import SessionCookies
from aluzio.entrypoints.http.auth.csrf import csrf_token
from aluzio.entrypoints.http.auth.schemas import (
    DeleteAccountRequest,
    DeletionScheduled,
    EmailChangeRequest,
    LoginRequest,
    PasswordChangeRequest,
    PasswordResetConfirmRequest,
    PasswordResetRequest,
    RegisterRequest,
    RenameRequest,
    SessionBody,
    SessionItem,
    SessionPage,
    SignedInBody,
    TokenRequest,
    UserBody,
    UserEnvelope,
)
from aluzio.entrypoints.http.openapi import problems
from aluzio.entrypoints.http.pagination import Limit, Offset
from aluzio.entrypoints.http.privacy.export import ExportDocument, document_chunks
from aluzio.entrypoints.http.responses import EmptyResponse

T = TypeVar("T")
NO_STORE = CacheControlHeader(no_store=True)
Accounts = NamedDependency[AccountsContext]
Auth = NamedDependency[UserActor]
Client = NamedDependency[ClientInfo]
Cookies = NamedDependency[SessionCookies]
Privacy = NamedDependency[PrivacyContext]


def _signed_in(cookies: SessionCookies, outcome: SignedIn, body: T, status: int) -> Response[T]:
    return Response(body, status_code=status, cookies=[cookies.issue(outcome.token)])


def _accepted() -> Response[bytes]:
    """202 with an empty body and no content type: the work (an email) happens later."""
    return EmptyResponse(HTTP_202_ACCEPTED)


def _csrf(accounts: AccountsContext, token: str) -> str:
    return csrf_token(accounts.secret_key, token)


def _export_responses() -> dict[int, ResponseSpec]:
    """The export is streamed: its schema is declared here, not inferred from a return type."""
    responses = problems(TooManyAttempts)
    responses[200] = ResponseSpec(
        data_container=ExportDocument,
        media_type="application/json",
        description="The export document, as an attachment (streamed).",
        generate_examples=False,
    )
    return responses


class AuthController(Controller):
    path = "/api/auth"
    tags = ["auth"]  # noqa: RUF012  (Litestar declares it as an instance attribute)
    cache_control = NO_STORE

    @post(
        "/register",
        operation_id="register",
        responses=problems(InvalidInput, EmailTaken, TooManyAttempts),
        status_code=201,
        summary="Create an account and sign in.",
    )
    async def register(
        self,
        data: JSONBody[RegisterRequest],
        accounts: Accounts,
        client: Client,
        session_cookies: Cookies,
    ) -> Response[UserEnvelope]:
        form = registration.Registration(data.name, data.email, data.password, data.confirms_adult)
        outcome = await registration.register(accounts, form, client)
        return _signed_in(session_cookies, outcome, UserEnvelope(UserBody.of(outcome.user)), 201)

    @post(
        "/login",
        operation_id="login",
        responses=problems(
            InvalidInput, InvalidCredentials, AccountDeletionPending, TooManyAttempts
        ),
        status_code=200,
        summary="Sign in with email and password.",
    )
    async def login(
        self,
        data: JSONBody[LoginRequest],
        accounts: Accounts,
        client: Client,
        session_cookies: Cookies,
    ) -> Response[SignedInBody]:
        outcome = await sessions.login(accounts, data.email, data.password, client)
        body = SignedInBody(UserBody.of(outcome.user), _csrf(accounts, outcome.token))
        return _signed_in(session_cookies, outcome, body, 200)

    @post(
        "/logout",
        operation_id="logout",
        status_code=HTTP_204_NO_CONTENT,
        summary="Sign out: end this session and clear the cookie.",
    )
    async def logout(
        self, accounts: Accounts, auth: Auth, session_cookies: Cookies
    ) -> Response[None]:
        await sessions.logout(accounts, auth)
        return Response(None, status_code=204, cookies=[session_cookies.cleared()])

    @get("/session", operation_id="getSession", summary="The current session.")
    async def session(self, accounts: Accounts, auth: Auth) -> SessionBody:
        return SessionBody(
            user=UserBody.of(auth.user),
            csrf_token=_csrf(accounts, auth.token),
            idle_expires_at=auth.session.idle_expires_at,
            expires_at=auth.session.expires_at,
        )

    @post(
        "/verify-email",
        operation_id="verifyEmail",
        responses=problems(InvalidToken),
        status_code=200,
        summary="Confirm the email address with the token from the verification link.",
    )
    async def verify_email(self, data: JSONBody[TokenRequest], accounts: Accounts) -> UserEnvelope:
        return UserEnvelope(UserBody.of(await registration.verify_email(accounts, data.token)))

    @post(
        "/verify-email/resend",
        operation_id="resendVerificationEmail",
        responses=problems(TooManyAttempts),
        status_code=HTTP_202_ACCEPTED,
        summary="Send a new verification link.",
    )
    async def resend_verification(self, accounts: Accounts, auth: Auth) -> Response[bytes]:
        await registration.resend_verification(accounts, auth)
        return _accepted()

    @post(
        "/password-reset",
        operation_id="requestPasswordReset",
        responses=problems(InvalidInput, TooManyAttempts),
        status_code=HTTP_202_ACCEPTED,
        summary="Email a password-reset link, if the account exists.",
    )
    async def request_password_reset(
        self, data: JSONBody[PasswordResetRequest], accounts: Accounts, client: Client
    ) -> Response[bytes]:
        await password_reset.request_password_reset(accounts, data.email, client)
        return _accepted()

    @post(
        "/password-reset/confirm",
        operation_id="confirmPasswordReset",
        responses=problems(InvalidInput, InvalidToken),
        status_code=HTTP_204_NO_CONTENT,
        summary="Set a new password with a reset token.",
    )
    async def confirm_password_reset(
        self, data: JSONBody[PasswordResetConfirmRequest], accounts: Accounts
    ) -> None:
        await password_reset.confirm_password_reset(accounts, data.token, data.password)

    @post(
        "/cancel-deletion",
        operation_id="cancelAccountDeletion",
        responses=problems(InvalidToken),
        status_code=HTTP_204_NO_CONTENT,
        summary="Keep the account: cancel its deletion with the token from the email's link.",
    )
    async def cancel_deletion(self, data: JSONBody[TokenRequest], privacy: Privacy) -> None:
        await erasure.cancel_deletion(privacy, data.token)


class MeController(Controller):
    path = "/api/me"
    tags = ["me"]  # noqa: RUF012
    cache_control = NO_STORE

    @get(operation_id="getMe", summary="The signed-in user's profile.")
    async def get_me(self, auth: Auth) -> UserBody:
        return UserBody.of(auth.user)

    @delete(
        operation_id="deleteMe",
        responses=problems(InvalidInput, SoleOwnerMustHandOver, TooManyAttempts),
        status_code=HTTP_202_ACCEPTED,
        summary="Delete the account after the grace period; signs out everywhere at once.",
    )
    async def delete_me(
        self,
        data: JSONBody[DeleteAccountRequest],
        privacy: Privacy,
        auth: Auth,
        session_cookies: Cookies,
    ) -> Response[DeletionScheduled]:
        purge_after = await erasure.request_deletion(privacy, auth, data.password)
        return Response(
            DeletionScheduled(purge_after=purge_after),
            status_code=HTTP_202_ACCEPTED,
            cookies=[session_cookies.cleared()],
        )

    @patch(
        operation_id="updateMe",
        responses=problems(InvalidInput),
        summary="Change the display name.",
    )
    async def update_me(
        self, data: JSONBody[RenameRequest], accounts: Accounts, auth: Auth
    ) -> UserBody:
        return UserBody.of(await profile.rename(accounts, auth, data.name))

    @post(
        "/password",
        operation_id="changePassword",
        responses=problems(InvalidInput, TooManyAttempts),
        status_code=HTTP_204_NO_CONTENT,
        summary="Change the password; every other session ends.",
    )
    async def change_password(
        self, data: JSONBody[PasswordChangeRequest], accounts: Accounts, auth: Auth
    ) -> None:
        await profile.change_password(accounts, auth, data.current_password, data.new_password)

    @post(
        "/email",
        operation_id="requestEmailChange",
        responses=problems(InvalidInput, TooManyAttempts),
        status_code=HTTP_202_ACCEPTED,
        summary="Send a confirmation link to a new email address.",
    )
    async def request_email_change(
        self, data: JSONBody[EmailChangeRequest], accounts: Accounts, auth: Auth
    ) -> Response[bytes]:
        await profile.request_email_change(accounts, auth, data.current_password, data.new_email)
        return _accepted()

    @post(
        "/email/confirm",
        operation_id="confirmEmailChange",
        responses=problems(InvalidToken, EmailTaken),
        status_code=200,
        summary="Switch to the new email address with the token from its link.",
    )
    async def confirm_email_change(
        self, data: JSONBody[TokenRequest], accounts: Accounts
    ) -> UserEnvelope:
        return UserEnvelope(UserBody.of(await profile.confirm_email_change(accounts, data.token)))

    @get(
        "/export",
        operation_id="exportMyData",
        responses=_export_responses(),
        summary="Everything held about the user, as a JSON attachment (schema in the body).",
    )
    async def export_my_data(self, privacy: Privacy, auth: Auth) -> Stream:
        found = await export.export_account(privacy, auth)
        return Stream(
            document_chunks(found),
            media_type="application/json",
            headers={"Content-Disposition": 'attachment; filename="aluzio-export.json"'},
        )

    @get("/sessions", operation_id="listSessions", summary="The user's active sessions.")
    async def list_sessions(
        self,
        accounts: Accounts,
        auth: Auth,
        limit: Limit = Page.DEFAULT_LIMIT,
        offset: Offset = 0,
    ) -> SessionPage:
        found = await sessions.list_sessions(accounts, auth, Page(limit=limit, offset=offset))
        return SessionPage(
            items=[SessionItem.of(s, auth) for s in found.items],
            total=found.total,
            limit=limit,
            offset=offset,
        )

    @delete(
        "/sessions/others",
        operation_id="endOtherSessions",
        status_code=HTTP_204_NO_CONTENT,
        summary="Sign out everywhere else.",
    )
    async def end_other_sessions(self, accounts: Accounts, auth: Auth) -> None:
        await sessions.end_other_sessions(accounts, auth)
