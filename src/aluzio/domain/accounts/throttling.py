"""Attempt limits, counted per key (an account, a client address) in fixed windows.

An attempt is counted *before* it is tried, so a burst of parallel requests cannot slip past
the limit; a success then gives its attempt back.
"""

from __future__ import annotations

import ipaddress
import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from aluzio.domain.errors import TooManyAttempts


@dataclass(frozen=True, slots=True)
class ThrottleRule:
    max_attempts: int
    window: timedelta
    lockout: timedelta

    def __post_init__(self) -> None:
        if self.max_attempts < 1 or self.window <= timedelta(0) or self.lockout < timedelta(0):
            raise ValueError("a throttle rule needs a positive limit and window")


# Sign-in is limited tightly per account and client address, so one address cannot lock
# the account for everyone else: 10 failures in 15 minutes lock that pair for 15 minutes.
LOGIN_PER_ACCOUNT_AND_CLIENT = ThrottleRule(10, timedelta(minutes=15), timedelta(minutes=15))
# Loosely per account, from every address together: NIST SP 800-63B allows at most 100
# consecutive failures; 100 in an hour lock the account for an hour. A success,
# or a completed password reset, clears the count.
LOGIN_PER_ACCOUNT = ThrottleRule(100, timedelta(hours=1), timedelta(hours=1))
LOGIN_PER_CLIENT = ThrottleRule(50, timedelta(minutes=15), timedelta(minutes=15))
# Every password change attempt by a signed-in user, right or wrong: each one costs hashing.
PASSWORD_CHANGE_PER_ACCOUNT = ThrottleRule(5, timedelta(minutes=15), timedelta(minutes=15))
# Email change requests: each sends two messages.
EMAIL_CHANGE_PER_ACCOUNT = ThrottleRule(5, timedelta(hours=1), timedelta(hours=1))
EMAIL_CHANGE_PER_RECIPIENT = ThrottleRule(3, timedelta(hours=1), timedelta(hours=1))
REGISTER_PER_CLIENT = ThrottleRule(20, timedelta(hours=1), timedelta(hours=1))
RESET_PER_ACCOUNT = ThrottleRule(5, timedelta(hours=1), timedelta(hours=1))
RESET_PER_CLIENT = ThrottleRule(20, timedelta(hours=1), timedelta(hours=1))
RESEND_PER_ACCOUNT = ThrottleRule(5, timedelta(hours=1), timedelta(hours=1))
# A data export reads everything of the account: a few an hour are plenty.
EXPORT_PER_ACCOUNT = ThrottleRule(5, timedelta(hours=1), timedelta(hours=1))
# Longer than any rule's window plus lockout: older throttles that lock nothing are deleted.
THROTTLE_RETENTION = timedelta(days=1)


@dataclass(eq=False)
class Throttle:
    key: str
    attempts: int
    window_started_at: datetime
    locked_until: datetime | None = None

    def count_attempt(self, now: datetime, rule: ThrottleRule) -> None:
        """Count one attempt, or raise TooManyAttempts (counting nothing) while locked."""
        if self.locked_until is not None and now < self.locked_until:
            raise TooManyAttempts(retry_after_seconds=math.ceil(_seconds(self.locked_until - now)))
        if self.locked_until is not None or now - self.window_started_at >= rule.window:
            self.attempts = 0
            self.window_started_at = now
            self.locked_until = None
        self.attempts += 1
        if self.attempts >= rule.max_attempts:
            # This attempt is still allowed; the next ones wait.
            self.locked_until = max(now + rule.lockout, self.window_started_at + rule.window)

    def forgive(self, rule: ThrottleRule) -> None:
        """Give back one counted attempt (it succeeded)."""
        self.attempts = max(0, self.attempts - 1)
        if self.attempts < rule.max_attempts:
            self.locked_until = None

    def reset(self) -> None:
        self.attempts = 0
        self.locked_until = None


def client_subject(address: str) -> str:
    """What a per-address limit counts: an IPv4 address as it is, an IPv6 address by its
    /64 prefix (one subscriber usually holds a whole /64, so every address in it is one
    client). An IPv4 address mapped into IPv6 counts as the IPv4 address."""
    try:
        parsed = ipaddress.ip_address(address.strip())
    except ValueError:
        return address
    if isinstance(parsed, ipaddress.IPv6Address):
        if parsed.ipv4_mapped is not None:
            return str(parsed.ipv4_mapped)
        return str(ipaddress.IPv6Network((parsed, 64), strict=False))
    return str(parsed)


def _seconds(delta: timedelta) -> float:
    return delta.total_seconds()
