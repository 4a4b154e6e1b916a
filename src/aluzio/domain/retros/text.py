"""The text rules shared by retro titles, topic titles and card bodies."""

from __future__ import annotations

import unicodedata

from aluzio.domain.errors import InvalidInput

# Line breaks and tabs belong in a card's text; no other control character does.
_ALLOWED_IN_BODY = frozenset("\n\r\t")


def optional_title(raw: str | None, *, limit: int, field: str) -> str | None:
    """``raw`` trimmed, at most ``limit`` characters on one line; blank means no title."""
    if raw is None:
        return None
    title = raw.strip()
    if len(title) > limit:
        raise InvalidInput(f"The title must be at most {limit} characters long.", field=field)
    if any(unicodedata.category(char) == "Cc" for char in title):
        raise InvalidInput("The title must not contain control characters.", field=field)
    return title or None


def body_text(raw: str, *, limit: int, field: str) -> str:
    """``raw`` trimmed, 1 to ``limit`` characters; line breaks and tabs allowed."""
    body = raw.strip()
    if not 1 <= len(body) <= limit:
        raise InvalidInput(f"The text must be 1 to {limit} characters long.", field=field)
    if any(unicodedata.category(c) == "Cc" and c not in _ALLOWED_IN_BODY for c in body):
        raise InvalidInput("The text must not contain control characters.", field=field)
    return body
