"""``aluzio mail status | send-test``: look at the outbox, or queue a test message."""

from __future__ import annotations

import argparse
import asyncio
import sys
from datetime import UTC, datetime, timedelta

from aluzio.adapters.postgres.database import create_engine
from aluzio.adapters.postgres.mail_outbox import PostgresMailQueue
from aluzio.application.actor import SystemActor
from aluzio.application.mail.send_test import SendTestMail
from aluzio.application.ports.mail import CONFIGURATION_ERROR_PREFIX, MailStatus
from aluzio.domain.errors import DomainError
from aluzio.entrypoints.container import build_container
from aluzio.entrypoints.settings import Settings


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser("mail", help="transactional email: status, test message")
    actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")

    status = actions.add_parser(
        "status", help="messages by state, those waiting, and the latest failures"
    )
    status.add_argument("--failures", type=int, default=10, help="how many failures to list")
    status.set_defaults(run=lambda a: asyncio.run(_status(a.failures)))

    send_test = actions.add_parser("send-test", help="queue a test message to ADDRESS")
    send_test.add_argument("address")
    send_test.set_defaults(run=lambda a: asyncio.run(_send_test(a.address)))


async def _status(failures: int) -> int:
    url = Settings.from_env().require_database_url()
    engine = create_engine(url, pool_size=1, max_overflow=0)
    try:
        status = await PostgresMailQueue(engine).status(failures=max(failures, 0))
    finally:
        await engine.dispose()
    print(format_status(status, now=datetime.now(UTC)))
    return 0


# A message queued this long ago and never tried means no worker is delivering.
NO_WORKER_AFTER = timedelta(minutes=5)


def format_status(status: MailStatus, *, now: datetime | None = None) -> str:
    """Counts by state, what looks wrong, the messages waiting (with their attempts and last
    error) and the latest failures: ids, categories and reasons, never content."""
    lines = [f"{state:<8} {count}" for state, count in status.counts.items()]
    lines += _diagnosis(status, now)
    if status.waiting:
        lines += ["", "waiting (oldest first):"]
        lines += [
            f"  {mail.created_at:%Y-%m-%d %H:%M:%S%z}  {mail.id}  {mail.category}  {mail.state}"
            f"  {mail.attempts} attempts"
            + (
                f"  next {mail.available_at:%Y-%m-%d %H:%M:%S%z}  {mail.reason}"
                if mail.attempts
                else "  not tried yet"
            )
            for mail in status.waiting
        ]
    if status.recent_failures:
        lines += ["", "recent failures:"]
        lines += [
            f"  {failure.failed_at:%Y-%m-%d %H:%M:%S%z}  {failure.id}  {failure.category}"
            f"  {failure.attempts} attempts  {failure.reason}"
            for failure in status.recent_failures
        ]
    return "\n".join(lines)


def _diagnosis(status: MailStatus, now: datetime | None) -> list[str]:
    found: list[str] = []
    misconfigured = [mail for mail in status.waiting if mail.configuration_error]
    if misconfigured:
        reason = misconfigured[-1].reason.removeprefix(CONFIGURATION_ERROR_PREFIX)
        found.append(
            f"SMTP CONFIGURATION ERROR: {reason}; every message fails until the mail settings"
            " are fixed"
        )
    if now is not None:
        untried = [mail for mail in status.waiting if mail.attempts == 0]
        if untried and now - untried[0].created_at >= NO_WORKER_AFTER:
            minutes = int((now - untried[0].created_at).total_seconds() // 60)
            found.append(
                f"NO DELIVERY: a message has waited {minutes} minutes without a single"
                " attempt; is a worker running (aluzio worker)?"
            )
    return ["", *found] if found else []


async def _send_test(address: str) -> int:
    container = build_container(Settings.from_env())
    try:
        send = SendTestMail(container.mail_unit_of_work, container.mail_templates)
        await send(SystemActor("cli"), address)
    except DomainError as exc:
        print(f"aluzio: {exc.message}", file=sys.stderr)
        return 2
    finally:
        await container.close()
    print("aluzio: test message queued; a running worker delivers it")
    return 0
