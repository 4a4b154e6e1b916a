from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from aluzio.application.accounts.context import AccountsContext
from aluzio.application.privacy.ports import PrivacyUnitOfWork
from aluzio.domain.privacy.policy import PolicyVersion


@dataclass(frozen=True)
class PrivacyContext:
    """Everything the privacy use cases depend on, wired once in the composition root."""

    unit_of_work: Callable[[], PrivacyUnitOfWork]
    accounts: AccountsContext  # password checks, link tokens, throttle keys, mail, clock
    grace: timedelta
    policy: PolicyVersion
