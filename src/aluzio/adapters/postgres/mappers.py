"""Imperative mappings of domain entities onto tables.

The domain's dataclasses know nothing of SQLAlchemy; this module teaches SQLAlchemy about
them, once per process, when the Postgres adapter is first built.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.orm import registry

from aluzio.adapters.postgres.accounts import map_accounts
from aluzio.adapters.postgres.boards import map_boards
from aluzio.adapters.postgres.discussion import map_discussion
from aluzio.adapters.postgres.mapping import mapper_registry
from aluzio.adapters.postgres.organizations import map_organizations
from aluzio.adapters.postgres.retros import map_retros

# Each feature appends a function that calls ``registry.map_imperatively`` for its entities.
_MAPPERS: list[Callable[[registry], None]] = [
    map_accounts,
    map_organizations,
    map_boards,
    map_retros,
    map_discussion,
]
_configured = False


def configure_mappers() -> None:
    """Map every domain entity. Safe to call more than once."""
    global _configured
    if _configured:
        return
    for map_feature in _MAPPERS:
        map_feature(mapper_registry)
    mapper_registry.configure()
    _configured = True
