"""Delivery over SMTP with aiosmtplib, with Mailgun's defaults.

STARTTLS is required (a server that does not offer it gets nothing) and so is AUTH. Errors
become :class:`MailDeliveryError` with a reason made of the error's kind and SMTP code only:
servers echo addresses in their replies, and those must not reach logs or the database.
"""

from __future__ import annotations

import asyncio
import ssl
from email.headerregistry import Address
from email.message import EmailMessage as MimeMessage
from email.utils import formatdate, make_msgid, parseaddr

import aiosmtplib

from aluzio.application.ports.mail import EmailMessage, MailDeliveryError

MAILGUN_HOST = "smtp.mailgun.org"
MAILGUN_EU_HOST = "smtp.eu.mailgun.org"
SUBMISSION_PORT = 587

# Per message, ask Mailgun not to rewrite links or add an open-tracking pixel: the service
# uses no trackers, and links carry tokens that only the recipient should follow.
NO_TRACKING_HEADERS = {
    "X-Mailgun-Track": "no",
    "X-Mailgun-Track-Clicks": "no",
    "X-Mailgun-Track-Opens": "no",
}


class SmtpMailTransport:
    def __init__(
        self,
        *,
        sender: str,
        username: str,
        password: str,
        host: str = MAILGUN_HOST,
        port: int = SUBMISSION_PORT,
        timeout: float = 10.0,
        deadline: float = 20.0,
        tls_context: ssl.SSLContext | None = None,
    ) -> None:
        """``timeout`` bounds the connection and each command; ``deadline`` the whole
        message. ``tls_context`` defaults to the system's trusted certificates."""
        self._sender = sender
        self._sender_address = parseaddr(sender)[1]
        self._username = username
        self._password = password
        self._host = host
        self._port = port
        self._timeout = timeout
        self._deadline = deadline
        self._tls_context = tls_context or ssl.create_default_context()

    async def deliver(self, message: EmailMessage) -> None:
        try:
            mime = self._compose(message)
        except Exception as exc:  # an address or header the email package cannot encode
            raise MailDeliveryError(
                f"the message cannot be encoded ({type(exc).__name__})", permanent=True
            ) from None
        client = aiosmtplib.SMTP(
            hostname=self._host,
            port=self._port,
            username=self._username,
            password=self._password,
            start_tls=True,
            timeout=self._timeout,
            tls_context=self._tls_context,
        )
        try:
            async with asyncio.timeout(self._deadline):
                async with client:
                    await client.send_message(
                        mime, sender=self._sender_address, recipients=[message.to]
                    )
        except TimeoutError:
            raise MailDeliveryError("SMTP timed out") from None
        except aiosmtplib.SMTPRecipientsRefused as exc:
            codes = [refused.code for refused in exc.recipients]
            permanent = bool(codes) and all(500 <= code < 600 for code in codes)
            raise MailDeliveryError(
                f"recipient refused ({', '.join(map(str, codes))})", permanent=permanent
            ) from None
        except aiosmtplib.SMTPAuthenticationError as exc:
            raise MailDeliveryError(
                f"SMTP authentication failed ({exc.code})", configuration=True
            ) from None
        except aiosmtplib.SMTPResponseException as exc:
            raise MailDeliveryError(f"{type(exc).__name__} ({exc.code})") from None
        except aiosmtplib.SMTPException as exc:
            if isinstance(exc.__cause__ or exc.__context__, ssl.SSLCertVerificationError):
                raise _certificate_refused() from None
            reason, configuration = _describe(exc)
            raise MailDeliveryError(reason, configuration=configuration) from None
        except ssl.SSLCertVerificationError:
            raise _certificate_refused() from None
        except (OSError, ssl.SSLError) as exc:
            raise MailDeliveryError(
                f"cannot reach the SMTP server ({type(exc).__name__})"
            ) from None

    def _compose(self, message: EmailMessage) -> MimeMessage:
        mime = MimeMessage()
        mime["From"] = self._sender
        mime["To"] = Address(addr_spec=message.to)
        mime["Subject"] = message.subject
        mime["Date"] = formatdate(usegmt=True)
        domain = self._sender_address.rpartition("@")[2] or None
        mime["Message-ID"] = make_msgid(domain=domain)
        for name, value in NO_TRACKING_HEADERS.items():
            mime[name] = value
        mime.set_content(message.text_body)
        mime.add_alternative(message.html_body, subtype="html")
        return mime


def _certificate_refused() -> MailDeliveryError:
    return MailDeliveryError(
        "SMTP certificate verification failed (is the relay's CA in SSL_CERT_FILE?)",
        configuration=True,
    )


def _describe(exc: aiosmtplib.SMTPException) -> tuple[str, bool]:
    """A reason, and whether it is the set-up's fault rather than a passing failure."""
    text = str(exc)
    if "STARTTLS" in text:
        return "the SMTP server does not offer STARTTLS", True
    if "AUTH" in text:
        return "the SMTP server does not offer AUTH", True
    if isinstance(exc, aiosmtplib.SMTPConnectError | aiosmtplib.SMTPServerDisconnected):
        return f"cannot reach the SMTP server ({type(exc).__name__})", False
    return type(exc).__name__, False
