"""THE visibility rule: what one person may see of a retro, a topic or a card.

- Hidden writing: until the retro reaches group, a participant sees the text of their own
  cards only; of everyone else's they learn a count per section, with no text, id or author.
  From group on (and when going back to reflect, again only their own) all text is shown.
- Anonymity: in an anonymous retro no card carries its author, for anyone; the author's own
  cards say ``mine``. In a named retro every visible card carries its author's id and name.
- Nothing here depends on being facilitator or admin: steering a retro shows no more of it.
- Votes: each person sees their own votes per topic and what is left of their budget; the
  totals per topic are shown from discuss on (and topics then come in vote order). Who
  voted for what is never shown to anyone else.
- Notes follow the card rule for authors: none in an anonymous retro, ``mine`` for your own.
  Action items name their assignee (a deliberate choice of the team), never their creator.

Every response and every real-time event goes through :func:`card_view` (one card for one
person); :func:`topic_view` and :func:`retro_view` are built from it. The views are plain
frozen dataclasses for the HTTP and real-time layers to encode.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from uuid import UUID

from aluzio.domain.retros.action_items import ActionItem, action_item_order
from aluzio.domain.retros.discussion import discussed_topic_id
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
from aluzio.domain.retros.notes import Note
from aluzio.domain.retros.votes import (
    Vote,
    remaining_budget,
    vote_order,
    vote_totals,
    votes_revealed,
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
class NoteView:
    id: UUID
    topic_id: UUID
    body: str
    mine: bool
    author: AuthorView | None  # named retros only, as for cards
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class AssigneeView:
    id: UUID
    name: str | None


@dataclass(frozen=True, slots=True)
class ActionItemView:
    id: UUID
    organization_id: UUID
    board_id: UUID
    retro_id: UUID
    topic_id: UUID | None
    title: str
    assignee: AssigneeView | None
    due_on: date | None
    done: bool
    done_at: datetime | None
    created_at: datetime
    updated_at: datetime
    mine: bool  # created by this person (the creator is shown to no one else)


@dataclass(frozen=True, slots=True)
class TopicView:
    id: UUID
    title: str | None
    created_at: datetime
    cards: tuple[CardView, ...]
    # Everyone's votes together, from discuss on; ``None`` while totals are hidden.
    votes: int | None = None
    my_votes: int = 0
    notes: tuple[NoteView, ...] = ()


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
    changed_by: UUID | None  # None once that person's account is erased
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
    # None once the facilitator's account is erased (admins and owners still steer, and
    # may hand the role to someone); likewise the creator.
    facilitator_id: UUID | None
    vote_budget: int
    max_votes_per_topic: int
    anonymous: bool
    created_by: UUID | None
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
    # Whether totals per topic are shown (from discuss on; topics then come in vote order).
    votes_revealed: bool = False
    remaining_votes: int | None = None  # this person's votes left to cast
    discussion_topic_id: UUID | None = None
    timer_ends_at: datetime | None = None
    action_items: tuple[ActionItemView, ...] = ()
    # Open items of the board's earlier retros (see ``action_items.carried_over``).
    carried_over_action_items: tuple[ActionItemView, ...] = ()


def shows_text(viewer: Viewer, retro: Retro, card: Card) -> bool:
    """Whether ``viewer`` sees this card (its text and id): their own always, others' from
    group on."""
    # ``phase`` may be held as plain text: a StrEnum set matches it either way.
    return card.author_id == viewer.user_id or retro.phase in REVEALED_PHASES


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


def shows_vote(viewer: Viewer, vote: Vote) -> bool:
    """Whether ``viewer`` learns of this one vote (say, a real-time event about it): only
    its voter does; everyone else learns totals per topic, from discuss on."""
    return vote.voter_id == viewer.user_id


def note_view(viewer: Viewer, retro: Retro, note: Note, names: Names = _NO_NAMES) -> NoteView:
    """One note as ``viewer`` may see it (notes exist from discuss on: all text is shown)."""
    author = None if retro.anonymous else AuthorView(note.author_id, names.get(note.author_id))
    return NoteView(
        id=note.id,
        topic_id=note.topic_id,
        body=note.body,
        mine=note.author_id == viewer.user_id,
        author=author,
        created_at=note.created_at,
        updated_at=note.updated_at,
    )


def action_item_view(viewer: Viewer, item: ActionItem, names: Names = _NO_NAMES) -> ActionItemView:
    """One action item as any member of its organization sees it."""
    assignee = (
        None
        if item.assignee_id is None
        else AssigneeView(item.assignee_id, names.get(item.assignee_id))
    )
    return ActionItemView(
        id=item.id,
        organization_id=item.organization_id,
        board_id=item.board_id,
        retro_id=item.retro_id,
        topic_id=item.topic_id,
        title=item.title,
        assignee=assignee,
        due_on=item.due_on,
        done=item.done,
        done_at=item.done_at,
        created_at=item.created_at,
        updated_at=item.updated_at,
        mine=item.created_by == viewer.user_id,
    )


def topic_view(
    viewer: Viewer,
    retro: Retro,
    topic: Topic,
    cards: Iterable[Card],
    names: Names = _NO_NAMES,
    *,
    votes: Iterable[Vote] = (),
    notes: Iterable[Note] = (),
) -> TopicView | None:
    """A topic with the cards of it ``viewer`` may see, in their order; ``None`` when they
    see none of them (a topic of others' cards while writing is hidden). ``votes`` and
    ``notes``: the retro's (at least the topic's), everyone's."""
    visible = [
        view
        for card in cards
        if card.topic_id == topic.id
        and isinstance(view := card_view(viewer, retro, card, names), CardView)
    ]
    if not visible:
        return None
    visible.sort(key=lambda c: (c.position, c.created_at, c.id))
    on_topic = [v for v in votes if v.topic_id == topic.id]
    return TopicView(
        id=topic.id,
        title=topic.title,
        created_at=topic.created_at,
        cards=tuple(visible),
        votes=len(on_topic) if votes_revealed(retro) else None,
        my_votes=sum(1 for v in on_topic if v.voter_id == viewer.user_id),
        notes=tuple(
            note_view(viewer, retro, note, names)
            for note in sorted(notes, key=lambda n: (n.created_at, n.id))
            if note.topic_id == topic.id
        ),
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
    votes: Iterable[Vote] = (),
    notes: Iterable[Note] = (),
    action_items: Iterable[ActionItem] = (),
    carried_over_action_items: Iterable[ActionItem] = (),
) -> RetroView:
    """The whole retro as ``viewer`` may see it. ``sections``: the retro's frozen sections
    (in draft, :func:`~aluzio.domain.retros.model.freeze_sections` of the board's current
    ones); ``names``: display names by user id, for participants, in named retros authors,
    and assignees; ``votes``, ``notes``, ``action_items``: the retro's, everyone's;
    ``carried_over_action_items``: :func:`~aluzio.domain.retros.action_items.carried_over`.
    Topics come in the order they were created, or in vote order once totals are shown;
    cards in their order, notes and action items oldest first."""
    cards, votes = list(cards), [v for v in votes if v.retro_id == retro.id]
    history = sorted(history, key=lambda change: change.changed_at)
    by_topic: dict[UUID, list[Card]] = {}
    for card in cards:
        by_topic.setdefault(card.topic_id, []).append(card)
    votes_by_topic: dict[UUID, list[Vote]] = {}
    for vote in votes:
        votes_by_topic.setdefault(vote.topic_id, []).append(vote)
    notes_by_topic: dict[UUID, list[Note]] = {}
    for note in notes:
        notes_by_topic.setdefault(note.topic_id, []).append(note)
    revealed = votes_revealed(retro)
    ordered = (
        vote_order(topics, vote_totals(votes))
        if revealed
        else sorted(topics, key=lambda t: (t.created_at, t.id))
    )
    topic_views = [
        view
        for topic in ordered
        if (
            view := topic_view(
                viewer,
                retro,
                topic,
                by_topic.get(topic.id, ()),
                names,
                votes=votes_by_topic.get(topic.id, ()),
                notes=notes_by_topic.get(topic.id, ()),
            )
        )
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
            for p in sorted(participants, key=lambda p: (p.joined_at, p.user_id))
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
        votes_revealed=revealed,
        remaining_votes=remaining_budget(retro, viewer.user_id, votes),
        discussion_topic_id=discussed_topic_id(retro, (t.id for t in topic_views)),
        timer_ends_at=retro.timer_ends_at,
        action_items=_item_views(viewer, action_items, names),
        carried_over_action_items=_item_views(viewer, carried_over_action_items, names),
    )


def _item_views(
    viewer: Viewer, items: Iterable[ActionItem], names: Names
) -> tuple[ActionItemView, ...]:
    return tuple(
        action_item_view(viewer, item, names) for item in sorted(items, key=action_item_order)
    )
