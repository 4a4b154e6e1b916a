"""A retro's title and settings, and when they may change."""

from __future__ import annotations

import pytest

from aluzio.domain.errors import InvalidInput
from aluzio.domain.retros.errors import NotFacilitator, PhaseNotAllowed, RetroClosed
from aluzio.domain.retros.model import Phase, Viewer
from aluzio.domain.retros.settings import RetroSettings
from tests.unit.retros.builders import new_world


def test_defaults() -> None:
    assert RetroSettings.parse() == RetroSettings(
        title=None, vote_budget=5, max_votes_per_topic=3, anonymous=True
    )


@pytest.mark.parametrize(
    ("raw", "title"),
    [
        ("  Sprint 12 ", "Sprint 12"),
        ("   ", None),
        (None, None),
        ("x" * 100, "x" * 100),
        (" é" + "x" * 99, "é" + "x" * 99),
    ],
)
def test_titles_are_trimmed_and_blank_means_none(raw: str | None, title: str | None) -> None:
    assert RetroSettings.parse(title=raw).title == title


@pytest.mark.parametrize("raw", ["x" * 101, "Sprint\n12", "a\x00b", "tab\there"])
def test_refused_titles(raw: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        RetroSettings.parse(title=raw)
    assert refused.value.field == "title"


@pytest.mark.parametrize("budget", [1, 2, 5, 20])
def test_budgets_in_range(budget: int) -> None:
    assert RetroSettings.parse(vote_budget=budget).vote_budget == budget


@pytest.mark.parametrize("budget", [-1, 0, 21, 100])
def test_budgets_out_of_range(budget: int) -> None:
    with pytest.raises(InvalidInput) as refused:
        RetroSettings.parse(vote_budget=budget)
    assert refused.value.field == "voteBudget"


@pytest.mark.parametrize(("budget", "default"), [(1, 1), (2, 2), (3, 3), (4, 3), (20, 3)])
def test_the_default_cap_never_exceeds_the_budget(budget: int, default: int) -> None:
    assert RetroSettings.parse(vote_budget=budget).max_votes_per_topic == default


@pytest.mark.parametrize(("budget", "cap", "ok"), [
    (5, 1, True), (5, 5, True), (5, 6, False), (5, 0, False), (1, 1, True), (20, 20, True),
    (20, 21, False), (3, -1, False),
])  # fmt: skip
def test_the_cap_is_between_one_and_the_budget(budget: int, cap: int, ok: bool) -> None:
    if ok:
        assert (
            RetroSettings.parse(vote_budget=budget, max_votes_per_topic=cap).max_votes_per_topic
            == cap
        )
    else:
        with pytest.raises(InvalidInput) as refused:
            RetroSettings.parse(vote_budget=budget, max_votes_per_topic=cap)
        assert refused.value.field == "maxVotesPerTopic"


def test_settings_are_checked_however_they_are_built() -> None:
    with pytest.raises(InvalidInput):
        RetroSettings(title=" padded ")
    with pytest.raises(InvalidInput):
        RetroSettings(title="")
    with pytest.raises(InvalidInput):
        RetroSettings(vote_budget=2)  # the default cap of 3 is over it


def test_a_new_retro_takes_its_settings() -> None:
    world = new_world(anonymous=False)
    assert world.retro.settings == RetroSettings(title="Sprint 12", anonymous=False)


NEW = RetroSettings(title="Renamed", vote_budget=8, max_votes_per_topic=2, anonymous=False)


@pytest.mark.parametrize("kind", ["facilitator", "admin", "owner"])
def test_settings_change_in_draft(kind: str) -> None:
    world = new_world()
    world.retro.change_settings(NEW, by=getattr(world, kind), now=world.tick())
    assert world.retro.settings == NEW
    assert world.retro.version == 2


def test_a_member_may_not_change_settings() -> None:
    world = new_world()
    with pytest.raises(NotFacilitator):
        world.retro.change_settings(NEW, by=world.member, now=world.tick())
    assert world.retro.settings != NEW


@pytest.mark.parametrize("phase", [p for p in Phase if p is not Phase.DRAFT])
@pytest.mark.parametrize("kind", ["facilitator", "member", "admin"])
def test_settings_are_fixed_once_started(phase: Phase, kind: str) -> None:
    world = new_world()
    world.retro.phase = phase
    by: Viewer = getattr(world, kind)
    with pytest.raises(RetroClosed if phase is Phase.CLOSED else PhaseNotAllowed):
        world.retro.change_settings(NEW, by=by, now=world.tick())
    assert world.retro.settings != NEW
