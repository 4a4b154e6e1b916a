"""THE visibility rule: what one person may see of a retro, a topic or a card.

- Hidden writing: until the retro reaches group, a participant sees the text of their own
  cards only; of everyone else's they learn a count per section, with no text, id or author.
  From group on (and when going back to reflect, again only their own) all text is shown.
- Anonymity: in an anonymous retro no card carries its author, for anyone; the author's own
  cards say ``mine``. In a named retro every visible card carries its author's id and name.
- Nothing here depends on being facilitator or admin: steering a retro shows no more of it.

Every response and every real-time event goes through :func:`card_view` (one card for one
person); :func:`topic_view` and :func:`retro_view` are built from it. The views are plain
frozen dataclasses for the HTTP and real-time layers to encode.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from aluzio.domain.retros.history import PhasePeriod, phase_periods
from aluzio.domain.retros.model import (
    Card,
    Participant,
    Phase,
    PhaseChange,
    Retro,
    RetroSection,
    Topic,
    Viewer,
)

# Phases in which everyone's card text is shown.
REVEALED_PHASES = frozenset({Phase.GROUP, Phase.VOTE, Phase.DISCUSS, Phase.CLOSED})

Names = Mapping[UUID, str]
_NO_NAMES: Names = {}


@dataclass(frozen=True, slots=True)
class AuthorView:
    """A card's author, shown in named retros only; ``name`` is ``None`` when unknown."""

    id: UUID
    name: str | None


@dataclass(frozen=True, slots=True)
class CardView:
    id: UUID
    section_id: UUID
    topic_id: UUID
    body: str
    position: int
    mine: bool
    author: AuthorView | None
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class HiddenCard:
    """All a person learns of someone else's card while writing is hidden: it exists, in
    this section."""

    section_id: UUID


@dataclass(frozen=True, slots=True)
class TopicView:
    id: UUID
    title: str | None
    created_at: datetime
    cards: tuple[CardView, ...]


@dataclass(frozen=True, slots=True)
class SectionView:
    """A section and how many cards in it this person cannot see yet."""

    id: UUID
    title: str
    prompt: str | None
    color: str | None
    position: int
    hidden_cards: int


@dataclass(frozen=True, slots=True)
class ParticipantView:
    user_id: UUID
    name: str | None
    joined_at: datetime


@dataclass(frozen=True, slots=True)
class PhaseChangeView:
    from_phase: Phase | None
    to_phase: Phase
    changed_by: UUID
    changed_at: datetime


@dataclass(frozen=True, slots=True)
class RetroView:
    """A whole retro as one person may see it."""

    id: UUID
    board_id: UUID
    organization_id: UUID
    title: str | None
    phase: Phase
    version: int
    facilitator_id: UUID
    vote_budget: int
    max_votes_per_topic: int
    anonymous: bool
    created_by: UUID
    created_at: datetime
    history: tuple[PhaseChangeView, ...]
    phases: tuple[PhasePeriod, ...]
    participants: tuple[ParticipantView, ...]
    sections: tuple[SectionView, ...]
    topics: tuple[TopicView, ...]
    # Whether this person is the facilitator, and whether they may steer the retro
    # (facilitator, or admin or owner of the organization): which controls to offer.
    you_facilitate: bool
    you_may_facilitate: bool


def shows_text(viewer: Viewer, retro: Retro, card: Card) -> bool:
    """Whether ``viewer`` sees this card (its text and id): their own always, others' from
    group on."""
    return card.author_id == viewer.user_id or retro.current_phase in REVEALED_PHASES


def card_view(
    viewer: Viewer, retro: Retro, card: Card, names: Names = _NO_NAMES
) -> CardView | HiddenCard:
    """One card as ``viewer`` may see it."""
    if not shows_text(viewer, retro, card):
        return HiddenCard(section_id=card.section_id)
    author = None if retro.anonymous else AuthorView(card.author_id, names.get(card.author_id))
    return CardView(
        id=card.id,
        section_id=card.section_id,
        topic_id=card.topic_id,
        body=card.body,
        position=card.position,
        mine=card.author_id == viewer.user_id,
        author=author,
        created_at=card.created_at,
        updated_at=card.updated_at,
    )


