from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable
from dataclasses import dataclass
from uuid import UUID, uuid4

from aluzio.application.accounts.ports import (
    AccountsUnitOfWork,
    PasswordHasher,
    SessionLookup,
    TokenGenerator,
)
from aluzio.application.ports.clock import Clock
from aluzio.application.ports.mail import MailTemplates
from aluzio.domain.accounts.passwords import PasswordPolicy
from aluzio.domain.accounts.sessions import SessionTimeouts
from aluzio.domain.accounts.throttling import client_subject


@dataclass(frozen=True)
class AccountsContext:
    """Everything the account use cases depend on, wired once in the composition root."""

    unit_of_work: Callable[[], AccountsUnitOfWork]
    session_lookup: SessionLookup
    hasher: PasswordHasher
    tokens: TokenGenerator
    clock: Clock
    mail: MailTemplates
    policy: PasswordPolicy
    timeouts: SessionTimeouts
    secret_key: bytes
    new_id: Callable[[], UUID] = uuid4
    policy_version: str | None = None  # the privacy policy a registering user accepts

    def throttle_key(self, scope: str, subject: str) -> str:
        """A pseudonymous throttle key: the email or address itself is never stored."""
        return f"{scope}:{self._pseudonym(scope, subject)}"

    def client_throttle_key(self, scope: str, address: str) -> str:
        """The throttle key of a client address (an IPv6 client by its /64)."""
        return self.throttle_key(scope, client_subject(address))

    def account_client_throttle_key(self, scope: str, account: str, address: str) -> str:
        """The throttle key of one account from one client address. Every such key of an
        account starts with :meth:`account_throttle_prefix`."""
        client = self._pseudonym(f"{scope}-client", client_subject(address))
        return f"{self.account_throttle_prefix(scope, account)}{client}"

    def account_throttle_prefix(self, scope: str, account: str) -> str:
        return f"{scope}:{self._pseudonym(scope, account)}:"

    def _pseudonym(self, scope: str, subject: str) -> str:
        digest = hmac.new(self.secret_key, f"{scope}\x00{subject}".encode(), hashlib.sha256)
        return digest.hexdigest()
