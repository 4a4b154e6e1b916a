from __future__ import annotations

from sqlalchemy import func, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from aluzio.adapters.postgres.tables.mail import mail_outbox
from aluzio.application.ports.mail import EmailMessage

# Workers LISTEN on this channel; Postgres delivers the notification only when the
# enqueueing transaction commits, so a rolled-back change wakes nobody.
MAIL_CHANNEL = "aluzio_mail"


class PostgresMailOutbox:
    """Writes messages to ``mail_outbox`` inside the unit of work's transaction."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def enqueue(self, message: EmailMessage) -> None:
        await self._session.execute(
            insert(mail_outbox).values(
                category=message.category,
                recipient=message.to,
                subject=message.subject,
                text_body=message.text_body,
                html_body=message.html_body,
            )
        )
        await self._session.execute(select(func.pg_notify(MAIL_CHANNEL, "")))
