"""A retro and what it holds: phases and their history, frozen sections, participants,
topics and cards."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from uuid import UUID


class Phase(StrEnum):
    """The phases in the order a retro goes through them."""

    DRAFT = "draft"
    REFLECT = "reflect"
    GROUP = "group"
    VOTE = "vote"
    DISCUSS = "discuss"
    CLOSED = "closed"


@dataclass(eq=False)
class Retro:
    id: UUID
    board_id: UUID
    organization_id: UUID
    title: str | None
    facilitator_id: UUID
    vote_budget: int
    max_votes_per_topic: int
    anonymous: bool
    phase: Phase
    # Incremented by every change to the retro or anything in it, in the change's
    # transaction: real-time clients detect a missed event by a gap.
    version: int
    created_by: UUID
    created_at: datetime


@dataclass(eq=False)
class PhaseChange:
    """One step of the phase history; creation is the change from ``None`` to draft."""

    retro_id: UUID
    from_phase: Phase | None
    to_phase: Phase
    changed_by: UUID
    changed_at: datetime


@dataclass(eq=False)
class RetroSection:
    """A board section as it was when the retro started (``id`` is the board section's)."""

    retro_id: UUID
    id: UUID
    title: str
    prompt: str | None
    color: str | None
    position: int


@dataclass(eq=False)
class Participant:
    retro_id: UUID
    user_id: UUID
    joined_at: datetime


@dataclass(eq=False)
class Topic:
    id: UUID
    retro_id: UUID
    title: str | None
    created_at: datetime


@dataclass(eq=False)
class Card:
    id: UUID
    retro_id: UUID
    section_id: UUID
    topic_id: UUID
    # Stored for the author's own use (editing, export); never shown to others in an
    # anonymous retro (see ``visibility``).
    author_id: UUID
    body: str
    position: int  # order within its topic
    created_at: datetime
    updated_at: datetime
