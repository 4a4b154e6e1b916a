"""``aluzio mail send-test`` on the in-memory unit of work: an operator's action only."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest

from aluzio.adapters.mail.templates import FileMailTemplates
from aluzio.adapters.memory.unit_of_work import MemoryStore
from aluzio.application.actor import SystemActor, UserActor
from aluzio.application.mail.send_test import SendTestMail
from aluzio.application.ports.mail import MAIL_ENQUEUED, MailUnitOfWork
from aluzio.domain.accounts.email import EmailAddress
from aluzio.domain.accounts.sessions import LoginSession, SessionTimeouts
from aluzio.domain.accounts.user import User, UserName
from aluzio.domain.errors import PermissionDenied
from aluzio.entrypoints.container import memory_unit_of_work

NOW = datetime(2026, 11, 27, 8, 0, tzinfo=UTC)


def send_test_mail(store: MemoryStore) -> SendTestMail:
    new = memory_unit_of_work(store)
    return SendTestMail(lambda: MailUnitOfWork(new()), FileMailTemplates("https://aluzio.test"))


async def test_the_cli_queues_a_test_message_and_wakes_the_workers() -> None:
    store = MemoryStore()
    await send_test_mail(store)(SystemActor("cli"), " ops@example.org ")
    [queued] = store.committed.table("mail_outbox").values()
    assert queued.message.to == "ops@example.org"
    assert queued.user_id is None
    assert store.published == [MAIL_ENQUEUED]


async def test_a_signed_in_user_may_not() -> None:
    store = MemoryStore()
    user = User.register(
        id=uuid.uuid4(),
        name=UserName("Ada"),
        email=EmailAddress("ada@example.com"),
        password_hash="$argon2id$x",
        now=NOW,
    )
    session = LoginSession.start(
        id=uuid.uuid4(),
        user_id=user.id,
        token="t",
        now=NOW,
        timeouts=SessionTimeouts(),
        user_agent="",
    )
    with pytest.raises(PermissionDenied):
        await send_test_mail(store)(UserActor(user, session, "t"), "ops@example.org")
    assert store.committed.table("mail_outbox") == {}
    assert store.published == []
