"""Cards and topics: writing in reflect and group, grouping in group.

Every card starts in a topic of its own. In group any participant moves a card into another
topic or out into a new one of its own; a topic left without cards disappears. Within a
topic the cards keep an order: their positions are always 0, 1, 2, ... with no gap.
The functions change the entities they are given in place and answer what else to store
(a new topic, a topic to delete); each change bumps the retro's version once.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from uuid import UUID

from aluzio.domain.errors import InvalidInput
from aluzio.domain.retros.errors import (
    CardNotFound,
    NotCardAuthor,
    RetroCardLimit,
    TopicNotFound,
)
from aluzio.domain.retros.model import (
    WRITING_PHASES,
    Card,
    Phase,
    Retro,
    RetroSection,
    Topic,
    Viewer,
)
from aluzio.domain.retros.text import body_text, optional_title
from aluzio.domain.retros.visibility import shows_text

MAX_CARDS_PER_RETRO = 500
MAX_CARD_LENGTH = 2000
MAX_TOPIC_TITLE_LENGTH = 100


def card_body(raw: str) -> str:
    """A card's text: trimmed, 1 to 2000 characters, line breaks allowed."""
    return body_text(raw, limit=MAX_CARD_LENGTH, field="body")


def topic_title(raw: str | None) -> str | None:
    """A topic's title: trimmed, at most 100 characters on one line; blank clears it."""
    return optional_title(raw, limit=MAX_TOPIC_TITLE_LENGTH, field="title")


def add_card(
    retro: Retro,
    *,
    author: Viewer,
    section_id: UUID,
    body: str,
    sections: Iterable[RetroSection],
    card_count: int,
    card_id: UUID,
    topic_id: UUID,
    now: datetime,
) -> tuple[Topic, Card]:
    """A new card in reflect or group, in one of the retro's sections, in a topic of its
    own. ``card_count`` is how many cards the retro holds (read under the retro's lock, so
    the limit holds under concurrency)."""
    retro.check_phase(WRITING_PHASES)
    text = card_body(body)
    if not any(s.id == section_id and s.retro_id == retro.id for s in sections):
        raise InvalidInput("The section is not one of this retro's sections.", field="sectionId")
    if card_count >= MAX_CARDS_PER_RETRO:
        raise RetroCardLimit(f"A retro holds at most {MAX_CARDS_PER_RETRO} cards.")
    topic = Topic(id=topic_id, retro_id=retro.id, title=None, created_at=now)
    card = Card(
        id=card_id,
        retro_id=retro.id,
        section_id=section_id,
        topic_id=topic_id,
        author_id=author.user_id,
        body=text,
        position=0,
        created_at=now,
        updated_at=now,
    )
    retro.record_change(now)
    return topic, card


def edit_card(retro: Retro, card: Card, *, by: Viewer, body: str, now: datetime) -> None:
    """The author rewrites their card in reflect or group."""
    _check_authorship(retro, card, by)
    card.body = card_body(body)
    card.updated_at = now
    retro.record_change(now)


@dataclass(frozen=True, slots=True)
class CardRemoval:
    """What deleting a card leaves to store: the topic it emptied, if any, to delete, and
    the cards after it, moved up one place."""

    emptied_topic_id: UUID | None
    moved: tuple[Card, ...] = ()


def delete_card(
    retro: Retro, card: Card, *, by: Viewer, cards: Iterable[Card], now: datetime
) -> CardRemoval:
    """The author deletes their card in reflect or group. ``cards``: the retro's cards
    (at least those of the card's topic)."""
    _check_authorship(retro, card, by)
    rest = [c for c in _in_topic(cards, card.topic_id) if c.id != card.id]
    retro.record_change(now)
    return CardRemoval(
        emptied_topic_id=None if rest else card.topic_id, moved=tuple(_renumber(rest))
    )


@dataclass(frozen=True, slots=True)
class CardMove:
    """What a move leaves to store: the topic created for the card, the topic it emptied,
    and every card whose topic or position changed (the moved card included)."""

    created_topic: Topic | None = None
    emptied_topic_id: UUID | None = None
    moved: tuple[Card, ...] = field(default=())

    @property
    def changed(self) -> bool:
        return bool(self.moved)


def move_card(
    retro: Retro,
    card: Card,
    *,
    to_topic: Topic | None,
    cards: Iterable[Card],
    new_topic_id: UUID,
    now: datetime,
    position: int | None = None,
) -> CardMove:
    """In group, any participant moves ``card`` into ``to_topic`` at ``position`` (the end
    when not given), or with ``to_topic=None`` into a new topic of its own (``new_topic_id``;
    a card already alone stays where it is). ``cards``: the retro's cards (at least those of
    both topics)."""
    retro.check_phase({Phase.GROUP})
    if card.retro_id != retro.id:
        raise CardNotFound()
    if to_topic is not None and to_topic.retro_id != retro.id:
        raise TopicNotFound()
    cards = list(cards)
    source_id = card.topic_id
    source = [c for c in _in_topic(cards, source_id) if c.id != card.id]
    created: Topic | None = None
    if to_topic is None:
        if not source:
            return CardMove()
        created = Topic(id=new_topic_id, retro_id=retro.id, title=None, created_at=now)
        target_id = created.id
        target: list[Card] = []
    else:
        target_id = to_topic.id
        target = source if target_id == source_id else _in_topic(cards, target_id)
    before = {c.id: (c.topic_id, c.position) for c in (*source, *target, card)}
    place = len(target) if position is None else max(0, min(position, len(target)))
    target.insert(place, card)
    card.topic_id = target_id
    _renumber(target)
    _renumber(source)
    moved = tuple(c for c in (*source, *target) if before[c.id] != (c.topic_id, c.position))
    if not moved:
        return CardMove()
    retro.record_change(now)
    emptied = source_id if target_id != source_id and not source else None
    return CardMove(created_topic=created, emptied_topic_id=emptied, moved=_unique(moved))


def rename_topic(retro: Retro, topic: Topic, *, title: str | None, now: datetime) -> None:
    """In group, any participant names a topic (blank clears the name)."""
    retro.check_phase({Phase.GROUP})
    if topic.retro_id != retro.id:
        raise TopicNotFound()
    topic.title = topic_title(title)
    retro.record_change(now)


def _check_authorship(retro: Retro, card: Card, viewer: Viewer) -> None:
    """Only the author changes a card, in reflect or group. Someone who may not see the
    card (another's, during reflect) is told it does not exist."""
    retro.check_phase(WRITING_PHASES)
    if card.retro_id != retro.id or not shows_text(viewer, retro, card):
        raise CardNotFound()
    if card.author_id != viewer.user_id:
        raise NotCardAuthor()


def _in_topic(cards: Iterable[Card], topic_id: UUID) -> list[Card]:
    in_topic = (c for c in cards if c.topic_id == topic_id)
    return sorted(in_topic, key=lambda c: (c.position, c.created_at, c.id))


def _renumber(ordered: list[Card]) -> list[Card]:
    """Give ``ordered`` the positions 0, 1, 2, ...; answer the cards whose position moved."""
    moved = [c for index, c in enumerate(ordered) if c.position != index]
    for index, c in enumerate(ordered):
        c.position = index
    return moved


def _unique(cards: Iterable[Card]) -> tuple[Card, ...]:
    return tuple({c.id: c for c in cards}.values())
