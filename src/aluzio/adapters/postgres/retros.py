"""Postgres repositories for retros (records as in :mod:`.accounts`)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Collection, Mapping, Sequence
from datetime import datetime
from typing import Any, ClassVar, TypeVar
from uuid import UUID

from advanced_alchemy.filters import LimitOffset, OrderBy
from advanced_alchemy.repository import SQLAlchemyAsyncRepository
from sqlalchemy import FromClause, Result, delete, func, select, text
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapper, registry

from aluzio.adapters.postgres.records import as_record
from aluzio.adapters.postgres.tables.accounts import users
from aluzio.adapters.postgres.tables.retros import (
    IDLE_CLOSABLE,
    cards,
    retro_participants,
    retro_phase_changes,
    retro_sections,
    retros,
    topics,
    votes,
)
from aluzio.adapters.postgres.unit_of_work import PostgresRepositories, SessionScope
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
from aluzio.domain.retros.model import (
    Card,
    Participant,
    PhaseChange,
    Retro,
    RetroSection,
    Topic,
)
from aluzio.domain.retros.votes import Vote

T = TypeVar("T")


class RetroRecord(Retro):
    __table__: ClassVar[FromClause]
    __mapper__: ClassVar[Mapper[Any]]


class PhaseChangeRecord(PhaseChange):
    __table__: ClassVar[FromClause]
    __mapper__: ClassVar[Mapper[Any]]


class RetroSectionRecord(RetroSection):
    __table__: ClassVar[FromClause]
    __mapper__: ClassVar[Mapper[Any]]


class ParticipantRecord(Participant):
    __table__: ClassVar[FromClause]
    __mapper__: ClassVar[Mapper[Any]]


class TopicRecord(Topic):
    __table__: ClassVar[FromClause]
    __mapper__: ClassVar[Mapper[Any]]


class CardRecord(Card):
    __table__: ClassVar[FromClause]
    __mapper__: ClassVar[Mapper[Any]]


def map_retros(mappers: registry) -> None:
    mappers.map_imperatively(RetroRecord, retros)
    mappers.map_imperatively(PhaseChangeRecord, retro_phase_changes)
    mappers.map_imperatively(RetroSectionRecord, retro_sections)
    mappers.map_imperatively(ParticipantRecord, retro_participants)
    mappers.map_imperatively(TopicRecord, topics)
    mappers.map_imperatively(CardRecord, cards)


class _Retros(SQLAlchemyAsyncRepository[RetroRecord]):
    model_type = RetroRecord


def _columns(table: FromClause, entity: object) -> dict[str, Any]:
    """The entity's attributes named as the table's columns, for a direct INSERT."""
    return {column.key: getattr(entity, column.key) for column in table.columns}


def _plain(entity: Callable[..., T], result: Result[Any]) -> list[T]:
    """Plain entities from rows whose columns are named as the entity's fields (the names
    zipped once: a ``RowMapping`` builds its key view again for every row)."""
    keys = list(result.keys())
    return [entity(**dict(zip(keys, row, strict=True))) for row in result]


_TOPIC_ORDER = (topics.c.created_at, topics.c.id)
_CARD_ORDER = (cards.c.topic_id, cards.c.position, cards.c.created_at, cards.c.id)


class PostgresRetroRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session
        self._rows = _Retros(session=session)

    async def add(self, data: Retro) -> Retro:
        return await self._rows.add(as_record(RetroRecord, data))

    async def find(self, retro_id: UUID, *, lock: bool = False) -> Retro | None:
        query = select(RetroRecord).where(retros.c.id == retro_id)
        if lock:
            # SELECT ... FOR UPDATE: changes to one retro are decided one after the other.
            query = query.with_for_update()
        result = await self._session.execute(query.execution_options(populate_existing=True))
        return result.scalar_one_or_none()

    async def page_of_board(self, board_id: UUID, page: Page) -> Paged[Retro]:
        of_board = retros.c.board_id == board_id
        items, total = await self._rows.get_many_and_count(
            of_board,
            OrderBy(field_name="created_at", sort_order="desc"),
            OrderBy(field_name="id", sort_order="desc"),
            LimitOffset(limit=page.limit, offset=page.offset),
        )
        if not items and page.offset:
            total = await self._rows.count(of_board)
        return Paged(items=items, total=total)

    async def delete(self, retro_id: UUID) -> None:
        # ON DELETE CASCADE removes its history, sections, participants, topics and cards.
        await self._session.flush()
        await self._session.execute(delete(retros).where(retros.c.id == retro_id))

    async def idle(self, changed_before: datetime, *, limit: int) -> Sequence[UUID]:
        query = (
            select(retros.c.id)
            .where(text(IDLE_CLOSABLE), retros.c.changed_at <= changed_before)
            .order_by(retros.c.changed_at, retros.c.id)
            .limit(limit)
        )
        return list((await self._session.scalars(query)).all())


class PostgresPhaseHistoryRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, data: PhaseChange) -> None:
        self._session.add(as_record(PhaseChangeRecord, data))
        await self._session.flush()

    async def of_retro(self, retro_id: UUID) -> Sequence[PhaseChange]:
        return (await self.of_retros([retro_id])).get(retro_id, [])

    async def of_retros(self, retro_ids: Collection[UUID]) -> Mapping[UUID, Sequence[PhaseChange]]:
        if not retro_ids:
            return {}
        # For reading: plain entities, untracked (the history is only ever added to).
        h = retro_phase_changes.c
        result = await self._session.execute(
            select(h.retro_id, h.from_phase, h.to_phase, h.changed_by, h.changed_at)
            .where(h.retro_id.in_(list(retro_ids)))
            .order_by(h.seq)
        )
        found: dict[UUID, list[PhaseChange]] = defaultdict(list)
        for change in _plain(PhaseChange, result):
            found[change.retro_id].append(change)
        return found


class PostgresRetroSectionRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add_all(self, sections: Sequence[RetroSection]) -> None:
        self._session.add_all([as_record(RetroSectionRecord, s) for s in sections])
        await self._session.flush()

    async def find(self, retro_id: UUID, section_id: UUID) -> RetroSection | None:
        # Only that section's row, as a plain entity: sections never change once frozen.
        result = await self._session.execute(
            select(*retro_sections.c).where(
                retro_sections.c.retro_id == retro_id, retro_sections.c.id == section_id
            )
        )
        row = result.mappings().first()
        return None if row is None else RetroSection(**row)

    async def of_retro(self, retro_id: UUID) -> Sequence[RetroSection]:
        # For reading, as a retro's topics and cards: plain entities, untracked.
        result = await self._session.execute(
            select(*retro_sections.c)
            .where(retro_sections.c.retro_id == retro_id)
            .order_by(retro_sections.c.position)
        )
        return _plain(RetroSection, result)


class PostgresParticipantRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def join(self, data: Participant) -> bool:
        # One statement, and no error when two first reads of one person race.
        result = await self._session.execute(
            insert(retro_participants)
            .values(retro_id=data.retro_id, user_id=data.user_id, joined_at=data.joined_at)
            .on_conflict_do_nothing()
            .returning(retro_participants.c.user_id)
        )
        return result.first() is not None

    async def of_retro(self, retro_id: UUID) -> Sequence[Participant]:
        # For reading: plain entities, untracked (a participant changes only by joining).
        result = await self._session.execute(
            select(*retro_participants.c)
            .where(retro_participants.c.retro_id == retro_id)
            .order_by(retro_participants.c.joined_at, retro_participants.c.user_id)
        )
        return _plain(Participant, result)


class PostgresTopicRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, data: Topic) -> Topic:
        # One INSERT sent at once, the new topic left untracked: cheaper than an ORM flush.
        await self._session.execute(topics.insert().values(**_columns(topics, data)))
        return data

    async def find(self, topic_id: UUID) -> Topic | None:
        result = await self._session.execute(
            select(TopicRecord)
            .where(topics.c.id == topic_id)
            .execution_options(populate_existing=True)
        )
        return result.scalar_one_or_none()

    async def of_retro(self, retro_id: UUID) -> Sequence[Topic]:
        # For reading: plain rows into plain entities, without the session's bookkeeping
        # (a retro holds up to 500).
        result = await self._session.execute(
            select(*topics.c).where(topics.c.retro_id == retro_id).order_by(*_TOPIC_ORDER)
        )
        return _plain(Topic, result)

    async def delete(self, topic_id: UUID) -> None:
        await self._session.flush()  # the moves out of the topic go first
        await self._session.execute(delete(topics).where(topics.c.id == topic_id))


class PostgresCardRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, data: Card) -> Card:
        # As a topic: one INSERT, the card left untracked (change cards found by find).
        await self._session.execute(cards.insert().values(**_columns(cards, data)))
        return data

    async def find(self, card_id: UUID) -> Card | None:
        # Read again after the retro's lock: another change may have moved it meanwhile.
        result = await self._session.execute(
            select(CardRecord)
            .where(cards.c.id == card_id)
            .execution_options(populate_existing=True)
        )
        return result.scalar_one_or_none()

    async def of_retro(self, retro_id: UUID) -> Sequence[Card]:
        # For reading, as the topics: plain entities, not tracked by the session.
        result = await self._session.execute(
            select(*cards.c).where(cards.c.retro_id == retro_id).order_by(*_CARD_ORDER)
        )
        return _plain(Card, result)

    async def count(self, retro_id: UUID) -> int:
        result = await self._session.execute(
            select(func.count()).select_from(cards).where(cards.c.retro_id == retro_id)
        )
        return int(result.scalar_one())

    async def in_topics(self, topic_ids: Collection[UUID]) -> Sequence[Card]:
        result = await self._session.execute(
            select(CardRecord)
            .where(cards.c.topic_id.in_(list(topic_ids)))
            .order_by(*_CARD_ORDER)
            .execution_options(populate_existing=True)
        )
        return list(result.scalars())

    async def delete(self, card_id: UUID) -> None:
        found = await self._session.get(CardRecord, card_id)
        if found is not None:
            await self._session.delete(found)
            await self._session.flush()


_VOTE_ORDER = (votes.c.cast_at, votes.c.id)


class PostgresVoteRepository:
    """Votes as plain rows: each is written and deleted by one statement, never changed."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, data: Vote) -> None:
        await self._session.execute(
            insert(votes).values(
                id=data.id,
                retro_id=data.retro_id,
                topic_id=data.topic_id,
                voter_id=data.voter_id,
                cast_at=data.cast_at,
            )
        )

    async def of_voter(self, retro_id: UUID, voter_id: UUID) -> Sequence[Vote]:
        result = await self._session.execute(
            select(*votes.c)
            .where(votes.c.retro_id == retro_id, votes.c.voter_id == voter_id)
            .order_by(*_VOTE_ORDER)
        )
        return [Vote(**row) for row in result.mappings()]

    async def of_retro(self, retro_id: UUID) -> Sequence[Vote]:
        result = await self._session.execute(
            select(*votes.c).where(votes.c.retro_id == retro_id).order_by(*_VOTE_ORDER)
        )
        return [Vote(**row) for row in result.mappings()]

    async def delete(self, vote_id: UUID) -> None:
        await self._session.execute(delete(votes).where(votes.c.id == vote_id))


