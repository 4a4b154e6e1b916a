"""Pages of a list: what list use cases take and return, whatever stores the items."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar, Generic, TypeVar

from aluzio.domain.errors import InvalidInput

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Page:
    """``limit`` items after skipping ``offset``: 1 to 100 items a page, 50 unless asked.

    Offsets stop at 10,000: a deeper page costs the database a scan of everything before it,
    and no list a person reads is that long (a filter serves better).
    """

    DEFAULT_LIMIT: ClassVar[int] = 50
    MAX_LIMIT: ClassVar[int] = 100
    MAX_OFFSET: ClassVar[int] = 10_000

    limit: int = DEFAULT_LIMIT
    offset: int = 0

    def __post_init__(self) -> None:
        if not 1 <= self.limit <= self.MAX_LIMIT:
            raise InvalidInput(f"limit must be 1 to {self.MAX_LIMIT}.", field="limit")
        if not 0 <= self.offset <= self.MAX_OFFSET:
            raise InvalidInput(f"offset must be 0 to {self.MAX_OFFSET}.", field="offset")


@dataclass(frozen=True, slots=True)
class Paged(Generic[T]):
    """One page of items, and how many there are in all."""

    items: Sequence[T]
    total: int
