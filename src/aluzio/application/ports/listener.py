"""Hearing the events other transactions committed (the other half of ``events.py``)."""

from __future__ import annotations

from typing import Protocol


class ListenerSubscriber(Protocol):
    """Told of every event heard on the channel, and when some may have been missed."""

    def notified(self, payload: str) -> None: ...

    def resync(self) -> None:
        """The listening connection dropped and is back: events committed meanwhile were not
        heard, so whoever relies on them must read the current state again."""


class EventListener(Protocol):
    """One listening connection per process, shared by every subscriber. It listens from the
    first ``subscribe`` until ``close``, and reconnects on its own when the connection drops."""

    def subscribe(self, subscriber: ListenerSubscriber) -> None: ...

    async def wait_listening(self, seconds: float) -> bool:
        """Whether the listener is listening, waiting up to ``seconds`` for it."""
        ...

    async def close(self) -> None: ...
