"""In-memory retro repositories: the same contract as :mod:`..postgres.retros`.

The database's foreign keys are honoured in both directions: a row that refers to a missing
board, organization, retro or user is refused, and deleting a board, an organization or a
user removes (or, for a facilitator, creator or phase changer, forgets) what referred to it,
as ``ON DELETE`` does. Deletions made by other features' repositories are applied here when a
retro repository next looks at the data.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from datetime import datetime
from typing import Any
from uuid import UUID

from aluzio.adapters.memory.unit_of_work import MemoryRepositories, MemoryScope
from aluzio.application.pagination import Page, Paged
from aluzio.application.retros.ports import (
    CARDS,
    PARTICIPANTS,
    PEOPLE,
    PHASE_HISTORY,
    RETRO_SECTIONS,
    RETROS,
    TOPICS,
    VOTES,
)
from aluzio.domain.errors import Conflict, NotFound
from aluzio.domain.retros.closing import CLOSABLE_WHEN_IDLE
from aluzio.domain.retros.model import (
    Card,
    Participant,
    PhaseChange,
    Retro,
    RetroSection,
    Topic,
)
from aluzio.domain.retros.votes import Vote

_MISSING = "A record this change refers to does not exist."


class _Tables:
    def __init__(self, scope: MemoryScope) -> None:
        state = scope.state
        self.organizations: dict[UUID, Any] = state.table("organizations")
        self.boards: dict[UUID, Any] = state.table("boards")
        self.users: dict[UUID, Any] = state.table("users")
        self.retros: dict[UUID, Retro] = state.table("retros")
        self.history: dict[int, PhaseChange] = state.table("retro_phase_changes")
        self.sections: dict[tuple[UUID, UUID], RetroSection] = state.table("retro_sections")
        self.participants: dict[tuple[UUID, UUID], Participant] = state.table("retro_participants")
        self.topics: dict[UUID, Topic] = state.table("topics")
        self.cards: dict[UUID, Card] = state.table("cards")
        self.votes: dict[UUID, Vote] = state.table("votes")

    def _cascade(self) -> None:
        """What the database's ``ON DELETE`` clauses would have done by now."""
        for retro in list(self.retros.values()):
            if retro.board_id not in self.boards or retro.organization_id not in self.organizations:
                self._drop_retro(retro.id)
            else:
                for attribute in ("facilitator_id", "created_by"):
                    if getattr(retro, attribute) not in self.users:
                        setattr(retro, attribute, None)
                if retro.discussion_topic_id not in self.topics:
                    retro.discussion_topic_id = None  # SET NULL
        for change in self.history.values():
            if change.changed_by not in self.users:
                change.changed_by = None  # SET NULL
        _drop(self.participants, lambda p: p.user_id not in self.users)
        _drop(self.cards, lambda c: c.author_id not in self.users)
        _drop(self.votes, lambda v: v.voter_id not in self.users or v.topic_id not in self.topics)

    def _drop_retro(self, retro_id: UUID) -> None:
        self.retros.pop(retro_id, None)
        for table in (
            self.history,
            self.sections,
            self.participants,
            self.topics,
            self.cards,
            self.votes,
        ):
            _drop(table, lambda row: row.retro_id == retro_id)

    def _require(self, found: bool) -> None:
        if not found:
            raise NotFound(_MISSING)


def _drop(table: dict[Any, Any], doomed: Any) -> None:
    for key, row in list(table.items()):
        if doomed(row):
            del table[key]


class InMemoryRetroRepository(_Tables):
    async def add(self, data: Retro) -> Retro:
        self._cascade()
        self._require(
            data.board_id in self.boards
            and data.organization_id in self.organizations
            and data.facilitator_id in self.users
            and data.created_by in self.users
        )
        if data.id in self.retros:
            raise Conflict()
        self.retros[data.id] = data
        return data

    async def find(self, retro_id: UUID, *, lock: bool = False) -> Retro | None:
        self._cascade()
        return self.retros.get(retro_id)

    async def page_of_board(self, board_id: UUID, page: Page) -> Paged[Retro]:
        self._cascade()
        found = sorted(
            (r for r in self.retros.values() if r.board_id == board_id),
            key=lambda r: (r.created_at, r.id),
            reverse=True,
        )
        return Paged(items=found[page.offset : page.offset + page.limit], total=len(found))

    async def delete(self, retro_id: UUID) -> None:
        self._drop_retro(retro_id)

    async def idle(self, changed_before: datetime, *, limit: int) -> Sequence[UUID]:
        self._cascade()
        found = sorted(
            (
                r
                for r in self.retros.values()
                if r.current_phase in CLOSABLE_WHEN_IDLE and r.changed_at <= changed_before
            ),
            key=lambda r: (r.changed_at, r.id),
        )
        return [r.id for r in found[:limit]]


class InMemoryPhaseHistoryRepository(_Tables):
    async def add(self, data: PhaseChange) -> None:
        self._cascade()
        self._require(
            data.retro_id in self.retros
            and (data.changed_by is None or data.changed_by in self.users)
        )
        self.history[max(self.history, default=0) + 1] = data

    async def of_retro(self, retro_id: UUID) -> Sequence[PhaseChange]:
        return (await self.of_retros([retro_id])).get(retro_id, [])

    async def of_retros(self, retro_ids: Collection[UUID]) -> Mapping[UUID, Sequence[PhaseChange]]:
        self._cascade()
        found: dict[UUID, list[PhaseChange]] = {}
        for _, change in sorted(self.history.items(), key=lambda item: item[0]):
            if change.retro_id in retro_ids:
                found.setdefault(change.retro_id, []).append(change)
        return found


