"""Who has which retro open, across every app instance.

Nothing is stored: each instance knows its own live connections, and announces on
``aluzio_presence`` (a ``pg_notify`` outside any transaction) each person it has on a retro:
``here`` when their first connection there opens, ``gone`` when their last one closes, and
``here`` again for everyone it holds every ``interval`` seconds. What another instance
announced holds until it is renewed, withdrawn, or expires after a few missed renewals, so an
instance that dies leaves no one behind for long. A starting (or reconnected) instance
``ask``s, and every instance answers with all it holds.

A message names pairs of ids only, at most ``PAIRS_PER_MESSAGE`` of them, well under
Postgres's 8000-byte limit.
"""

from __future__ import annotations

import json
import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from uuid import UUID

PRESENCE_CHANNEL = "aluzio_presence"
PAIRS_PER_MESSAGE = 80  # about 6 KB of ids per message
EXPIRY_INTERVALS = 3  # renewals another instance may miss before its people count as gone

Pair = tuple[UUID, UUID]  # (retro, user)


@dataclass(frozen=True, slots=True)
class Heard:
    """What a message from another instance changed: the retros whose presence may differ,
    and whether it asked everyone to announce all they hold."""

    retros: frozenset[UUID] = frozenset()
    asked: bool = False


class PresenceBook:
    """This instance's view of presence: its own connections, counted, and what the other
    instances announced, each with its expiry (seconds on ``now``'s clock)."""

    def __init__(
        self,
        instance_id: UUID,
        interval_seconds: float,
        now: Callable[[], float] = time.monotonic,
    ) -> None:
        self.instance_id = instance_id
        self._expiry_seconds = interval_seconds * EXPIRY_INTERVALS
        self._now = now
        self._local: dict[UUID, Counter[UUID]] = {}
        self._remote: dict[tuple[UUID, UUID, UUID], float] = {}  # (instance, retro, user)

    def opened(self, retro_id: UUID, user_id: UUID) -> bool:
        """Count one more connection of the user to the retro here; True for their first."""
        users = self._local.setdefault(retro_id, Counter())
        users[user_id] += 1
        return users[user_id] == 1

    def closed(self, retro_id: UUID, user_id: UUID) -> bool:
        """Count one connection less; True when it was the user's last here."""
        users = self._local.get(retro_id)
        if users is None or users[user_id] <= 0:
            return False
        users[user_id] -= 1
        if users[user_id] > 0:
            return False
        del users[user_id]
        if not users:
            del self._local[retro_id]
        return True

    def present(self, retro_id: UUID) -> frozenset[UUID]:
        """Everyone with the retro open on any instance, as far as this one knows."""
        now = self._now()
        remote = {
            user
            for (_, retro, user), expires in self._remote.items()
            if retro == retro_id and expires > now
        }
        return frozenset(self._local.get(retro_id, ())) | remote

    def heard(self, payload: str) -> Heard:
        """Apply a message heard on the channel (this instance's own are ignored)."""
        try:
            body = json.loads(payload)
            instance = UUID(body["instance"])
            here = _pairs(body.get("here", ()))
            gone = _pairs(body.get("gone", ()))
            asked = body.get("ask") is True
        except (ValueError, KeyError, TypeError, AttributeError):
            return Heard()
        if instance == self.instance_id:
            return Heard()
        expires = self._now() + self._expiry_seconds
        for retro, user in here:
            self._remote[(instance, retro, user)] = expires
        for retro, user in gone:
            self._remote.pop((instance, retro, user), None)
        return Heard(frozenset(retro for retro, _ in [*here, *gone]), asked)

    def expire(self) -> frozenset[UUID]:
        """Forget announcements not renewed in time; the retros they were about."""
        now = self._now()
        stale = [key for key, expires in self._remote.items() if expires <= now]
        for key in stale:
            del self._remote[key]
        return frozenset(retro for _, retro, _ in stale)

    def here_messages(self) -> list[str]:
        """Everyone this instance holds, as few messages as fit."""
        return self._messages(
            "here", [(retro, user) for retro, users in self._local.items() for user in users]
        )

    def here_message(self, retro_id: UUID, user_id: UUID) -> str:
        return self._messages("here", [(retro_id, user_id)])[0]

    def gone_message(self, retro_id: UUID, user_id: UUID) -> str:
        return self._messages("gone", [(retro_id, user_id)])[0]

    def ask_message(self) -> str:
        return json.dumps({"instance": str(self.instance_id), "ask": True})

    def _messages(self, kind: str, pairs: list[Pair]) -> list[str]:
        return [
            json.dumps(
                {
                    "instance": str(self.instance_id),
                    kind: [[str(retro), str(user)] for retro, user in chunk],
                },
                separators=(",", ":"),
            )
            for chunk in _chunks(pairs, PAIRS_PER_MESSAGE)
        ]


def _pairs(raw: Iterable[Iterable[str]]) -> list[Pair]:
    pairs = []
    for retro, user in raw:
        pairs.append((UUID(retro), UUID(user)))
    return pairs


def _chunks(pairs: list[Pair], size: int) -> list[list[Pair]]:
    return [pairs[start : start + size] for start in range(0, len(pairs), size)]
