from __future__ import annotations

import re
from dataclasses import dataclass

from aluzio.domain.errors import InvalidInput

MAX_EMAIL_LENGTH = 254
MAX_LOCAL_PART_LENGTH = 64

# Syntax only (no DNS): a dot-atom-ish local part and a domain of at least two labels.
_LOCAL = re.compile(r"^[a-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[a-z0-9!#$%&'*+/=?^_`{|}~-]+)*$")
_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")


@dataclass(frozen=True, slots=True)
class EmailAddress:
    """A syntactically valid email address in its normal form (trimmed, lower case).

    Two addresses that differ only in case are the same account: the normal form is what is
    stored and compared.
    """

    value: str

    def __post_init__(self) -> None:
        value = self.value
        if value != value.strip().lower():
            raise InvalidInput("The email address is not normalised.", field="email")
        if not is_valid_email(value):
            raise InvalidInput("Enter a valid email address.", field="email")

    @classmethod
    def parse(cls, raw: str, *, field: str = "email") -> EmailAddress:
        normal = normalise_email(raw)
        if not is_valid_email(normal):
            raise InvalidInput("Enter a valid email address.", field=field)
        return cls(normal)

    @property
    def local_part(self) -> str:
        return self.value.rpartition("@")[0]

    def __str__(self) -> str:
        return self.value


def normalise_email(raw: str) -> str:
    return raw.strip().lower()


def is_valid_email(value: str) -> bool:
    if len(value) > MAX_EMAIL_LENGTH or value.count("@") != 1:
        return False
    local, _, domain = value.partition("@")
    if not local or len(local) > MAX_LOCAL_PART_LENGTH or not _LOCAL.match(local):
        return False
    labels = domain.split(".")
    if len(labels) < 2 or not all(_LABEL.match(label) for label in labels):
        return False
    return not labels[-1].isdigit()
