"""The policy-change notice reaches each verified user once, also when the command is
interrupted and run again; GET /api/policy says which version is in force."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace

import pytest

from aluzio.application.privacy.context import PrivacyContext
from aluzio.application.privacy.policy import notify_policy_change
from aluzio.application.privacy.ports import PrivacyUnitOfWork
from tests.integration.organizations.conftest import SignUp
from tests.support.outbox import enqueued_mail


class Interrupted(Exception):
    pass


def interrupted_after(privacy: PrivacyContext, blocks: int) -> PrivacyContext:
    """The same use cases, stopped (as by Ctrl-C or a crash) when the unit of work after
    ``blocks`` committed ones is opened."""
    opened = 0

    def unit_of_work() -> PrivacyUnitOfWork:
        nonlocal opened
        opened += 1
        if opened > blocks:
            raise Interrupted()
        return privacy.unit_of_work()

    return replace(privacy, unit_of_work=unit_of_work)


async def test_the_policy_notice_reaches_each_verified_user_once_also_when_interrupted(
    sign_up: SignUp, privacy: PrivacyContext, database_url: str
) -> None:
    verified = [f"v{n}@example.com" for n in range(5)]
    for email in verified:
        await sign_up(email)
    await sign_up("unverified@example.com", verified=False)

    with pytest.raises(Interrupted):
        await notify_policy_change(interrupted_after(privacy, 1), "2026-12", "Changes.", batch=2)
    first = await enqueued_mail(database_url, category="policy-change")
    assert len(first) == 2  # one batch went out before the interruption

    assert await notify_policy_change(privacy, "2026-12", "Changes.", batch=2) == 3
    assert await notify_policy_change(privacy, "2026-12", "Changes.", batch=2) == 0
    mail = await enqueued_mail(database_url, category="policy-change")
    assert Counter(m.recipient for m in mail) == Counter(verified)
    assert all("Changes." in m.text_body and "2026-12" in m.text_body for m in mail)
    # A new version is a new notice for everyone.
    assert await notify_policy_change(privacy, "2027-01", "More changes.") == 5


async def test_the_notice_commands_refuse_an_empty_version_or_summary(
    privacy: PrivacyContext,
) -> None:
    from aluzio.domain.errors import InvalidInput

    with pytest.raises(InvalidInput):
        await notify_policy_change(privacy, " ", "Changes.")
    with pytest.raises(InvalidInput):
        await notify_policy_change(privacy, "2026-12", "  \n")
