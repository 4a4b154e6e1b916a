"""``aluzio admin export-user | erase-user | notify-policy-change``: privacy requests that
arrive by email, and the notice of a privacy policy change."""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path

from aluzio.application.privacy import erasure, export, policy
from aluzio.domain.errors import DomainError
from aluzio.entrypoints.container import build_container
from aluzio.entrypoints.http.privacy.export import document_chunks
from aluzio.entrypoints.logging import configure_logging
from aluzio.entrypoints.settings import Settings


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser("admin", help="privacy requests and policy-change notices")
    actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")

    export_user = actions.add_parser(
        "export-user",
        help="write the export of EMAIL's account (the document of GET /api/me/export)",
    )
    export_user.add_argument("email")
    export_user.add_argument(
        "-o", "--output", type=Path, help="the file to write (default: standard output)"
    )
    export_user.set_defaults(run=lambda a: asyncio.run(_export_user(a.email, a.output)))

    erase = actions.add_parser(
        "erase-user", help="erase the account of EMAIL and everything of theirs, at once"
    )
    erase.add_argument("email")
    erase.add_argument(
        "--reason", required=True, help="why (logged; do not include the address itself)"
    )
    erase.set_defaults(run=lambda a: asyncio.run(_erase_user(a.email, a.reason)))

    notify = actions.add_parser(
        "notify-policy-change",
        help="email every verified user the summary of a policy change (once per version)",
    )
    notify.add_argument("--version", required=True, help="the new policy version")
    notify.add_argument(
        "--summary-file", required=True, type=Path, help="plain text summary of the changes"
    )
    notify.set_defaults(run=_notify_command)


async def _export_user(email: str, output: Path | None) -> int:
    settings = Settings.from_env()
    configure_logging(settings)
    container = build_container(settings)
    try:
        found = await export.export_for_operator(container.privacy, email)
        if output is None:
            async for chunk in document_chunks(found):
                sys.stdout.buffer.write(chunk)
            sys.stdout.buffer.flush()
        else:
            with output.open("wb") as file:
                async for chunk in document_chunks(found):
                    file.write(chunk)
    except DomainError as exc:
        print(f"aluzio: {exc.message}", file=sys.stderr)
        return 2
    except OSError as exc:
        print(f"aluzio: cannot write {output}: {exc}", file=sys.stderr)
        return 2
    finally:
        await container.close()
    if output is not None:
        print(f"aluzio: the export is written to {output}", file=sys.stderr)
    return 0


async def _erase_user(email: str, reason: str) -> int:
    if not reason.strip():
        print("aluzio: --reason must not be empty", file=sys.stderr)
        return 2
    settings = Settings.from_env()
    configure_logging(settings)
    container = build_container(settings)
    try:
        await erasure.erase_now(container.privacy, email, reason=reason.strip())
    except DomainError as exc:
        print(f"aluzio: {exc.message}", file=sys.stderr)
        return 2
    finally:
        await container.close()
    print("aluzio: the account and everything of theirs are erased")
    return 0


def _notify_command(args: argparse.Namespace) -> int:
    try:
        summary = args.summary_file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        print(f"aluzio: cannot read {args.summary_file}: {exc}", file=sys.stderr)
        return 2
    return asyncio.run(_notify(args.version, summary))


async def _notify(version: str, summary: str) -> int:
    settings = Settings.from_env()
    configure_logging(settings)
    container = build_container(settings)
    try:
        sent = await policy.notify_policy_change(container.privacy, version, summary)
    except DomainError as exc:
        print(f"aluzio: {exc.message}", file=sys.stderr)
        return 2
    finally:
        await container.close()
    print(f"aluzio: policy {version.strip()} notice queued for {sent} users; a worker sends them")
    return 0
