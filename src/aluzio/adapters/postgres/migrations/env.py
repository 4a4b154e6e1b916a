"""Alembic environment. Always driven programmatically by :mod:`..migrator`, which hands
over an open connection in ``config.attributes["connection"]``."""

from __future__ import annotations

from alembic import context

from aluzio.adapters.postgres import tables  # noqa: F401  (registers every table)
from aluzio.adapters.postgres.mapping import metadata

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=metadata,
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
