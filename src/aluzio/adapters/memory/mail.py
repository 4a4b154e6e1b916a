from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from aluzio.adapters.memory.unit_of_work import MemoryRepositories, MemoryScope
from aluzio.application.ports.mail import MAIL_ENQUEUED, MAIL_OUTBOX, EmailMessage
from aluzio.domain.accounts.user import User

OUTBOX_TABLE = "mail_outbox"


@dataclass(frozen=True, slots=True)
class QueuedMessage:
    message: EmailMessage
    user_id: UUID | None


class InMemoryMailOutbox:
    def __init__(self, scope: MemoryScope) -> None:
        self._rows = scope.state.table(OUTBOX_TABLE)
        self._users: dict[UUID, User] = scope.state.table("users")
        self._emit = scope.emit

    async def enqueue(self, message: EmailMessage, *, user_id: UUID | None = None) -> None:
        self._rows[len(self._rows)] = QueuedMessage(message, user_id)
        self._emit(MAIL_ENQUEUED)

    async def enqueue_if_registered(self, message: EmailMessage) -> None:
        owner = next((user for user in self._users.values() if user.email == message.to), None)
        if owner is not None:
            self._rows[len(self._rows)] = QueuedMessage(message, owner.id)
        self._emit(MAIL_ENQUEUED)


def queued_mail(scope: MemoryScope) -> list[QueuedMessage]:
    """Every message enqueued in ``scope``'s state, oldest first."""
    return list(scope.state.table(OUTBOX_TABLE).values())


def register_memory_mail(repositories: MemoryRepositories) -> None:
    repositories.register(MAIL_OUTBOX, InMemoryMailOutbox)
