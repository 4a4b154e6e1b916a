"""Request and response bodies of the retro routes (camelCase on the wire).

Every card in a response comes from the visibility rule's views (``domain/retros/
visibility.py``): this module encodes what it decided, and adds nothing.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal
from uuid import UUID

import msgspec

from aluzio.application.retros.retros import RetroSummary
from aluzio.domain.retros.cards import MAX_CARD_LENGTH, MAX_CARDS_PER_RETRO, MAX_TOPIC_TITLE_LENGTH
from aluzio.domain.retros.history import PhasePeriod, phase_periods
from aluzio.domain.retros.model import Phase
from aluzio.domain.retros.settings import (
    DEFAULT_VOTE_BUDGET,
    MAX_TITLE_LENGTH,
    MAX_VOTE_BUDGET,
    MIN_VOTE_BUDGET,
    MIN_VOTES_PER_TOPIC,
)
from aluzio.domain.retros.visibility import (
    CardView,
    ParticipantView,
    PhaseChangeView,
    RetroView,
    SectionView,
    TopicView,
)
from aluzio.entrypoints.http.pagination import PageBody
from aluzio.entrypoints.http.retros.discussion_schemas import ActionItemBody, NoteBody
from aluzio.entrypoints.http.schema import WireStruct

PhaseName = Literal["draft", "reflect", "group", "vote", "discuss", "closed"]
Title = Annotated[
    str,
    msgspec.Meta(
        max_length=MAX_TITLE_LENGTH, description="Trimmed; blank means no title (clears it)."
    ),
]
VoteBudget = Annotated[int, msgspec.Meta(ge=MIN_VOTE_BUDGET, le=MAX_VOTE_BUDGET)]
VotesPerTopic = Annotated[
    int,
    msgspec.Meta(
        ge=MIN_VOTES_PER_TOPIC,
        le=MAX_VOTE_BUDGET,
        description="At most the vote budget; 3 (or the budget if smaller) unless given.",
    ),
]
CardText = Annotated[
    str,
    msgspec.Meta(
        min_length=1, max_length=MAX_CARD_LENGTH, description="Trimmed; line breaks allowed."
    ),
]
TopicTitle = Annotated[
    str,
    msgspec.Meta(max_length=MAX_TOPIC_TITLE_LENGTH, description="Trimmed; blank clears the title."),
]
Position = Annotated[int, msgspec.Meta(ge=0, le=MAX_CARDS_PER_RETRO)]


class CreateRetroRequest(WireStruct):
    title: Title | None = None
    vote_budget: VoteBudget = DEFAULT_VOTE_BUDGET
    max_votes_per_topic: VotesPerTopic | None = None
    anonymous: bool = True


class UpdateRetroRequest(WireStruct):
    """Only the fields sent change; ``title: ""`` clears the title."""

    title: Title | None = None
    vote_budget: VoteBudget | None = None
    max_votes_per_topic: VotesPerTopic | None = None
    anonymous: bool | None = None


class PhaseRequest(WireStruct):
    to: PhaseName


class FacilitatorRequest(WireStruct):
    user_id: UUID


class AddCardRequest(WireStruct):
    section_id: UUID
    body: CardText


class EditCardRequest(WireStruct):
    body: CardText


class MoveCardRequest(WireStruct):
    """``topicId: null`` moves the card into a new topic of its own."""

    topic_id: UUID | None
    position: Position | None = None


class TopicRequest(WireStruct):
    title: TopicTitle | None


class PhasePeriodBody(WireStruct):
    phase: PhaseName
    started_at: datetime
    ended_at: datetime | None

    @classmethod
    def of(cls, period: PhasePeriod) -> PhasePeriodBody:
        return cls(
            phase=_phase(period.phase), started_at=period.started_at, ended_at=period.ended_at
        )


class RetroSummaryBody(WireStruct):
    id: UUID
    board_id: UUID
    title: str | None
    phase: PhaseName
    version: int
    facilitator_id: UUID | None  # None once the facilitator's account is erased
    vote_budget: int
    max_votes_per_topic: int
    anonymous: bool
    created_by: UUID | None
    created_at: datetime
    phases: list[PhasePeriodBody]

    @classmethod
    def of(cls, summary: RetroSummary) -> RetroSummaryBody:
        retro = summary.retro
        return cls(
            id=retro.id,
            board_id=retro.board_id,
            title=retro.title,
            phase=_phase(retro.current_phase),
            version=retro.version,
            facilitator_id=retro.facilitator_id,
            vote_budget=retro.vote_budget,
            max_votes_per_topic=retro.max_votes_per_topic,
            anonymous=retro.anonymous,
            created_by=retro.created_by,
            created_at=retro.created_at,
            phases=[PhasePeriodBody.of(p) for p in phase_periods(summary.history)],
        )


class RetroList(PageBody):
    items: list[RetroSummaryBody]


class AuthorBody(WireStruct):
    id: UUID
    name: str | None


class CardBody(WireStruct):
    """A card the caller may see. ``author`` is null in an anonymous retro, for everyone;
    ``mine`` tells its author it is theirs."""

    id: UUID
    section_id: UUID
    topic_id: UUID
    body: str
    position: int
    mine: bool
    author: AuthorBody | None
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, card: CardView) -> CardBody:
        author = card.author
        return cls(
            id=card.id,
            section_id=card.section_id,
            topic_id=card.topic_id,
            body=card.body,
            position=card.position,
            mine=card.mine,
            author=None if author is None else AuthorBody(id=author.id, name=author.name),
            created_at=card.created_at,
            updated_at=card.updated_at,
        )


class TopicBody(WireStruct):
    """A topic; ``votes`` is everyone's votes together from discuss on (null before),
    ``myVotes`` the caller's own."""

    id: UUID
    title: str | None
    created_at: datetime
    cards: list[CardBody]
    votes: int | None
    my_votes: int
    notes: list[NoteBody]

    @classmethod
    def of(cls, topic: TopicView) -> TopicBody:
        return cls(
            id=topic.id,
            title=topic.title,
            created_at=topic.created_at,
            cards=[CardBody.of(c) for c in topic.cards],
            votes=topic.votes,
            my_votes=topic.my_votes,
            notes=[NoteBody.of(n) for n in topic.notes],
        )


