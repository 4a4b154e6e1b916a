"""Password rules after NIST SP 800-63B rev. 4 and OWASP ASVS 5 (V6.2).

Length is what counts: no composition rules, no truncation, any character. A password is
normalised (Unicode NFKC) before it is checked or hashed, so that the same password typed on
another keyboard or system still matches. It is refused when it is predictable: a known
common password, two of them joined, a repetition of something shorter, a run of sequential
or repeated characters, too few distinct characters, or when it contains the service's name
or the user's email or name.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections.abc import Collection
from dataclasses import dataclass, field

from aluzio.domain.errors import InvalidInput

DEFAULT_MIN_LENGTH = 15
MAX_LENGTH = 256
# Name and email fragments shorter than this are too common to refuse (for example "al").
MIN_FRAGMENT_LENGTH = 4
SERVICE_WORDS = ("aluzio",)
# Fewer distinct characters than this is a repetition, whatever the length.
MIN_DISTINCT_CHARACTERS = 5
# A password of one or two predictable pieces (common passwords, runs, repetitions) is
# predictable: "password" + "12345678" is two.
MIN_RUN_LENGTH = 3
# Runs: consecutive letters or digits (9 then 0 too), or neighbours on a keyboard row.
_SEQUENCES = (
    "abcdefghijklmnopqrstuvwxyz",
    "01234567890",
    "qwertyuiop",
    "asdfghjkl",
    "zxcvbnm",
    "qwertzuiop",
    "azertyuiop",
)


def normalise_password(password: str) -> str:
    """The form a password is checked and hashed in: Unicode NFKC (NIST SP 800-63B)."""
    return unicodedata.normalize("NFKC", password)


@dataclass(frozen=True, slots=True)
class PasswordPolicy:
    min_length: int = DEFAULT_MIN_LENGTH
    common_passwords: Collection[str] = frozenset()
    context_words: Collection[str] = field(default=SERVICE_WORDS)

    def __post_init__(self) -> None:
        if not 8 <= self.min_length <= MAX_LENGTH:
            raise ValueError(f"the minimum password length must be 8 to {MAX_LENGTH}")

    def check(self, password: str, *, email: str, name: str, field: str = "password") -> None:
        """Raise InvalidInput (for ``field``) unless ``password`` is acceptable for this user."""
        password = normalise_password(password)
        if len(password) < self.min_length:
            raise InvalidInput(
                f"The password must be at least {self.min_length} characters long.", field=field
            )
        if len(password) > MAX_LENGTH:
            raise InvalidInput(
                f"The password must be at most {MAX_LENGTH} characters long.", field=field
            )
        lowered = password.lower()
        fragments = _personal_fragments(email, name) | {w.lower() for w in self.context_words}
        if any(fragment in lowered for fragment in fragments):
            raise InvalidInput(
                "The password must not contain your email address or name, or the name of "
                "the service.",
                field=field,
            )
        if is_predictable(lowered, self.common_passwords):
            raise InvalidInput("This password is too common. Choose another one.", field=field)


def is_predictable(lowered: str, common_passwords: Collection[str] = frozenset()) -> bool:
    """True when ``lowered`` is one or two predictable pieces, or is made of too few
    distinct characters."""
    if len(set(lowered)) < MIN_DISTINCT_CHARACTERS:
        return True

    def piece(text: str) -> bool:
        return text in common_passwords or _is_run(text) or _is_repetition(text)

    # MAX_PREDICTABLE_PIECES: the whole, or a prefix and the rest.
    return piece(lowered) or any(
        piece(lowered[:k]) and piece(lowered[k:]) for k in range(1, len(lowered))
    )


def _is_run(text: str) -> bool:
    """Sequential or repeated characters in one direction: "aaaa", "abcd", "4321", "qwer"."""
    if len(text) < MIN_RUN_LENGTH:
        return False
    pairs = [a + b for a, b in itertools.pairwise(text)]
    if all(pair[0] == pair[1] for pair in pairs):
        return True
    return any(
        all(pair in sequence for pair in pairs) or all(pair[::-1] in sequence for pair in pairs)
        for sequence in _SEQUENCES
    )


def _is_repetition(text: str) -> bool:
    """``text`` repeats a shorter part at least twice ("passwordpassword", "abcabcabca")."""
    if len(text) < 2:
        return False
    # The shortest period from the prefix function (Knuth-Morris-Pratt).
    border = [0] * len(text)
    for i in range(1, len(text)):
        k = border[i - 1]
        while k and text[i] != text[k]:
            k = border[k - 1]
        border[i] = k + 1 if text[i] == text[k] else 0
    period = len(text) - border[-1]
    return period * 2 <= len(text)


def _personal_fragments(email: str, name: str) -> set[str]:
    email = email.strip().lower()
    name = name.strip().lower()
    local = email.rpartition("@")[0]
    candidates = {
        email,
        local,
        name,
        *re.split(r"[\s._\-+]+", name),
        *re.split(r"[._\-+]+", local),
    }
    return {part for part in candidates if len(part) >= MIN_FRAGMENT_LENGTH}
