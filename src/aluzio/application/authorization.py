"""What an actor may do: the one place use cases ask before acting.

Today an account is reached only by its own user. Organizations add membership and roles
here (``require_member(actor, organization)``...), so HTTP, WebSocket, jobs and the CLI
share one rule. Use cases call these first; each raises a domain error, never an HTTP one.
"""

from __future__ import annotations

from aluzio.application.actor import Actor, SystemActor, UserActor
from aluzio.domain.errors import NotAuthenticated, PermissionDenied


def require_user(actor: Actor) -> UserActor:
    """The signed-in user behind ``actor``; the system has no account of its own."""
    if not isinstance(actor, UserActor):
        raise NotAuthenticated()
    return actor


def require_operator(actor: Actor) -> SystemActor:
    """Operations on the service itself (the CLI, jobs); no signed-in user may run them."""
    if not isinstance(actor, SystemActor):
        raise PermissionDenied()
    return actor
