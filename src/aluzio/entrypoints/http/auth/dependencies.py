"""Dependencies for route handlers: the account use cases' context, the caller's session."""

from __future__ import annotations

from typing import Any

from litestar import Request
from litestar.di import NamedDependency, Provide

from aluzio.application.accounts.context import AccountsContext
from aluzio.application.accounts.sessions import Authenticated, ClientInfo
from aluzio.domain.errors import NotAuthenticated
from aluzio.entrypoints.container import Container
from aluzio.entrypoints.http.auth.cookies import MAX_TOKEN_LENGTH, SESSION_COOKIE
from aluzio.entrypoints.http.auth.middleware import AUTH_STATE_KEY
from aluzio.entrypoints.http.proxy import client_ip


def current_auth(request: Request[Any, Any, Any]) -> Authenticated | None:
    auth = request.scope.get("state", {}).get(AUTH_STATE_KEY)
    return auth if isinstance(auth, Authenticated) else None


def provide_accounts(container: NamedDependency[Container]) -> AccountsContext:
    return container.accounts


def provide_auth(request: Request[Any, Any, Any]) -> Authenticated:
    """The caller's live session; 401 without one."""
    auth = current_auth(request)
    if auth is None:
        raise NotAuthenticated()
    return auth


def provide_verified_auth(request: Request[Any, Any, Any]) -> Authenticated:
    """The caller's live session, only when their email is verified (else 403
    ``email-not-verified``). For routes that need a proven address."""
    auth = provide_auth(request)
    auth.user.require_verified_email()
    return auth


def provide_client(
    request: Request[Any, Any, Any], container: NamedDependency[Container]
) -> ClientInfo:
    token = request.cookies.get(SESSION_COOKIE)
    return ClientInfo(
        address=client_ip(request, trust_proxy=container.settings.trust_proxy),
        user_agent=request.headers.get("user-agent"),
        presented_token=token if token and len(token) <= MAX_TOKEN_LENGTH else None,
    )


ACCOUNT_DEPENDENCIES = {
    "accounts": Provide(provide_accounts, sync_to_thread=False),
    "auth": Provide(provide_auth, sync_to_thread=False),
    "verified_auth": Provide(provide_verified_auth, sync_to_thread=False),
    "client": Provide(provide_client, sync_to_thread=False),
}
