"""Permission rows of the routes under ``/api/orgs/{slug}`` (see ``permissions.py``)."""

from __future__ import annotations

from tests.integration.organizations.permissions import Row

ORG = "/api/orgs/{slug:str}"

ROWS: dict[tuple[str, str], Row] = {
    ("GET", ORG): Row((401, 404, 200, 200, 200)),
    ("PATCH", ORG): Row((401, 404, 403, 200, 200), body=lambda o: {"name": "Renamed"}),
    ("DELETE", ORG): Row((401, 404, 403, 403, 204), body=lambda o: {"confirmSlug": o.slug}),
    ("GET", f"{ORG}/members"): Row((401, 404, 200, 200, 200)),
    ("PATCH", f"{ORG}/members/{{user_id:uuid}}"): Row(
        (401, 404, 403, 200, 200), body=lambda o: {"role": "admin"}
    ),
    ("DELETE", f"{ORG}/members/{{user_id:uuid}}"): Row((401, 404, 403, 204, 204)),
    # The owner is the last owner: leaving is refused.
    ("POST", f"{ORG}/leave"): Row((401, 404, 204, 204, 409)),
    ("POST", f"{ORG}/invitations"): Row(
        (401, 404, 403, 201, 201),
        body=lambda o: {"email": "someone.new@example.com", "role": "member"},
    ),
    ("GET", f"{ORG}/invitations"): Row((401, 404, 403, 200, 200)),
    ("DELETE", f"{ORG}/invitations/{{invitation_id:uuid}}"): Row((401, 404, 403, 204, 204)),
    ("POST", f"{ORG}/join-link"): Row((401, 404, 403, 201, 201)),
    ("DELETE", f"{ORG}/join-link"): Row((401, 404, 403, 204, 204)),
}
