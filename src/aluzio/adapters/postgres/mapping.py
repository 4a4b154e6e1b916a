"""The one metadata and mapper registry that every table and imperative mapping uses.

Constraint names follow a fixed convention so that migrations are reproducible and so that
:mod:`aluzio.adapters.postgres.integrity` can recognise a violated constraint by name.
"""

from __future__ import annotations

from sqlalchemy import MetaData
from sqlalchemy.orm import registry

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

metadata = MetaData(naming_convention=NAMING_CONVENTION)
mapper_registry = registry(metadata=metadata)
