"""Permission rows of the vote, discussion and timer routes (see
``tests/integration/organizations/permissions.py``).

They reuse what ``tests/integration/retros/permission_rows.py`` prepares: ``retro_id`` is a
retro in draft facilitated by the owner, ``topic_id`` a topic of a retro in group. Votes are
cast in vote, the cursor moves in discuss and timers run from reflect on, so every member
meets 409 ``phase-not-allowed``: the rows prove the access check (401, 404) comes before
the phase rule. Each rule past it has its own test in ``tests/integration/retros``.
"""

from __future__ import annotations

from tests.integration.organizations.permissions import Row

RETRO = "/api/retros/{retro_id:uuid}"
VOTES = "/api/topics/{topic_id:uuid}/votes"
_IN_PHASE_ONLY = (401, 404, 409, 409, 409)

ROWS: dict[tuple[str, str], Row] = {
    ("POST", VOTES): Row(_IN_PHASE_ONLY, not_found="topic-not-found"),
    ("DELETE", VOTES): Row(_IN_PHASE_ONLY, not_found="topic-not-found"),
    ("POST", f"{RETRO}/discussion"): Row(
        _IN_PHASE_ONLY, body=lambda o: {"topicId": o.ids["topic_id"]}, not_found="retro-not-found"
    ),
    ("PUT", f"{RETRO}/timer"): Row(
        _IN_PHASE_ONLY, body=lambda o: {"seconds": 60}, not_found="retro-not-found"
    ),
    ("DELETE", f"{RETRO}/timer"): Row(_IN_PHASE_ONLY, not_found="retro-not-found"),
}