class InMemoryRetroSectionRepository(_Tables):
    async def add_all(self, sections: Sequence[RetroSection]) -> None:
        self._cascade()
        for section in sections:
            self._require(section.retro_id in self.retros)
            key = (section.retro_id, section.id)
            if key in self.sections:
                raise Conflict()
            self.sections[key] = section

    async def find(self, retro_id: UUID, section_id: UUID) -> RetroSection | None:
        self._cascade()
        return self.sections.get((retro_id, section_id))

    async def of_retro(self, retro_id: UUID) -> Sequence[RetroSection]:
        self._cascade()
        return sorted(
            (s for s in self.sections.values() if s.retro_id == retro_id),
            key=lambda s: s.position,
        )


class InMemoryParticipantRepository(_Tables):
    async def join(self, data: Participant) -> bool:
        self._cascade()
        self._require(data.retro_id in self.retros and data.user_id in self.users)
        key = (data.retro_id, data.user_id)
        if key in self.participants:
            return False
        self.participants[key] = data
        return True

    async def of_retro(self, retro_id: UUID) -> Sequence[Participant]:
        self._cascade()
        return sorted(
            (p for p in self.participants.values() if p.retro_id == retro_id),
            key=lambda p: (p.joined_at, p.user_id),
        )


class InMemoryTopicRepository(_Tables):
    async def add(self, data: Topic) -> Topic:
        self._cascade()
        self._require(data.retro_id in self.retros)
        if data.id in self.topics:
            raise Conflict()
        self.topics[data.id] = data
        return data

    async def find(self, topic_id: UUID) -> Topic | None:
        self._cascade()
        return self.topics.get(topic_id)

    async def of_retro(self, retro_id: UUID) -> Sequence[Topic]:
        self._cascade()
        return sorted(
            (t for t in self.topics.values() if t.retro_id == retro_id),
            key=lambda t: (t.created_at, t.id),
        )

    async def delete(self, topic_id: UUID) -> None:
        self.topics.pop(topic_id, None)
        _drop(self.cards, lambda c: c.topic_id == topic_id)


class InMemoryCardRepository(_Tables):
    async def add(self, data: Card) -> Card:
        self._cascade()
        topic = self.topics.get(data.topic_id)
        self._require(
            (data.retro_id, data.section_id) in self.sections
            and topic is not None
            and topic.retro_id == data.retro_id
            and data.author_id in self.users
        )
        if data.id in self.cards:
            raise Conflict()
        self.cards[data.id] = data
        return data

    async def find(self, card_id: UUID) -> Card | None:
        self._cascade()
        return self.cards.get(card_id)

    async def of_retro(self, retro_id: UUID) -> Sequence[Card]:
        self._cascade()
        return sorted(
            (c for c in self.cards.values() if c.retro_id == retro_id),
            key=lambda c: (str(c.topic_id), c.position, c.created_at, str(c.id)),
        )

    async def count(self, retro_id: UUID) -> int:
        return len(await self.of_retro(retro_id))

    async def in_topics(self, topic_ids: Collection[UUID]) -> Sequence[Card]:
        self._cascade()
        return sorted(
            (c for c in self.cards.values() if c.topic_id in topic_ids),
            key=lambda c: (str(c.topic_id), c.position, c.created_at, str(c.id)),
        )

    async def delete(self, card_id: UUID) -> None:
        self.cards.pop(card_id, None)


class InMemoryVoteRepository(_Tables):
    async def add(self, data: Vote) -> None:
        self._cascade()
        topic = self.topics.get(data.topic_id)
        self._require(
            data.retro_id in self.retros
            and topic is not None
            and topic.retro_id == data.retro_id
            and data.voter_id in self.users
        )
        if data.id in self.votes:
            raise Conflict()
        self.votes[data.id] = data

    async def of_voter(self, retro_id: UUID, voter_id: UUID) -> Sequence[Vote]:
        return [v for v in await self.of_retro(retro_id) if v.voter_id == voter_id]

    async def of_retro(self, retro_id: UUID) -> Sequence[Vote]:
        self._cascade()
        return sorted(
            (v for v in self.votes.values() if v.retro_id == retro_id),
            key=lambda v: (v.cast_at, str(v.id)),
        )

    async def delete(self, vote_id: UUID) -> None:
        self.votes.pop(vote_id, None)


class InMemoryPeopleDirectory(_Tables):
    async def names(self, user_ids: Collection[UUID]) -> Mapping[UUID, str]:
        return {i: self.users[i].name for i in user_ids if i in self.users}


def register_memory_retros(repositories: MemoryRepositories) -> None:
    repositories.register(RETROS, InMemoryRetroRepository)
    repositories.register(PHASE_HISTORY, InMemoryPhaseHistoryRepository)
    repositories.register(RETRO_SECTIONS, InMemoryRetroSectionRepository)
    repositories.register(PARTICIPANTS, InMemoryParticipantRepository)
    repositories.register(TOPICS, InMemoryTopicRepository)
    repositories.register(CARDS, InMemoryCardRepository)
    repositories.register(VOTES, InMemoryVoteRepository)
    repositories.register(PEOPLE, InMemoryPeopleDirectory)
