from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from uuid import UUID, uuid4

from aluzio.application.accounts.ports import TokenGenerator
from aluzio.application.organizations.ports import OrganizationsUnitOfWork
from aluzio.application.ports.clock import Clock
from aluzio.application.ports.mail import MailTemplates


def _slug_suffix() -> str:
    return secrets.token_hex(3)


@dataclass(frozen=True)
class OrganizationsContext:
    """Everything the organization use cases depend on, wired once in the composition root."""

    unit_of_work: Callable[[], OrganizationsUnitOfWork]
    tokens: TokenGenerator
    clock: Clock
    mail: MailTemplates
    base_url: str
    new_id: Callable[[], UUID] = uuid4
    slug_suffix: Callable[[], str] = _slug_suffix
