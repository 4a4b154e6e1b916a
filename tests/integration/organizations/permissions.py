"""What the permission matrix (``test_permissions.py``) is made of.

Each feature writes the rows of its organization-scoped routes in a ``permission_rows.py``
module of its own test package (``tests/integration/<feature>/permission_rows.py``):

- ``ROWS``: ``{(method, route path as the app's route table spells it): Row(...)}``;
- optionally ``async def prepare(org, people)``, which creates what its paths name (a board,
  a retro...) in each fresh organization and records the ids in ``org.ids`` by path
  parameter name. Modules are prepared in the order of their package names.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from tests.integration.organizations.conftest import Person

ROLES = ("anonymous", "non-member", "member", "admin", "owner")
# The people of every matrix organization: one per role, and a plain member acted upon.
CAST = ("non-member", "member", "admin", "owner", "victim")


@dataclass
class Org:
    """A fresh organization of the matrix: owner, admin, member and victim are members,
    with one pending invitation. ``ids`` fills path parameters by name (``slug``,
    ``user_id``, ``invitation_id``, and what the features' ``prepare`` add)."""

    slug: str
    ids: dict[str, str] = field(default_factory=dict)


def _no_body(_: Org) -> Any:
    return None


@dataclass(frozen=True)
class Row:
    """Expected statuses for anonymous, non-member, member, admin and owner; a 404 must
    carry the problem type ``not_found`` and a 403 one ending with ``forbidden``."""

    statuses: tuple[int, int, int, int, int]
    body: Callable[[Org], Any] = _no_body
    not_found: str = "organization-not-found"
    forbidden: str = "-role-required"


Prepare = Callable[[Org, dict[str, Person]], Awaitable[None]]

_PARAMETER = re.compile(r"\{(\w+)(?::\w+)?\}")


def fill(path: str, org: Org) -> str:
    """``path`` from the route table with its parameters replaced by ``org``'s ids."""
    return _PARAMETER.sub(lambda match: org.ids[match.group(1)], path)
