"""Pages of a list: what list use cases take and return, whatever stores the items."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar, Generic, TypeVar

from aluzio.domain.errors import InvalidInput

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Page:
    """``limit`` items after skipping ``offset``; 1 to 100 items a page."""

    MAX_LIMIT: ClassVar[int] = 100

    limit: int = MAX_LIMIT
    offset: int = 0

    def __post_init__(self) -> None:
        if not 1 <= self.limit <= self.MAX_LIMIT:
            raise InvalidInput(f"limit must be 1 to {self.MAX_LIMIT}.", field="limit")
        if self.offset < 0:
            raise InvalidInput("offset must not be negative.", field="offset")


@dataclass(frozen=True, slots=True)
class Paged(Generic[T]):
    """One page of items, and how many there are in all."""

    items: Sequence[T]
    total: int
