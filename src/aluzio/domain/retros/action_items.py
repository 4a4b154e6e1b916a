"""Action items: what the team decided to do, created in discuss and followed up until
done, across retros of the same board."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from uuid import UUID


@dataclass(eq=False)
class ActionItem:
    id: UUID
    organization_id: UUID
    board_id: UUID
    retro_id: UUID
    topic_id: UUID | None  # the topic it came from, if any
    title: str
    assignee_id: UUID | None
    due_on: date | None
    done: bool
    created_by: UUID
    created_at: datetime
    updated_at: datetime
    done_at: datetime | None
