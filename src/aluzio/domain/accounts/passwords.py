"""Password rules after NIST SP 800-63B rev. 4 and OWASP ASVS 5 (V6.2).

Length is what counts: no composition rules, no truncation, any character. A password is
also refused when it is a known common password or contains the user's email or name.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass

from aluzio.domain.errors import InvalidInput

DEFAULT_MIN_LENGTH = 15
MAX_LENGTH = 256
# Name and email fragments shorter than this are too common to refuse (for example "al").
MIN_FRAGMENT_LENGTH = 4


@dataclass(frozen=True, slots=True)
class PasswordPolicy:
    min_length: int = DEFAULT_MIN_LENGTH
    common_passwords: Collection[str] = frozenset()

    def __post_init__(self) -> None:
        if not 8 <= self.min_length <= MAX_LENGTH:
            raise ValueError(f"the minimum password length must be 8 to {MAX_LENGTH}")

    def check(self, password: str, *, email: str, name: str, field: str = "password") -> None:
        """Raise InvalidInput (for ``field``) unless ``password`` is acceptable for this user."""
        if len(password) < self.min_length:
            raise InvalidInput(
                f"The password must be at least {self.min_length} characters long.", field=field
            )
        if len(password) > MAX_LENGTH:
            raise InvalidInput(
                f"The password must be at most {MAX_LENGTH} characters long.", field=field
            )
        lowered = password.lower()
        if lowered in self.common_passwords:
            raise InvalidInput("This password is too common. Choose another one.", field=field)
        if any(fragment in lowered for fragment in _personal_fragments(email, name)):
            raise InvalidInput(
                "The password must not contain your email address or name.", field=field
            )


def _personal_fragments(email: str, name: str) -> set[str]:
    email = email.strip().lower()
    name = name.strip().lower()
    candidates = {email, email.rpartition("@")[0], name, *re.split(r"[\s._\-+]+", name)}
    return {part for part in candidates if len(part) >= MIN_FRAGMENT_LENGTH}
