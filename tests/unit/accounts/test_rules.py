"""Account rules in the domain, without I/O."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta
from uuid import uuid4

import pytest

from aluzio.domain.accounts.email import EmailAddress
from aluzio.domain.accounts.errors import EmailNotVerified
from aluzio.domain.accounts.passwords import PasswordPolicy
from aluzio.domain.accounts.sessions import LoginSession, SessionTimeouts, summarise_user_agent
from aluzio.domain.accounts.throttling import (
    LOGIN_PER_ACCOUNT,
    LOGIN_PER_ACCOUNT_AND_CLIENT,
    Throttle,
    ThrottleRule,
)
from aluzio.domain.accounts.user import User, UserName
from aluzio.domain.errors import InvalidInput, TooManyAttempts

NOW = datetime(2026, 11, 27, 8, 0, tzinfo=UTC)


def test_email_is_normalised() -> None:
    assert EmailAddress.parse("  Ada.Lovelace+retro@Example.ORG ").value == (
        "ada.lovelace+retro@example.org"
    )


@pytest.mark.parametrize(
    "raw",
    [
        "ada",
        "ada@",
        "@x.org",
        "a@b",
        "a b@x.org",
        "a@x..org",
        "a@-x.org",
        "a@x.123",
        "a." + "b" * 64 + "@x.org",
        "a@" + "b" * 250 + ".org",
    ],
)
def test_invalid_emails(raw: str) -> None:
    with pytest.raises(InvalidInput):
        EmailAddress.parse(raw)


def test_user_name_trims_and_bounds() -> None:
    assert UserName.parse("  Grace  ").value == "Grace"
    with pytest.raises(InvalidInput):
        UserName.parse(" ")
    with pytest.raises(InvalidInput):
        UserName.parse("a\x00b")


def test_common_password_check_ignores_case() -> None:
    policy = PasswordPolicy(min_length=8, common_passwords=frozenset({"password123"}))
    with pytest.raises(InvalidInput, match="too common"):
        policy.check("PassWord123", email="x@y.org", name="Zed")
    policy.check("another one entirely", email="x@y.org", name="Zed")


def test_common_list_ships_at_least_ten_thousand_entries() -> None:
    from aluzio.adapters.security.common_passwords import common_passwords

    entries = common_passwords()
    assert len(entries) >= 10_000
    assert {"password", "123456", "qwerty"} <= entries


def test_verified_email_check() -> None:
    user = User.register(
        id=__import__("uuid").uuid4(),
        name=UserName("Ada"),
        email=EmailAddress("ada@example.com"),
        password_hash="$argon2id$...",
        now=NOW,
    )
    with pytest.raises(EmailNotVerified) as raised:
        user.require_verified_email()
    assert raised.value.code == "email-not-verified"
    user.mark_email_verified(NOW)
    user.require_verified_email()


def test_idle_expiry_never_passes_the_absolute_expiry() -> None:
    timeouts = SessionTimeouts(idle=timedelta(hours=8), absolute=timedelta(hours=24))
    session = LoginSession.start(
        id=__import__("uuid").uuid4(),
        user_id=__import__("uuid").uuid4(),
        token="t",
        now=NOW,
        timeouts=timeouts,
        user_agent="",
    )
    assert session.record_activity(NOW + timedelta(hours=20), timeouts)
    assert session.idle_expires_at == session.expires_at == NOW + timedelta(hours=24)
    assert not session.record_activity(NOW + timedelta(hours=20, minutes=4), timeouts)


def test_user_agent_summary_is_short_and_coarse() -> None:
    chrome = (
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko)"
        " Chrome/131.0.0.0 Safari/537.36"
    )
    assert summarise_user_agent(chrome) == "Chrome on Windows"
    assert summarise_user_agent(None) == "Unknown browser"
    assert summarise_user_agent("curl/8.5.0") == "curl"


@pytest.mark.parametrize(
    ("rule", "bound"), [(LOGIN_PER_ACCOUNT, 100), (LOGIN_PER_ACCOUNT_AND_CLIENT, 50)]
)
def test_login_limits_never_allow_more_than_their_bound_per_hour(
    rule: ThrottleRule, bound: int
) -> None:
    """An attacker trying every second for three hours: count what gets through. Per
    account NIST's bound of 100 an hour; per account and address at most 50."""
    throttle = Throttle(key="k", attempts=0, window_started_at=NOW)
    allowed: list[datetime] = []
    for second in range(3 * 3600):
        now = NOW + timedelta(seconds=second)
        try:
            throttle.count_attempt(now, rule)
        except TooManyAttempts:
            continue
        allowed.append(now)
    assert (
        max(
            len([t for t in allowed[i:] if t < s + timedelta(hours=1)])
            for i, s in enumerate(allowed)
        )
        <= bound
    )


@pytest.mark.parametrize(
    "raw",
    [
        "Ada\u202eecalevoL",  # right-to-left override: shows as "AdaLoveLace" reversed
        "Ada\u2066Lovelace\u2069",  # isolates
        "Ada\u200bLovelace",  # zero-width space
        "\u200b\u200c\u200d",  # zero-width only
        "\u2060",  # word joiner only
        "Ada\u2028Lovelace",  # line separator
        "Ada\u2029Lovelace",  # paragraph separator
        "\u3164",  # Hangul filler: a letter that draws nothing
        "\u2800\u2800",  # blank Braille pattern
        "\u0301\u0301",  # combining marks alone
        "\u00ad",  # soft hyphen alone
    ],
)
def test_names_that_disguise_or_show_nothing_are_refused(raw: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        UserName.parse(raw)
    assert refused.value.field == "name"


@pytest.mark.parametrize(
    "raw", ["Ada Lovelace", "José Ñúñez", "Zoë", "李小龍", "محمد", "O'Brien-Smith", "Ada 🚀"]
)
def test_ordinary_names_pass(raw: str) -> None:
    assert UserName.parse(raw).value == raw


@pytest.mark.parametrize("idle_minutes", [1, 2, 4, 5, 30, 480])
def test_a_session_in_use_never_reaches_its_idle_expiry(idle_minutes: int) -> None:
    """Requests at most 89% of the idle timeout apart (a short gap, then a long one): the
    session stays live, and activity is written at most once per 5 minutes or per tenth of
    the timeout."""
    idle = timedelta(minutes=idle_minutes)
    timeouts = SessionTimeouts(idle=idle, absolute=timedelta(days=30))
    session = LoginSession.start(
        id=uuid4(), user_id=uuid4(), token="t", now=NOW, timeouts=timeouts, user_agent=""
    )
    writes: list[datetime] = []
    now = NOW
    for step in range(100):
        now += idle * (0.09 if step % 2 == 0 else 0.8)
        assert session.is_active(now)
        if session.record_activity(now, timeouts):
            writes.append(now)
    gaps = [later - earlier for earlier, later in itertools.pairwise(writes)]
    assert min(gaps) >= min(timedelta(minutes=5), idle / 10)
