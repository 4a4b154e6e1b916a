"""A real SMTP server for tests (aiosmtpd) on 127.0.0.1, with STARTTLS and AUTH required.

It runs in its own thread, like a server elsewhere on the network. The TLS certificate is a
throwaway self-signed one for 127.0.0.1, made with the ``openssl`` command.
"""

from __future__ import annotations

import asyncio
import email
import email.policy
import ssl
import subprocess
import threading
import time
from dataclasses import dataclass, field
from email.message import EmailMessage as MimeMessage
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

SMTP_USERNAME = "postmaster@mg.aluzio.test"
SMTP_PASSWORD = "smtp-test-password"


@dataclass(frozen=True)
class TlsFiles:
    cert: Path
    key: Path

    def server_context(self) -> ssl.SSLContext:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(self.cert, self.key)
        return context

    def client_context(self) -> ssl.SSLContext:
        return ssl.create_default_context(cafile=str(self.cert))


def make_tls_files(directory: Path) -> TlsFiles:
    cert, key = directory / "smtp-cert.pem", directory / "smtp-key.pem"
    subprocess.run(
        [
            "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes",
            "-keyout", str(key), "-out", str(cert), "-days", "1",
            "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
        ],
        check=True,
        capture_output=True,
        timeout=30,
    )  # fmt: skip
    return TlsFiles(cert, key)


@dataclass(frozen=True)
class Received:
    mail_from: str
    rcpt_tos: tuple[str, ...]
    message: MimeMessage
    login: str | None
    over_tls: bool

    @property
    def text_body(self) -> str:
        part = self.message.get_body(("plain",))
        assert part is not None
        return _lf(str(part.get_content()))

    @property
    def html_body(self) -> str:
        part = self.message.get_body(("html",))
        assert part is not None
        return _lf(str(part.get_content()))


def _lf(text: str) -> str:
    """SMTP carries lines ending in CRLF; the message was written with LF."""
    return text.replace("\r\n", "\n")


@dataclass
class _Handler:
    received: list[Received] = field(default_factory=list)
    refused: set[str] = field(default_factory=set)
    stall_seconds: float = 0.0
    data_started: threading.Event = field(default_factory=threading.Event)
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str, _: Any):
        if address.lower() in self.refused:
            # Real servers echo the address: the adapter must not pass it on to logs.
            return f"550 5.1.1 <{address}>: Recipient address rejected"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.data_started.set()
        if self.stall_seconds:
            stall, self.stall_seconds = self.stall_seconds, 0.0
            await asyncio.sleep(stall)
            return "451 4.3.0 Stalled on purpose"
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        assert isinstance(message, MimeMessage)
        login = session.auth_data.login.decode() if session.authenticated else None
        with self.lock:
            self.received.append(
                Received(
                    envelope.mail_from,
                    tuple(envelope.rcpt_tos),
                    message,
                    login,
                    session.ssl is not None,
                )
            )
        return "250 2.0.0 Queued"


def _authenticate(server: Any, session: Any, envelope: Any, mechanism: str, data: Any):
    ok = (
        isinstance(data, LoginPassword)
        and data.login.decode() == SMTP_USERNAME
        and data.password.decode() == SMTP_PASSWORD
    )
    return AuthResult(success=ok, handled=False, auth_data=data if ok else None)


class SmtpServer:
    """An SMTP submission server for one test. STARTTLS and AUTH are required unless
    ``starttls=False`` (a server the adapter must refuse to use)."""

    def __init__(self, tls: TlsFiles, port: int, *, starttls: bool = True) -> None:
        self.port = port
        self._handler = _Handler()
        kwargs: dict[str, Any] = {"authenticator": _authenticate, "auth_required": True}
        if starttls:
            kwargs |= {"tls_context": tls.server_context(), "require_starttls": True}
        else:
            kwargs |= {"auth_require_tls": False}
        self._controller = Controller(
            self._handler, hostname="127.0.0.1", port=port, ready_timeout=10, **kwargs
        )

    @property
    def received(self) -> list[Received]:
        with self._handler.lock:
            return list(self._handler.received)

    @property
    def data_started(self) -> threading.Event:
        return self._handler.data_started

    def refuse(self, address: str) -> None:
        self._handler.refused.add(address.lower())

    def stall_next_message(self, seconds: float) -> None:
        """The next DATA hangs for ``seconds`` (then is refused): a delivery in progress."""
        self._handler.stall_seconds = seconds

    def start(self) -> SmtpServer:
        self._controller.start()
        return self

    def stop(self) -> None:
        self._controller.stop()

    def wait_for_messages(self, count: int, *, timeout: float = 15.0) -> list[Received]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            received = self.received
            if len(received) >= count:
                return received
            time.sleep(0.05)
        raise TimeoutError(f"{len(self.received)} of {count} messages arrived in {timeout}s")
