"""Every table of the schema, one module per feature, all on the shared metadata."""

from aluzio.adapters.postgres.tables import accounts, mail, organizations, privacy

__all__ = ["accounts", "mail", "organizations", "privacy"]
