"""One contract for the delivery port, run against the in-memory transport and against the
SMTP transport talking to a real SMTP server (aiosmtpd) with STARTTLS and AUTH."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from aluzio.adapters.mail.memory import InMemoryMailTransport
from aluzio.adapters.mail.smtp import SmtpMailTransport
from aluzio.application.ports.mail import EmailMessage, MailDeliveryError, MailTransport
from tests.support.processes import free_port
from tests.support.smtp import SMTP_PASSWORD, SMTP_USERNAME, SmtpServer, TlsFiles, make_tls_files

SENDER = "Aluzio <no-reply@mg.aluzio.test>"


def a_message(to: str = "ada@example.org", **changes: str) -> EmailMessage:
    fields = {
        "to": to,
        "subject": "Verify your email address",
        "text_body": "Open https://aluzio.test/verify#token=abc123 to verify.\n",
        "html_body": '<p><a href="https://aluzio.test/verify#token=abc123">Verify</a></p>\n',
        "category": "verify-email",
    }
    return EmailMessage(**{**fields, **changes})


@pytest.fixture(scope="module")
def tls(tmp_path_factory: pytest.TempPathFactory) -> TlsFiles:
    return make_tls_files(tmp_path_factory.mktemp("tls"))


@dataclass
class Delivered:
    to: str
    subject: str
    text_body: str
    html_body: str


@dataclass
class TransportUnderTest:
    transport: MailTransport
    delivered: Callable[[], list[Delivered]]
    refuse: Callable[[str], None]
    go_down: Callable[[], None]
    come_back: Callable[[], None]
    cleanup: list[Callable[[], None]] = field(default_factory=list)


def memory_transport() -> TransportUnderTest:
    memory = InMemoryMailTransport()

    def delivered() -> list[Delivered]:
        return [Delivered(m.to, m.subject, m.text_body, m.html_body) for m in memory.delivered]

    def set_down(down: bool) -> None:
        memory.down = down

    return TransportUnderTest(
        memory, delivered, memory.refuse, lambda: set_down(True), lambda: set_down(False)
    )


def smtp_transport(tls: TlsFiles) -> TransportUnderTest:
    port = free_port()
    servers = [SmtpServer(tls, port).start()]
    refused: list[str] = []
    running = [True]

    def delivered() -> list[Delivered]:
        return [
            Delivered(str(r.message["To"]), str(r.message["Subject"]), r.text_body, r.html_body)
            for server in servers
            for r in server.received
        ]

    def refuse(address: str) -> None:
        refused.append(address)
        servers[-1].refuse(address)

    def go_down() -> None:
        servers[-1].stop()
        running[0] = False

    def come_back() -> None:
        server = SmtpServer(tls, port)
        for address in refused:
            server.refuse(address)
        servers.append(server.start())
        running[0] = True

    def stop() -> None:
        if running[0]:
            servers[-1].stop()

    transport = SmtpMailTransport(
        sender=SENDER,
        username=SMTP_USERNAME,
        password=SMTP_PASSWORD,
        host="127.0.0.1",
        port=port,
        timeout=5,
        deadline=10,
        tls_context=tls.client_context(),
    )
    return TransportUnderTest(transport, delivered, refuse, go_down, come_back, [stop])


@pytest.fixture(params=["memory", "smtp"])
def under_test(request: pytest.FixtureRequest, tls: TlsFiles) -> Iterator[TransportUnderTest]:
    subject = memory_transport() if request.param == "memory" else smtp_transport(tls)
    yield subject
    for cleanup in subject.cleanup:
        cleanup()


async def test_delivers_the_message(under_test: TransportUnderTest) -> None:
    message = a_message()
    await under_test.transport.deliver(message)
    assert under_test.delivered() == [
        Delivered(message.to, message.subject, message.text_body, message.html_body)
    ]


async def test_keeps_non_ascii_content_intact(under_test: TransportUnderTest) -> None:
    message = a_message(
        subject="Rétro du lundi — ça commence 🎉",
        text_body="Grüße aus Zürich: “Start”, ½ Stunde.\n",
        html_body="<p>Grüße aus Zürich: “Start”, ½ Stunde.</p>\n",
    )
    await under_test.transport.deliver(message)
    [delivered] = under_test.delivered()
    assert (delivered.subject, delivered.text_body, delivered.html_body) == (
        message.subject,
        message.text_body,
        message.html_body,
    )


async def test_a_refused_recipient_fails_for_good_without_naming_the_address(
    under_test: TransportUnderTest,
) -> None:
    under_test.refuse("gone@example.org")
    with pytest.raises(MailDeliveryError) as raised:
        await under_test.transport.deliver(a_message(to="gone@example.org"))
    assert raised.value.permanent
    assert "gone@example.org" not in str(raised.value)
    assert under_test.delivered() == []


async def test_an_outage_fails_for_now_and_delivery_resumes_when_it_ends(
    under_test: TransportUnderTest,
) -> None:
    under_test.go_down()
    with pytest.raises(MailDeliveryError) as raised:
        await under_test.transport.deliver(a_message())
    assert not raised.value.permanent
    assert "ada@example.org" not in str(raised.value)
    under_test.come_back()
    await under_test.transport.deliver(a_message())
    assert [d.to for d in under_test.delivered()] == ["ada@example.org"]


# --- What only the SMTP transport has to get right ------------------------------------------


@pytest.fixture
def smtp_server(tls: TlsFiles) -> Iterator[SmtpServer]:
    server = SmtpServer(tls, free_port()).start()
    yield server
    server.stop()


def smtp_to(server: SmtpServer, tls: TlsFiles, **changes: object) -> SmtpMailTransport:
    options: dict[str, object] = {
        "sender": SENDER,
        "username": SMTP_USERNAME,
        "password": SMTP_PASSWORD,
        "host": "127.0.0.1",
        "port": server.port,
        "timeout": 5.0,
        "deadline": 10.0,
        "tls_context": tls.client_context(),
    }
    return SmtpMailTransport(**{**options, **changes})  # type: ignore[arg-type]


async def test_smtp_sends_over_starttls_after_auth_from_the_configured_sender(
    smtp_server: SmtpServer, tls: TlsFiles
) -> None:
    await smtp_to(smtp_server, tls).deliver(a_message())
    [received] = smtp_server.received
    assert received.over_tls
    assert received.login == SMTP_USERNAME
    assert received.mail_from == "no-reply@mg.aluzio.test"
    assert received.rcpt_tos == ("ada@example.org",)
    assert received.message["From"] == SENDER
    # Mailgun must not rewrite links or add a tracking pixel.
    assert received.message["X-Mailgun-Track"] == "no"
    assert received.message["X-Mailgun-Track-Clicks"] == "no"
    assert received.message["X-Mailgun-Track-Opens"] == "no"
    assert received.message["Message-ID"].endswith("@mg.aluzio.test>")


async def test_smtp_defaults_are_mailguns() -> None:
    transport = SmtpMailTransport(sender=SENDER, username="u", password="p")
    assert (transport._host, transport._port) == ("smtp.mailgun.org", 587)


async def test_smtp_refuses_a_server_without_starttls(tls: TlsFiles) -> None:
    server = SmtpServer(tls, free_port(), starttls=False).start()
    try:
        with pytest.raises(MailDeliveryError, match="STARTTLS") as raised:
            await smtp_to(server, tls).deliver(a_message())
    finally:
        server.stop()
    assert not raised.value.permanent
    assert raised.value.configuration
    assert server.received == []


async def test_smtp_refuses_a_certificate_it_does_not_trust(
    smtp_server: SmtpServer, tls: TlsFiles
) -> None:
    with pytest.raises(MailDeliveryError, match="certificate verification failed") as raised:
        await smtp_to(smtp_server, tls, tls_context=None).deliver(a_message())
    assert raised.value.configuration
    assert "cannot reach" not in str(raised.value)
    assert smtp_server.received == []


async def test_smtp_wrong_password_is_a_temporary_failure_that_hides_the_password(
    smtp_server: SmtpServer, tls: TlsFiles
) -> None:
    with pytest.raises(MailDeliveryError, match="authentication failed \\(535\\)") as raised:
        await smtp_to(smtp_server, tls, password="wrong-secret").deliver(a_message())
    assert not raised.value.permanent
    assert raised.value.configuration
    assert "wrong-secret" not in str(raised.value)
    assert smtp_server.received == []


async def test_smtp_refuses_an_address_that_would_inject_headers(
    smtp_server: SmtpServer, tls: TlsFiles
) -> None:
    with pytest.raises(MailDeliveryError) as raised:
        await smtp_to(smtp_server, tls).deliver(a_message(to="a@example.org\r\nBcc: b@evil.test"))
    assert raised.value.permanent
    assert smtp_server.received == []


async def test_smtp_gives_up_on_a_hanging_server_by_its_deadline(
    smtp_server: SmtpServer, tls: TlsFiles
) -> None:
    smtp_server.stall_next_message(5)
    started = time.monotonic()
    with pytest.raises(MailDeliveryError, match="timed out") as raised:
        await smtp_to(smtp_server, tls, timeout=0.5, deadline=1.0).deliver(a_message())
    assert time.monotonic() - started < 3
    assert not raised.value.permanent


async def test_smtp_an_outage_is_not_a_configuration_error(tls: TlsFiles) -> None:
    with pytest.raises(MailDeliveryError, match="cannot reach") as raised:
        await SmtpMailTransport(
            sender=SENDER,
            username=SMTP_USERNAME,
            password=SMTP_PASSWORD,
            host="127.0.0.1",
            port=free_port(),
            timeout=2.0,
            deadline=4.0,
            tls_context=tls.client_context(),
        ).deliver(a_message())
    assert not raised.value.configuration


def test_tls_files_are_fresh(tls: TlsFiles) -> None:
    assert Path(tls.cert).read_text().startswith("-----BEGIN CERTIFICATE-----")
