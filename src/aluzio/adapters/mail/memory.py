from __future__ import annotations

import asyncio

from aluzio.application.ports.mail import EmailMessage, MailDeliveryError


class InMemoryMailTransport:
    """Keeps delivered messages in a list, for tests.

    It can play the failures a real server shows: an outage (:attr:`down`), a recipient it
    refuses for good (:meth:`refuse`), and a slow delivery (:attr:`delay`).
    """

    def __init__(self) -> None:
        self.delivered: list[EmailMessage] = []
        self.down = False
        self.delay = 0.0
        self._refused: set[str] = set()

    def refuse(self, address: str) -> None:
        self._refused.add(address.lower())

    async def deliver(self, message: EmailMessage) -> None:
        if self.delay:
            await asyncio.sleep(self.delay)
        if self.down:
            raise MailDeliveryError("mail server unreachable")
        if message.to.lower() in self._refused:
            raise MailDeliveryError("recipient refused (550)", permanent=True)
        self.delivered.append(message)
