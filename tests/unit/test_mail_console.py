from __future__ import annotations

import io
from datetime import UTC, datetime

from aluzio.adapters.mail.console import ConsoleMailTransport
from aluzio.application.ports.mail import EmailMessage, MailFailure, MailStatus
from aluzio.entrypoints.cli.mail import format_status


async def test_console_prints_the_message_and_lists_its_links() -> None:
    stream = io.StringIO()
    await ConsoleMailTransport(stream).deliver(
        EmailMessage(
            "ada@example.org",
            "Reset your password",
            "Open http://127.0.0.1:8000/reset#token=abc to choose a new one.\n"
            "Or ignore this message. http://127.0.0.1:8000/reset#token=abc\n",
            "<p>html</p>",
            "password-reset",
        )
    )
    output = stream.getvalue().splitlines()
    assert "To: ada@example.org" in output
    assert "Subject: Reset your password" in output
    assert output.count("link: http://127.0.0.1:8000/reset#token=abc") == 1


def test_status_shows_counts_and_failures_but_no_content() -> None:
    status = MailStatus(
        counts={"pending": 2, "sending": 0, "sent": 10, "failed": 1},
        recent_failures=[
            MailFailure(
                "0b1c",
                "verify-email",
                41,
                datetime(2026, 11, 27, 6, 0, tzinfo=UTC),
                "SMTP timed out",
            )
        ],
    )
    assert format_status(status).splitlines() == [
        "pending  2",
        "sending  0",
        "sent     10",
        "failed   1",
        "",
        "recent failures:",
        "  2026-11-27 06:00:00+0000  0b1c  verify-email  41 attempts  SMTP timed out",
    ]