class PostgresPeopleDirectory:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def names(self, user_ids: Collection[UUID]) -> Mapping[UUID, str]:
        if not user_ids:
            return {}
        result = await self._session.execute(
            select(users.c.id, users.c.name).where(users.c.id.in_(list(user_ids)))
        )
        return {user_id: name for user_id, name in result.all()}


def register_postgres_retros(repositories: PostgresRepositories) -> None:
    def retros_(scope: SessionScope) -> PostgresRetroRepository:
        return PostgresRetroRepository(scope.session)

    def history(scope: SessionScope) -> PostgresPhaseHistoryRepository:
        return PostgresPhaseHistoryRepository(scope.session)

    def sections(scope: SessionScope) -> PostgresRetroSectionRepository:
        return PostgresRetroSectionRepository(scope.session)

    def participants(scope: SessionScope) -> PostgresParticipantRepository:
        return PostgresParticipantRepository(scope.session)

    def topics_(scope: SessionScope) -> PostgresTopicRepository:
        return PostgresTopicRepository(scope.session)

    def cards_(scope: SessionScope) -> PostgresCardRepository:
        return PostgresCardRepository(scope.session)

    def votes_(scope: SessionScope) -> PostgresVoteRepository:
        return PostgresVoteRepository(scope.session)

    def people(scope: SessionScope) -> PostgresPeopleDirectory:
        return PostgresPeopleDirectory(scope.session)

    repositories.register(RETROS, retros_)
    repositories.register(PHASE_HISTORY, history)
    repositories.register(RETRO_SECTIONS, sections)
    repositories.register(PARTICIPANTS, participants)
    repositories.register(TOPICS, topics_)
    repositories.register(CARDS, cards_)
    repositories.register(VOTES, votes_)
    repositories.register(PEOPLE, people)
