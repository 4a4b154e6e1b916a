from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Protocol


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
    """Queues mail inside the current unit of work: it is sent only if the work commits."""

    async def enqueue(self, message: EmailMessage) -> None: ...
