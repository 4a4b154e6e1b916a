"""The discussion cursor: in discuss, whoever steers the retro points everyone at the topic
being discussed, usually walking the topics in vote order."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from uuid import UUID

from aluzio.domain.retros.errors import TopicNotFound
from aluzio.domain.retros.model import Phase, Retro, Topic, Viewer
from aluzio.domain.retros.votes import Vote, vote_order, vote_totals


def check_may_steer_discussion(retro: Retro, *, by: Viewer) -> None:
    """The cursor moves in discuss only, by the facilitator or an admin or owner (checked
    before the topic it should point at is even looked up)."""
    retro.check_phase({Phase.DISCUSS})
    retro.check_facilitation(by)


def move_discussion(retro: Retro, topic: Topic, *, by: Viewer, now: datetime) -> bool:
    """Point the discussion at ``topic`` (one of the retro's), in discuss only, by the
    facilitator or an admin or owner; answers whether anything changed."""
    check_may_steer_discussion(retro, by=by)
    if topic.retro_id != retro.id:
        raise TopicNotFound()
    if retro.discussion_topic_id == topic.id:
        return False
    retro.discussion_topic_id = topic.id
    retro.record_change(now)
    return True


def next_topic(retro: Retro, topics: Iterable[Topic], votes: Iterable[Vote]) -> Topic | None:
    """The topic after the one under discussion in vote order (the first one when none
    is); ``None`` after the last."""
    ordered = vote_order(topics, vote_totals(votes))
    ids = [t.id for t in ordered]
    if retro.discussion_topic_id not in ids:
        return ordered[0] if ordered else None
    index = ids.index(retro.discussion_topic_id)
    return ordered[index + 1] if index + 1 < len(ordered) else None


def discussed_topic_id(retro: Retro, topic_ids: Iterable[UUID]) -> UUID | None:
    """The cursor as shown: ``None`` when it points at a topic that no longer exists (one
    emptied after going back to group)."""
    current = retro.discussion_topic_id
    return current if current is not None and current in set(topic_ids) else None
