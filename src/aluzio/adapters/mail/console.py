from __future__ import annotations

import re
import sys
from typing import TextIO

from aluzio.application.ports.mail import EmailMessage

_LINK = re.compile(r"https?://[^\s<>\"']+")


class ConsoleMailTransport:
    """Prints each message, with its links listed, instead of sending it (development)."""

    def __init__(self, stream: TextIO | None = None) -> None:
        self._stream = stream

    async def deliver(self, message: EmailMessage) -> None:
        stream = self._stream or sys.stdout
        links = list(dict.fromkeys(_LINK.findall(message.text_body)))
        lines = [
            f"----- mail ({message.category}) -----",
            f"To: {message.to}",
            f"Subject: {message.subject}",
            "",
            message.text_body.rstrip(),
            "",
            *(f"link: {link}" for link in links),
            "----- end of mail -----",
        ]
        stream.write("\n".join(lines) + "\n")
        stream.flush()
