"""Email templates stored as files beside this module.

Each template ``NAME`` is two files in ``templates/``:

- ``NAME.txt``: the first line is ``Subject: ...``, then a blank line, then the plain-text body;
- ``NAME.html``: the HTML body.

Placeholders use :class:`string.Template` syntax (``$name`` or ``${name}``). ``base_url`` is
always provided. Values are HTML-escaped in the HTML part.

A placeholder named ``token`` or ``*_token`` may only appear in a link's fragment
(``$base_url/verify-email#token=$token``): browsers never send the fragment to the server, so
the token stays out of access logs. A template that breaks this rule fails to load.
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from string import Template

from aluzio.application.ports.mail import EmailMessage

TEMPLATES_DIR = Path(__file__).with_name("templates")

_PLACEHOLDER = re.compile(
    r"\$(?:\{(?P<braced>[_a-zA-Z][_a-zA-Z0-9]*)\}|(?P<named>[_a-zA-Z][_a-zA-Z0-9]*))"
)
_IN_FRAGMENT = re.compile(r"#[A-Za-z0-9_-]+=$")


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
    text = text_path.read_text(encoding="utf-8")
    html_text = html_path.read_text(encoding="utf-8")
    first_line, _, body = text.partition("\n")
    if not first_line.startswith("Subject: "):
        raise ValueError(f"{text_path.name}: the first line must be 'Subject: ...'")
    _check_tokens_in_fragments(text_path.name, text)
    _check_tokens_in_fragments(html_path.name, html_text)
    return _MailTemplate(
        subject=Template(first_line.removeprefix("Subject: ").strip()),
        text=Template(body.lstrip("\n")),
        html=Template(html_text),
    )


def _check_tokens_in_fragments(name: str, source: str) -> None:
    for match in _PLACEHOLDER.finditer(source):
        placeholder = match.group("braced") or match.group("named")
        if placeholder != "token" and not placeholder.endswith("_token"):
            continue
        if not _IN_FRAGMENT.search(source, 0, match.start()):
            raise ValueError(
                f"{name}: ${placeholder} must be in a link's fragment, e.g. #token=${placeholder}"
            )
