"""When a requested erasure happens, and what must be settled before it may be requested.

The privacy policy promises removal within 30 days of the request. The user may cancel
during a grace period; the purge job then erases the account. The grace period is capped
below 30 days so that the promise holds even when the worker was stopped for a while
(:data:`WORKER_OUTAGE_ALLOWANCE`) just when the purge was due.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from aluzio.domain.errors import Conflict

ERASURE_DEADLINE = timedelta(days=30)
WORKER_OUTAGE_ALLOWANCE = timedelta(days=2)
MAX_GRACE = ERASURE_DEADLINE - WORKER_OUTAGE_ALLOWANCE
DEFAULT_GRACE = timedelta(days=7)


def purge_time(requested_at: datetime, grace: timedelta) -> datetime:
    """When the account of a deletion requested at ``requested_at`` is erased."""
    if not timedelta(0) <= grace <= MAX_GRACE:
        raise ValueError(f"the grace period must be from 0 to {MAX_GRACE.days} days")
    return requested_at + grace


class SoleOwnerMustHandOver(Conflict):
    """The user is the only owner of organizations that have other members: they must make
    someone else an owner first (an organization where they are alone goes with them)."""

    code = "sole-owner-must-hand-over"
    default_message = (
        "You are the only owner of organizations with other members."
        " Make another member an owner first."
    )

    def __init__(self, organizations: Sequence[str]) -> None:
        super().__init__()
        self.organizations = tuple(organizations)
