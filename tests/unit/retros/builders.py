"""A retro in memory, driven only through the domain's functions, for the rule tests."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from uuid import UUID, uuid4

from aluzio.domain.organizations.model import Role
from aluzio.domain.retros.cards import CardMove, add_card, delete_card, move_card
from aluzio.domain.retros.model import (
    Card,
    Participant,
    Phase,
    PhaseChange,
    Retro,
    RetroSection,
    Topic,
    Viewer,
    freeze_sections,
)
from aluzio.domain.retros.settings import RetroSettings

START = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)


@dataclass(frozen=True)
class BoardSection:
    id: UUID
    title: str
    prompt: str | None = None
    color: str | None = None


BOARD_SECTIONS = (
    BoardSection(uuid4(), "Went well", "What helped us?", "green"),
    BoardSection(uuid4(), "To improve", None, "red"),
    BoardSection(uuid4(), "Actions", None, None),
)


@dataclass
class RetroWorld:
    """One retro, its history and contents, and the people around it."""

    retro: Retro
    history: list[PhaseChange]
    facilitator: Viewer
    member: Viewer
    other: Viewer
    admin: Viewer
    owner: Viewer
    sections: list[RetroSection] = field(default_factory=list)
    participants: list[Participant] = field(default_factory=list)
    topics: dict[UUID, Topic] = field(default_factory=dict)
    cards: dict[UUID, Card] = field(default_factory=dict)
    minutes: int = 0

    def tick(self) -> datetime:
        self.minutes += 1
        return START + timedelta(minutes=self.minutes)

    def go_to(self, phase: Phase) -> None:
        """Walk the phase machine forward (as the facilitator) until ``phase``."""
        while self.retro.current_phase != phase:
            step = self.retro.current_phase.next
            assert step is not None, f"cannot reach {phase}"
            change = self.retro.change_phase(step, by=self.facilitator, now=self.tick())
            self.history.append(change)
            if change.starts_retro:
                self.sections = freeze_sections(self.retro, BOARD_SECTIONS)

    def go_back(self) -> None:
        previous = self.retro.current_phase.previous
        assert previous is not None
        self.history.append(self.retro.change_phase(previous, by=self.facilitator, now=self.tick()))

    def write(self, author: Viewer, body: str = "A card", section: int = 0) -> Card:
        topic, card = add_card(
            self.retro,
            author=author,
            section_id=self.sections[section].id,
            body=body,
            sections=self.sections,
            card_count=len(self.cards),
            card_id=uuid4(),
            topic_id=uuid4(),
            now=self.tick(),
        )
        self.topics[topic.id] = topic
        self.cards[card.id] = card
        return card

    def move(self, card: Card, to: Topic | None, position: int | None = None) -> CardMove:
        move = move_card(
            self.retro,
            card,
            to_topic=to,
            cards=self.cards.values(),
            new_topic_id=uuid4(),
            now=self.tick(),
            position=position,
        )
        self.store_topics(move.created_topic, move.emptied_topic_id)
        return move

    def delete(self, card: Card, by: Viewer) -> None:
        removal = delete_card(self.retro, card, by=by, cards=self.cards.values(), now=self.tick())
        del self.cards[card.id]
        self.store_topics(None, removal.emptied_topic_id)

    def store_topics(self, created: Topic | None, emptied: UUID | None) -> None:
        if created is not None:
            self.topics[created.id] = created
        if emptied is not None:
            del self.topics[emptied]

    def topic_cards(self, topic_id: UUID) -> list[Card]:
        return sorted(
            (c for c in self.cards.values() if c.topic_id == topic_id), key=lambda c: c.position
        )

    def join_everyone(self) -> None:
        for viewer in (self.facilitator, self.member, self.other, self.admin, self.owner):
            joined = self.retro.admit(
                viewer.user_id, participants=self.participants, now=self.tick()
            )
            if joined is not None:
                self.participants.append(joined)


def new_world(*, anonymous: bool = True, phase: Phase = Phase.DRAFT) -> RetroWorld:
    facilitator = Viewer(uuid4(), Role.MEMBER)
    retro, created = Retro.open(
        id=uuid4(),
        board_id=uuid4(),
        organization_id=uuid4(),
        settings=RetroSettings.parse(title="Sprint 12", anonymous=anonymous),
        created_by=facilitator.user_id,
        now=START,
    )
    world = RetroWorld(
        retro=retro,
        history=[created],
        facilitator=facilitator,
        member=Viewer(uuid4(), Role.MEMBER),
        other=Viewer(uuid4(), Role.MEMBER),
        admin=Viewer(uuid4(), Role.ADMIN),
        owner=Viewer(uuid4(), Role.OWNER),
    )
    world.go_to(phase)
    return world