def topic_view(
    viewer: Viewer, retro: Retro, topic: Topic, cards: Iterable[Card], names: Names = _NO_NAMES
) -> TopicView | None:
    """A topic with the cards of it ``viewer`` may see, in their order; ``None`` when they
    see none of them (a topic of others' cards while writing is hidden)."""
    visible = [
        view
        for card in cards
        if card.topic_id == topic.id
        and isinstance(view := card_view(viewer, retro, card, names), CardView)
    ]
    if not visible:
        return None
    visible.sort(key=lambda c: (c.position, c.created_at, str(c.id)))
    return TopicView(
        id=topic.id, title=topic.title, created_at=topic.created_at, cards=tuple(visible)
    )


def hidden_card_counts(viewer: Viewer, retro: Retro, cards: Iterable[Card]) -> dict[UUID, int]:
    """Per section, how many cards ``viewer`` cannot see (others' while writing is hidden)."""
    counts: dict[UUID, int] = {}
    for card in cards:
        if not shows_text(viewer, retro, card):
            counts[card.section_id] = counts.get(card.section_id, 0) + 1
    return counts


def retro_view(
    viewer: Viewer,
    retro: Retro,
    *,
    history: Iterable[PhaseChange],
    participants: Iterable[Participant],
    sections: Iterable[RetroSection],
    topics: Iterable[Topic],
    cards: Iterable[Card],
    names: Names = _NO_NAMES,
) -> RetroView:
    """The whole retro as ``viewer`` may see it. ``sections``: the retro's frozen sections
    (in draft, :func:`~aluzio.domain.retros.model.freeze_sections` of the board's current
    ones); ``names``: display names by user id, for participants and, in named retros,
    authors. Topics come in the order they were created, cards in their order."""
    cards = list(cards)
    history = sorted(history, key=lambda change: change.changed_at)
    by_topic: dict[UUID, list[Card]] = {}
    for card in cards:
        by_topic.setdefault(card.topic_id, []).append(card)
    topic_views = [
        view
        for topic in sorted(topics, key=lambda t: (t.created_at, str(t.id)))
        if (view := topic_view(viewer, retro, topic, by_topic.get(topic.id, ()), names))
    ]
    hidden = hidden_card_counts(viewer, retro, cards)
    return RetroView(
        id=retro.id,
        board_id=retro.board_id,
        organization_id=retro.organization_id,
        title=retro.title,
        phase=retro.current_phase,
        version=retro.version,
        facilitator_id=retro.facilitator_id,
        vote_budget=retro.vote_budget,
        max_votes_per_topic=retro.max_votes_per_topic,
        anonymous=retro.anonymous,
        created_by=retro.created_by,
        created_at=retro.created_at,
        history=tuple(
            PhaseChangeView(
                from_phase=None if c.from_phase is None else Phase(c.from_phase),
                to_phase=Phase(c.to_phase),
                changed_by=c.changed_by,
                changed_at=c.changed_at,
            )
            for c in history
        ),
        phases=tuple(phase_periods(history)),
        participants=tuple(
            ParticipantView(user_id=p.user_id, name=names.get(p.user_id), joined_at=p.joined_at)
            for p in sorted(participants, key=lambda p: (p.joined_at, str(p.user_id)))
        ),
        sections=tuple(
            SectionView(
                id=s.id,
                title=s.title,
                prompt=s.prompt,
                color=s.color,
                position=s.position,
                hidden_cards=hidden.get(s.id, 0),
            )
            for s in sorted(sections, key=lambda s: s.position)
        ),
        topics=tuple(topic_views),
        you_facilitate=viewer.facilitates(retro),
        you_may_facilitate=viewer.may_facilitate(retro),
    )
