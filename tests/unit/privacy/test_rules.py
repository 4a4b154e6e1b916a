"""Erasure timing, its settings, and the retention scheduler."""

from __future__ import annotations

from datetime import timedelta

import pytest

from aluzio.application.privacy.retention import Job, Scheduler
from aluzio.domain.privacy.erasure import ERASURE_DEADLINE, MAX_GRACE, purge_time
from aluzio.entrypoints.settings import Settings, SettingsError
from tests.support.clock import MutableClock


def test_the_grace_period_defaults_to_7_days_and_leaves_room_within_the_30_day_promise() -> None:
    assert Settings.from_env({}).erasure_grace_days == 7
    assert Settings.from_env({"ALUZIO_ERASURE_GRACE_DAYS": "0"}).erasure_grace_days == 0
    assert ERASURE_DEADLINE - timedelta(days=1) > MAX_GRACE  # a day of worker downtime


@pytest.mark.parametrize("raw", ["31", "30", str(MAX_GRACE.days + 1), "-1", "week"])
def test_a_grace_period_beyond_the_promise_is_refused_naming_the_variable(raw: str) -> None:
    with pytest.raises(SettingsError, match=r"^ALUZIO_ERASURE_GRACE_DAYS: "):
        Settings.from_env({"ALUZIO_ERASURE_GRACE_DAYS": raw})


def test_the_policy_version_comes_from_the_settings() -> None:
    settings = Settings.from_env(
        {"ALUZIO_POLICY_VERSION": "2027-01", "ALUZIO_POLICY_LAST_UPDATED": "2027-01-15"}
    )
    assert settings.policy_version == "2027-01"
    assert str(settings.policy_last_updated) == "2027-01-15"
    with pytest.raises(SettingsError, match=r"^ALUZIO_POLICY_LAST_UPDATED: "):
        Settings.from_env({"ALUZIO_POLICY_LAST_UPDATED": "15/01/2027"})


def test_purge_time_refuses_a_grace_period_beyond_the_cap() -> None:
    clock = MutableClock()
    assert purge_time(clock.now(), MAX_GRACE) == clock.now() + MAX_GRACE
    with pytest.raises(ValueError, match="grace period"):
        purge_time(clock.now(), MAX_GRACE + timedelta(seconds=1))


async def test_the_scheduler_runs_each_job_on_its_own_period_by_the_clock() -> None:
    clock = MutableClock()
    runs: list[str] = []

    def job(name: str, hours: int) -> Job:
        async def run() -> int:
            runs.append(name)
            return 0

        return Job(name, timedelta(hours=hours), run)

    scheduler = Scheduler([job("hourly", 1), job("daily", 24)], clock)
    await scheduler.run_due()
    assert runs == ["hourly", "daily"]  # every job at start
    clock.advance(minutes=59)
    await scheduler.run_due()
    assert runs == ["hourly", "daily"]
    clock.advance(minutes=1)
    await scheduler.run_due()
    assert runs == ["hourly", "daily", "hourly"]
    clock.advance(days=1)
    await scheduler.run_due()
    assert runs[-2:] == ["hourly", "daily"]


async def test_a_failing_job_does_not_stop_the_others() -> None:
    async def broken() -> int:
        raise RuntimeError("boom")

    async def fine() -> int:
        return 3

    scheduler = Scheduler(
        [Job("broken", timedelta(hours=1), broken), Job("fine", timedelta(hours=1), fine)],
        MutableClock(),
    )
    assert await scheduler.run_due() == {"fine": 3}
