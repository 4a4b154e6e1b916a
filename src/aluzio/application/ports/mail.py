from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol
from uuid import UUID

from aluzio.application.ports.events import Event
from aluzio.application.ports.unit_of_work import FeatureWork, Repository, RepositoryKey


@dataclass(frozen=True, slots=True)
class EmailMessage:
    """A transactional email, ready to deliver.

    It holds only what the recipient must read: the address and the content.
    """

    to: str
    subject: str
    text_body: str
    html_body: str
    category: str


class MailTemplates(Protocol):
    """Composes a message from a named template (``verify-email``, ``password-reset``...)."""

    def render(self, template: str, *, to: str, values: Mapping[str, str]) -> EmailMessage:
        """Fill the template's subject, plain-text and HTML parts with ``values``.

        ``base_url`` is always available to templates; an unknown template or a missing
        value raises ``LookupError``.
        """
        ...


class MailOutbox(Protocol):
    """Queues mail inside the current unit of work: it is sent only if the work commits.

    Enqueueing emits :data:`MAIL_ENQUEUED`, which wakes the workers once the work commits.
    ``user_id`` names the account the message is for, when there is one, so that the
    user's data can be exported and erased by id.
    """

    async def enqueue(self, message: EmailMessage, *, user_id: UUID | None = None) -> None: ...

    async def enqueue_if_registered(self, message: EmailMessage) -> None:
        """Queue ``message`` only when an account has its recipient's address. The same
        statements run either way, so the time it takes does not tell which it was."""
        ...


MAIL_OUTBOX: RepositoryKey[MailOutbox] = RepositoryKey("mail.outbox")
# Workers listen on this channel; the event carries nothing (the outbox row is the message).
MAIL_ENQUEUED = Event("aluzio_mail")


class MailUnitOfWork(FeatureWork):
    """A unit of work that can queue mail along with its other changes."""

    outbox = Repository(MAIL_OUTBOX)


# --- Delivery: what the worker needs -------------------------------------------------------


class MailDeliveryError(Exception):
    """A message could not be handed over for delivery.

    ``str(error)`` is a short reason safe to log and store: it never holds the recipient's
    address or any part of the message. ``permanent`` means that trying again cannot help
    (the server refused the recipient for good). ``configuration`` means the service's mail
    set-up is wrong, not the weather (the server offers no STARTTLS, its certificate is not
    trusted, the login is refused): an operator must act, and until then every message fails.
    """

    def __init__(
        self, reason: str, *, permanent: bool = False, configuration: bool = False
    ) -> None:
        super().__init__(f"{CONFIGURATION_ERROR_PREFIX}{reason}" if configuration else reason)
        self.permanent = permanent
        self.configuration = configuration


# The stored reason of a configuration error starts with this, so that ``mail status`` can
# tell it from an outage.
CONFIGURATION_ERROR_PREFIX = "configuration error: "


class MailTransport(Protocol):
    """Delivers one message (SMTP to Mailgun, the console, memory).

    Returns once the message is accepted for delivery; raises :class:`MailDeliveryError`
    when it is not. It must give up within a bounded time.
    """

    async def deliver(self, message: EmailMessage) -> None: ...


@dataclass(frozen=True, slots=True)
class QueuedMail:
    """A message claimed from the outbox by one worker, for the length of its lease."""

    id: str
    message: EmailMessage
    attempts: int  # including the one now in hand
    created_at: datetime


@dataclass(frozen=True, slots=True)
class MailFailure:
    id: str
    category: str
    attempts: int
    failed_at: datetime
    reason: str


@dataclass(frozen=True, slots=True)
class WaitingMail:
    """A message not delivered yet: never tried (``attempts`` 0), or waiting for a retry."""

    id: str
    category: str
    state: str
    attempts: int
    created_at: datetime
    available_at: datetime
    reason: str  # the last attempt's error, empty when never tried

    @property
    def configuration_error(self) -> bool:
        return self.reason.startswith(CONFIGURATION_ERROR_PREFIX)


@dataclass(frozen=True, slots=True)
class MailStatus:
    counts: Mapping[str, int]
    recent_failures: Sequence[MailFailure]
    waiting: Sequence[WaitingMail] = ()


class MailQueue(Protocol):
    """The worker's side of the outbox. Each call is its own short transaction."""

    async def claim(self, *, now: datetime, lease_until: datetime) -> QueuedMail | None:
        """Take the oldest message that is due (or whose previous lease has run out).

        Several workers may claim at once: each message goes to one of them. The message
        is theirs until ``lease_until``; after that any worker may claim it again.
        """
        ...

    async def mark_sent(self, mail_id: str, *, now: datetime) -> None: ...

    async def retry_later(self, mail_id: str, *, at: datetime, reason: str) -> None: ...

    async def mark_failed(self, mail_id: str, *, now: datetime, reason: str) -> None: ...

    async def release(self, mail_id: str) -> None:
        """Give a claimed message back untried, due at once (the worker is stopping)."""
        ...

    async def erase_content(self, *, finished_before: datetime) -> int:
        """Empty the personal columns of messages sent or failed before the given time.

        Returns how many messages were erased.
        """
        ...

    async def status(self, *, failures: int, waiting: int = 10) -> MailStatus:
        """Counts by state, the latest ``failures`` and the oldest ``waiting`` messages."""
        ...
