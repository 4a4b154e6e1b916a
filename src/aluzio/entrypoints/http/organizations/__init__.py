"""Organization routes: ``/api/orgs`` and everything under an organization, invitations
and join links."""
