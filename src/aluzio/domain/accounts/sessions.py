"""Sign-in sessions: an opaque token in the ``_aluzio_key`` cookie, its hash in the database."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from uuid import UUID

from aluzio.domain.accounts.tokens import token_digest

# Activity is written at most this often per session, never a write per request: every
# 5 minutes, or every tenth of the idle timeout when that is shorter, so that a session in
# use never reaches its idle expiry (it may end at most a tenth of the timeout early).
ACTIVITY_WRITE_INTERVAL = timedelta(minutes=5)
ACTIVITY_WRITE_FRACTION = 10
MAX_USER_AGENT_SUMMARY = 60


@dataclass(frozen=True, slots=True)
class SessionTimeouts:
    idle: timedelta = timedelta(hours=8)
    absolute: timedelta = timedelta(hours=24)

    def __post_init__(self) -> None:
        if self.idle <= timedelta(0) or self.absolute <= timedelta(0):
            raise ValueError("session timeouts must be positive")
        if self.idle > self.absolute:
            raise ValueError("the idle timeout must not exceed the absolute timeout")

    @property
    def activity_write_interval(self) -> timedelta:
        return min(ACTIVITY_WRITE_INTERVAL, self.idle / ACTIVITY_WRITE_FRACTION)


@dataclass(eq=False)
class LoginSession:
    id: UUID
    user_id: UUID
    token_hash: str
    created_at: datetime
    last_active_at: datetime
    idle_expires_at: datetime
    expires_at: datetime
    user_agent: str

    @classmethod
    def start(
        cls,
        *,
        id: UUID,
        user_id: UUID,
        token: str,
        now: datetime,
        timeouts: SessionTimeouts,
        user_agent: str,
    ) -> LoginSession:
        expires_at = now + timeouts.absolute
        return cls(
            id=id,
            user_id=user_id,
            token_hash=token_digest(token),
            created_at=now,
            last_active_at=now,
            idle_expires_at=min(now + timeouts.idle, expires_at),
            expires_at=expires_at,
            user_agent=user_agent[:MAX_USER_AGENT_SUMMARY],
        )

    def is_active(self, now: datetime) -> bool:
        return now < self.idle_expires_at and now < self.expires_at

    def activity_due(self, now: datetime, timeouts: SessionTimeouts) -> bool:
        """Whether a request at ``now`` extends the idle expiry (and must be written)."""
        return now - self.last_active_at >= timeouts.activity_write_interval

    def record_activity(self, now: datetime, timeouts: SessionTimeouts) -> bool:
        """Extend the idle expiry; True when something changed and must be written."""
        if not self.activity_due(now, timeouts):
            return False
        self.last_active_at = now
        self.idle_expires_at = min(now + timeouts.idle, self.expires_at)
        return True


def summarise_user_agent(raw: str | None) -> str:
    """A short "Browser on System" label: enough to recognise a session, no fingerprint."""
    text = (raw or "").lower()
    browser = next(
        (
            label
            for marker, label in (
                ("edg/", "Edge"),
                ("opr/", "Opera"),
                ("firefox/", "Firefox"),
                ("chrome/", "Chrome"),
                ("safari/", "Safari"),
                ("curl/", "curl"),
            )
            if marker in text
        ),
        "Unknown browser",
    )
    system = next(
        (
            label
            for marker, label in (
                ("android", "Android"),
                ("iphone", "iOS"),
                ("ipad", "iOS"),
                ("windows", "Windows"),
                ("mac os", "macOS"),
                ("linux", "Linux"),
            )
            if marker in text
        ),
        None,
    )
    return browser if system is None else f"{browser} on {system}"
