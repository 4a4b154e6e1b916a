from __future__ import annotations

from collections.abc import Callable

from aluzio.application.actor import Actor
from aluzio.application.authorization import require_operator
from aluzio.application.ports.mail import MailTemplates, MailUnitOfWork
from aluzio.domain.errors import InvalidInput

TEST_TEMPLATE = "mail-test"


class SendTestMail:
    """An operator checks the mail path end to end: one message to an address they own."""

    def __init__(
        self, unit_of_work: Callable[[], MailUnitOfWork], templates: MailTemplates
    ) -> None:
        self._unit_of_work = unit_of_work
        self._templates = templates

    async def __call__(self, actor: Actor, to: str) -> None:
        require_operator(actor)
        address = to.strip()
        local, at, domain = address.partition("@")
        if not (local and at and domain) or any(char.isspace() for char in address):
            raise InvalidInput("That is not an email address.", field="to")
        message = self._templates.render(TEST_TEMPLATE, to=address, values={})
        async with self._unit_of_work() as uow:
            await uow.outbox.enqueue(message)
            await uow.commit()