class SectionBody(WireStruct):
    """A section; ``hiddenCards`` counts the cards in it the caller cannot read yet
    (others' cards during reflect)."""

    id: UUID
    title: str
    prompt: str | None
    color: str | None
    position: int
    hidden_cards: int

    @classmethod
    def of(cls, section: SectionView) -> SectionBody:
        return cls(
            id=section.id,
            title=section.title,
            prompt=section.prompt,
            color=section.color,
            position=section.position,
            hidden_cards=section.hidden_cards,
        )


class ParticipantBody(WireStruct):
    id: UUID
    name: str | None
    joined_at: datetime

    @classmethod
    def of(cls, participant: ParticipantView) -> ParticipantBody:
        return cls(id=participant.user_id, name=participant.name, joined_at=participant.joined_at)


class PhaseChangeBody(WireStruct):
    from_phase: PhaseName | None
    to_phase: PhaseName
    changed_by: UUID | None
    changed_at: datetime

    @classmethod
    def of(cls, change: PhaseChangeView) -> PhaseChangeBody:
        return cls(
            from_phase=None if change.from_phase is None else _phase(change.from_phase),
            to_phase=_phase(change.to_phase),
            changed_by=change.changed_by,
            changed_at=change.changed_at,
        )


class RetroBody(WireStruct):
    """The retro as the caller may see it. Topics come in the order they were made, or,
    once ``votesRevealed`` (from discuss on), most votes first; ``remainingVotes`` is the
    caller's votes left to cast; ``timerEndsAt`` is in server time."""

    id: UUID
    board_id: UUID
    title: str | None
    phase: PhaseName
    version: int
    facilitator_id: UUID | None
    vote_budget: int
    max_votes_per_topic: int
    anonymous: bool
    created_by: UUID | None
    created_at: datetime
    phases: list[PhasePeriodBody]
    history: list[PhaseChangeBody]
    participants: list[ParticipantBody]
    sections: list[SectionBody]
    topics: list[TopicBody]
    you_facilitate: bool
    you_may_facilitate: bool
    votes_revealed: bool
    remaining_votes: int | None
    discussion_topic_id: UUID | None
    timer_ends_at: datetime | None
    # This retro's action items, and the board's open ones from earlier retros.
    action_items: list[ActionItemBody]
    carried_over_action_items: list[ActionItemBody]

    @classmethod
    def of(cls, view: RetroView) -> RetroBody:
        return cls(
            id=view.id,
            board_id=view.board_id,
            title=view.title,
            phase=_phase(view.phase),
            version=view.version,
            facilitator_id=view.facilitator_id,
            vote_budget=view.vote_budget,
            max_votes_per_topic=view.max_votes_per_topic,
            anonymous=view.anonymous,
            created_by=view.created_by,
            created_at=view.created_at,
            phases=[PhasePeriodBody.of(p) for p in view.phases],
            history=[PhaseChangeBody.of(c) for c in view.history],
            participants=[ParticipantBody.of(p) for p in view.participants],
            sections=[SectionBody.of(s) for s in view.sections],
            topics=[TopicBody.of(t) for t in view.topics],
            you_facilitate=view.you_facilitate,
            you_may_facilitate=view.you_may_facilitate,
            votes_revealed=view.votes_revealed,
            remaining_votes=view.remaining_votes,
            discussion_topic_id=view.discussion_topic_id,
            timer_ends_at=view.timer_ends_at,
            action_items=[ActionItemBody.of(i) for i in view.action_items],
            carried_over_action_items=[
                ActionItemBody.of(i) for i in view.carried_over_action_items
            ],
        )


_PHASE_NAMES: dict[Phase, PhaseName] = {
    Phase.DRAFT: "draft",
    Phase.REFLECT: "reflect",
    Phase.GROUP: "group",
    Phase.VOTE: "vote",
    Phase.DISCUSS: "discuss",
    Phase.CLOSED: "closed",
}


def _phase(phase: Phase) -> PhaseName:
    return _PHASE_NAMES[Phase(phase)]
