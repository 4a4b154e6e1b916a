"""Records: how a domain dataclass becomes the mapped class its repository stores."""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

R = TypeVar("R")


def as_record(record_type: type[R], entity: DataclassInstance) -> R:
    """``entity`` itself when it is already a ``record_type`` (loaded from the database),
    else a new record with the same field values (a new entity the domain created)."""
    if isinstance(entity, record_type):
        return entity
    values: dict[str, Any] = {
        field.name: getattr(entity, field.name) for field in dataclasses.fields(entity)
    }
    return record_type(**values)
