"""The ports the retro use cases need."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol
from uuid import UUID

from aluzio.application.boards.ports import BOARDS
from aluzio.application.organizations.ports import MEMBERSHIPS, ORGANIZATIONS
from aluzio.application.pagination import Page, Paged
from aluzio.application.ports.unit_of_work import FeatureWork, Repository, RepositoryKey
from aluzio.domain.retros.action_items import ActionItem, ActionItemStatus
from aluzio.domain.retros.model import (
    Card,
    Participant,
    PhaseChange,
    Retro,
    RetroSection,
    Topic,
)
from aluzio.domain.retros.notes import Note
from aluzio.domain.retros.votes import Vote


class RetroRepository(Protocol):
    async def add(self, data: Retro) -> Retro: ...

    async def find(self, retro_id: UUID, *, lock: bool = False) -> Retro | None:
        """The retro; ``lock`` holds its row until the unit of work ends, so changes to the
        retro and everything in it are decided one after the other."""
        ...

    async def page_of_board(self, board_id: UUID, page: Page) -> Paged[Retro]:
        """One page of the board's retros, newest first."""
        ...

    async def delete(self, retro_id: UUID) -> None:
        """Delete the retro and everything in it."""
        ...

    async def idle(self, changed_before: datetime, *, limit: int) -> Sequence[UUID]:
        """Up to ``limit`` started, not closed retros last changed at or before
        ``changed_before``, longest idle first (read without locking: the closing decides
        again under each retro's lock)."""
        ...


class PhaseHistoryRepository(Protocol):
    async def add(self, data: PhaseChange) -> None: ...

    async def of_retro(self, retro_id: UUID) -> Sequence[PhaseChange]:
        """The retro's phase changes, oldest first."""
        ...

    async def of_retros(self, retro_ids: Collection[UUID]) -> Mapping[UUID, Sequence[PhaseChange]]:
        """The phase changes of several retros at once (a page of them), oldest first."""
        ...


class RetroSectionRepository(Protocol):
    async def add_all(self, sections: Sequence[RetroSection]) -> None: ...

    async def find(self, retro_id: UUID, section_id: UUID) -> RetroSection | None:
        """The retro's section with that id (another retro's section is not found)."""
        ...

    async def of_retro(self, retro_id: UUID) -> Sequence[RetroSection]:
        """The retro's frozen sections, in order."""
        ...


class ParticipantRepository(Protocol):
    async def join(self, data: Participant) -> bool:
        """Record the participant unless already there; True when they were not."""
        ...

    async def of_retro(self, retro_id: UUID) -> Sequence[Participant]:
        """The retro's participants, in the order they joined."""
        ...


class TopicRepository(Protocol):
    async def add(self, data: Topic) -> Topic:
        """Store a new topic; the one answered is not tracked for changes (find it)."""
        ...

    async def find(self, topic_id: UUID) -> Topic | None: ...

    async def of_retro(self, retro_id: UUID) -> Sequence[Topic]:
        """The retro's topics, oldest first, for reading (changes to them are not stored)."""
        ...

    async def delete(self, topic_id: UUID) -> None: ...


class CardRepository(Protocol):
    async def add(self, data: Card) -> Card:
        """Store a new card; the one answered is not tracked for changes (find it)."""
        ...

    async def find(self, card_id: UUID) -> Card | None: ...

    async def of_retro(self, retro_id: UUID) -> Sequence[Card]:
        """The retro's cards, by topic and position, for reading (changes to them are not
        stored: change cards found by :meth:`find` or :meth:`in_topics`)."""
        ...

    async def count(self, retro_id: UUID) -> int: ...

    async def in_topics(self, topic_ids: Collection[UUID]) -> Sequence[Card]:
        """The cards of these topics, by topic and position."""
        ...

    async def delete(self, card_id: UUID) -> None: ...


