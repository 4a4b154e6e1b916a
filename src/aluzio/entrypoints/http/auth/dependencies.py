"""Dependencies for route handlers: what the account routes use, and the acting user.

Built once by the composition root (:func:`account_dependencies`), so controllers receive
exactly what they use and never the whole object graph.
"""

from __future__ import annotations

from typing import Any

from litestar import Request
from litestar.di import Provide
from litestar.types import Scope

from aluzio.application.accounts.context import AccountsContext
from aluzio.application.accounts.sessions import ClientInfo
from aluzio.application.actor import UserActor
from aluzio.domain.errors import NotAuthenticated
from aluzio.entrypoints.http.auth.cookies import SessionCookies
from aluzio.entrypoints.http.auth.middleware import actor_of, presented_token
from aluzio.entrypoints.http.proxy import client_ip


def provide_auth(scope: Scope) -> UserActor:
    """The signed-in user of this request or WebSocket; 401 without one."""
    actor = actor_of(scope)
    if actor is None:
        raise NotAuthenticated()
    return actor


def provide_verified_auth(scope: Scope) -> UserActor:
    """The signed-in user, only when their email is verified (else 403
    ``email-not-verified``). For routes that need a proven address."""
    actor = provide_auth(scope)
    actor.user.require_verified_email()
    return actor


def account_dependencies(
    accounts: AccountsContext, cookies: SessionCookies, *, trust_proxy: bool
) -> dict[str, Provide]:
    """``accounts``, ``session_cookies``, ``client``, ``auth`` and ``verified_auth``."""

    def provide_accounts() -> AccountsContext:
        return accounts

    def provide_cookies() -> SessionCookies:
        return cookies

    def provide_client(request: Request[Any, Any, Any]) -> ClientInfo:
        return ClientInfo(
            address=client_ip(request, trust_proxy=trust_proxy),
            user_agent=request.headers.get("user-agent"),
            presented_token=presented_token(request),
        )

    return {
        "accounts": Provide(provide_accounts, sync_to_thread=False),
        "session_cookies": Provide(provide_cookies, sync_to_thread=False),
        "client": Provide(provide_client, sync_to_thread=False),
        "auth": Provide(provide_auth, sync_to_thread=False),
        "verified_auth": Provide(provide_verified_auth, sync_to_thread=False),
    }
