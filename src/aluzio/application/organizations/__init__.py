"""Organization use cases. Every use case under an organization goes through
:func:`aluzio.application.organizations.access.require_membership`."""