class VoteRepository(Protocol):
    async def add(self, data: Vote) -> None: ...

    async def of_voter(self, retro_id: UUID, voter_id: UUID) -> Sequence[Vote]:
        """One participant's votes in the retro, oldest first (read under the retro's lock
        when casting, so the budget and the cap hold)."""
        ...

    async def of_retro(self, retro_id: UUID) -> Sequence[Vote]:
        """Everyone's votes in the retro, for reading (the visibility rule decides what of
        them is shown)."""
        ...

    async def delete(self, vote_id: UUID) -> None: ...


class PeopleDirectory(Protocol):
    async def names(self, user_ids: Collection[UUID]) -> Mapping[UUID, str]:
        """The names of these users (an erased user has none)."""
        ...


class NoteRepository(Protocol):
    async def add(self, data: Note) -> Note: ...

    async def find(self, note_id: UUID) -> Note | None: ...

    async def of_retro(self, retro_id: UUID) -> Sequence[Note]:
        """The retro's notes, oldest first, for reading."""
        ...

    async def count(self, retro_id: UUID) -> int: ...

    async def delete(self, note_id: UUID) -> None: ...


@dataclass(frozen=True, slots=True)
class ReviewedItems:
    """What a retro read needs of action items, in one statement: the retro's own and its
    board's open ones from other retros, with when each of their retros was opened."""

    items: Sequence[ActionItem]
    retros_opened_at: Mapping[UUID, datetime]


class ActionItemRepository(Protocol):
    async def add(self, data: ActionItem) -> ActionItem: ...

    async def find(self, item_id: UUID) -> ActionItem | None: ...

    async def count(self, retro_id: UUID) -> int: ...

    async def reviewed_in(self, retro: Retro) -> ReviewedItems:
        """The retro's items, and its board's open items of other retros (the domain's
        ``carried_over`` keeps those of earlier ones)."""
        ...

    async def page_of_board(
        self, board_id: UUID, status: ActionItemStatus, page: Page
    ) -> Paged[ActionItem]:
        """One page of the board's items ``status`` admits, oldest first."""
        ...

    async def page_assigned_to(
        self, user_id: UUID, status: ActionItemStatus, page: Page
    ) -> Paged[ActionItem]:
        """One page of the items assigned to the user in organizations they are a member
        of, oldest first."""
        ...


RETROS: RepositoryKey[RetroRepository] = RepositoryKey("retros.retros")
PHASE_HISTORY: RepositoryKey[PhaseHistoryRepository] = RepositoryKey("retros.phase_history")
RETRO_SECTIONS: RepositoryKey[RetroSectionRepository] = RepositoryKey("retros.sections")
PARTICIPANTS: RepositoryKey[ParticipantRepository] = RepositoryKey("retros.participants")
TOPICS: RepositoryKey[TopicRepository] = RepositoryKey("retros.topics")
CARDS: RepositoryKey[CardRepository] = RepositoryKey("retros.cards")
VOTES: RepositoryKey[VoteRepository] = RepositoryKey("retros.votes")
PEOPLE: RepositoryKey[PeopleDirectory] = RepositoryKey("retros.people")
NOTES: RepositoryKey[NoteRepository] = RepositoryKey("retros.notes")
ACTION_ITEMS: RepositoryKey[ActionItemRepository] = RepositoryKey("retros.action_items")


class RetrosUnitOfWork(FeatureWork):
    """What the retro use cases reach inside one transaction."""

    organizations = Repository(ORGANIZATIONS)
    memberships = Repository(MEMBERSHIPS)
    boards = Repository(BOARDS)
    retros = Repository(RETROS)
    phase_history = Repository(PHASE_HISTORY)
    sections = Repository(RETRO_SECTIONS)
    participants = Repository(PARTICIPANTS)
    topics = Repository(TOPICS)
    cards = Repository(CARDS)
    votes = Repository(VOTES)
    people = Repository(PEOPLE)
    notes = Repository(NOTES)
    action_items = Repository(ACTION_ITEMS)
