"""Discussion notes: what was said about a topic, written in discuss."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID


@dataclass(eq=False)
class Note:
    id: UUID
    retro_id: UUID
    topic_id: UUID
    # Stored for the author's own use, never shown to others in an anonymous retro.
    author_id: UUID
    body: str
    created_at: datetime
    updated_at: datetime
