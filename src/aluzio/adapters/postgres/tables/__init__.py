"""Every table of the schema, one module per feature, all on the shared metadata."""

from aluzio.adapters.postgres.tables import (
    accounts,
    boards,
    discussion,
    mail,
    organizations,
    privacy,
    retros,
)

__all__ = ["accounts", "boards", "discussion", "mail", "organizations", "privacy", "retros"]
