from __future__ import annotations

from dataclasses import dataclass
from datetime import date

MAX_VERSION_LENGTH = 40


@dataclass(frozen=True, slots=True)
class PolicyVersion:
    """The privacy policy in force: its version label and the date it was last updated."""

    version: str
    last_updated: date
