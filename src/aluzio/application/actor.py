"""Who is acting: every use case receives an :data:`Actor`.

A signed-in user (with the sign-in session their request carries), or the system itself
(scheduled jobs, the worker, the CLI). The entrypoints resolve it: HTTP requests and
WebSocket handshakes from the session cookie, the same way; jobs and commands build a
:class:`SystemActor`. What an actor may do is decided in
:mod:`aluzio.application.authorization`.
"""

from __future__ import annotations

from dataclasses import dataclass

from aluzio.domain.accounts.sessions import LoginSession
from aluzio.domain.accounts.user import User


@dataclass(frozen=True, slots=True)
class UserActor:
    """A signed-in user. ``token`` is the raw session token of this request (the CSRF
    token is derived from it); it is never stored."""

    user: User
    session: LoginSession
    token: str


@dataclass(frozen=True, slots=True)
class SystemActor:
    """The service itself: ``name`` says which part (``"cli"``, ``"mail-worker"``...)."""

    name: str


Actor = UserActor | SystemActor
