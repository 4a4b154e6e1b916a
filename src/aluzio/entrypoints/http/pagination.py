"""Paging for every list endpoint, one convention (docs/api.md): ``limit`` and ``offset``
query parameters in, ``{items, total, limit, offset}`` out."""

from __future__ import annotations

from typing import Annotated

from litestar.params import Parameter

from aluzio.application.pagination import Page
from aluzio.entrypoints.http.schema import WireStruct

Limit = Annotated[
    int,
    Parameter(ge=1, le=Page.MAX_LIMIT, description=f"Items per page, 1 to {Page.MAX_LIMIT}."),
]
Offset = Annotated[
    int,
    Parameter(ge=0, le=Page.MAX_OFFSET, description=f"Items to skip, 0 to {Page.MAX_OFFSET}."),
]


class PageBody(WireStruct):
    """What every page says besides its items: a subclass adds ``items: list[Item]``."""

    total: int  # every item the list holds, across pages
    limit: int
    offset: int
