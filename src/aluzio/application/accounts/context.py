from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable
from dataclasses import dataclass
from uuid import UUID, uuid4

from aluzio.application.accounts.ports import AccountsUnitOfWork, PasswordHasher, TokenGenerator
from aluzio.application.ports.clock import Clock
from aluzio.application.ports.mail import MailTemplates
from aluzio.domain.accounts.passwords import PasswordPolicy
from aluzio.domain.accounts.sessions import SessionTimeouts


@dataclass(frozen=True)
class AccountsContext:
    """Everything the account use cases depend on, wired once in the composition root."""

    unit_of_work: Callable[[], AccountsUnitOfWork]
    hasher: PasswordHasher
    tokens: TokenGenerator
    clock: Clock
    mail: MailTemplates
    policy: PasswordPolicy
    timeouts: SessionTimeouts
    secret_key: bytes
    new_id: Callable[[], UUID] = uuid4

    def throttle_key(self, scope: str, subject: str) -> str:
        """A pseudonymous throttle key: the email or address itself is never stored."""
        digest = hmac.new(self.secret_key, f"{scope}\x00{subject}".encode(), hashlib.sha256)
        return f"{scope}:{digest.hexdigest()}"
