"""A retro's title and settings, chosen at creation and changeable while in draft."""

from __future__ import annotations

from dataclasses import dataclass

from aluzio.domain.errors import InvalidInput
from aluzio.domain.retros.text import optional_title

MAX_TITLE_LENGTH = 100
MIN_VOTE_BUDGET = 1
MAX_VOTE_BUDGET = 20
DEFAULT_VOTE_BUDGET = 5
MIN_VOTES_PER_TOPIC = 1
DEFAULT_MAX_VOTES_PER_TOPIC = 3
DEFAULT_ANONYMOUS = True


@dataclass(frozen=True, slots=True)
class RetroSettings:
    """Title (optional, at most 100 characters), each participant's vote budget (1 to 20),
    the votes one participant may put on one topic (1 to the budget), and anonymity."""

    title: str | None = None
    vote_budget: int = DEFAULT_VOTE_BUDGET
    max_votes_per_topic: int = DEFAULT_MAX_VOTES_PER_TOPIC
    anonymous: bool = DEFAULT_ANONYMOUS

    def __post_init__(self) -> None:
        if self.title is not None and self.title != optional_title(
            self.title, limit=MAX_TITLE_LENGTH, field="title"
        ):
            raise InvalidInput("The title must be trimmed and not blank.", field="title")
        if not MIN_VOTE_BUDGET <= self.vote_budget <= MAX_VOTE_BUDGET:
            raise InvalidInput(
                f"The vote budget must be {MIN_VOTE_BUDGET} to {MAX_VOTE_BUDGET}.",
                field="voteBudget",
            )
        if not MIN_VOTES_PER_TOPIC <= self.max_votes_per_topic <= self.vote_budget:
            raise InvalidInput(
                "The votes per topic must be at least 1 and at most the vote budget.",
                field="maxVotesPerTopic",
            )

    @classmethod
    def parse(
        cls,
        *,
        title: str | None = None,
        vote_budget: int = DEFAULT_VOTE_BUDGET,
        max_votes_per_topic: int | None = None,
        anonymous: bool = DEFAULT_ANONYMOUS,
    ) -> RetroSettings:
        """Settings from a request: the title trimmed (blank is no title); without
        ``max_votes_per_topic``, 3 or the budget if that is smaller."""
        if max_votes_per_topic is None:
            max_votes_per_topic = min(DEFAULT_MAX_VOTES_PER_TOPIC, vote_budget)
        return cls(
            title=optional_title(title, limit=MAX_TITLE_LENGTH, field="title"),
            vote_budget=vote_budget,
            max_votes_per_topic=max_votes_per_topic,
            anonymous=anonymous,
        )
