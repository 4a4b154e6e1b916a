"""Email templates stored as files beside this module.

Each template ``NAME`` is two files in ``templates/``:

- ``NAME.txt``: the first line is ``Subject: ...``, then a blank line, then the plain-text body;
- ``NAME.html``: the HTML body.

Placeholders use :class:`string.Template` syntax (``$name`` or ``${name}``). ``base_url`` is
always provided. Values are HTML-escaped in the HTML part.
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from string import Template

from aluzio.application.ports.mail import EmailMessage

TEMPLATES_DIR = Path(__file__).with_name("templates")


@dataclass(frozen=True, slots=True)
class _MailTemplate:
    subject: Template
    text: Template
    html: Template


class FileMailTemplates:
    """Loads every template once, then renders them in memory."""

    def __init__(self, base_url: str, directory: Path = TEMPLATES_DIR) -> None:
        self._base_url = base_url.rstrip("/")
        self._templates = {
            path.stem: _load(path, path.with_suffix(".html")) for path in directory.glob("*.txt")
        }

    def render(self, template: str, *, to: str, values: Mapping[str, str]) -> EmailMessage:
        try:
            parts = self._templates[template]
        except KeyError:
            raise LookupError(f"no mail template named {template!r}") from None
        plain = {**values, "base_url": self._base_url}
        escaped = {key: html.escape(value) for key, value in plain.items()}
        return EmailMessage(
            to=to,
            subject=parts.subject.substitute(plain),
            text_body=parts.text.substitute(plain),
            html_body=parts.html.substitute(escaped),
            category=template,
        )


def _load(text_path: Path, html_path: Path) -> _MailTemplate:
    first_line, _, body = text_path.read_text(encoding="utf-8").partition("\n")
    if not first_line.startswith("Subject: "):
        raise ValueError(f"{text_path.name}: the first line must be 'Subject: ...'")
    return _MailTemplate(
        subject=Template(first_line.removeprefix("Subject: ").strip()),
        text=Template(body.lstrip("\n")),
        html=Template(html_path.read_text(encoding="utf-8")),
    )
