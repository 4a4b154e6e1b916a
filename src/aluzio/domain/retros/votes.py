"""Votes: each participant spends the retro's budget on topics, within a cap per topic."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID


@dataclass(eq=False)
class Vote:
    """One vote of ``voter_id`` on a topic; a participant may put several on one topic."""

    id: UUID
    retro_id: UUID
    topic_id: UUID
    voter_id: UUID
    cast_at: datetime
