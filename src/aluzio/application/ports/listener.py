"""Hearing the events other transactions committed (the other half of ``events.py``), and
announcing what is not a change to stored data (who has a retro open) on the same bus."""

from __future__ import annotations

from typing import Protocol


class ListenerSubscriber(Protocol):
    """Told of every message heard on the listened channels, and when some may have been
    missed."""

    def notified(self, channel: str, payload: str) -> None: ...

    def resync(self) -> None:
        """The listening connection dropped and is back: messages sent meanwhile were not
        heard, so whoever relies on them must read the current state again."""


class EventListener(Protocol):
    """One listening connection per process, shared by every subscriber. It listens from the
    first ``subscribe`` until ``close``, and reconnects on its own when the connection drops."""

    def subscribe(self, subscriber: ListenerSubscriber) -> None: ...

    async def wait_listening(self, seconds: float) -> bool:
        """Whether the listener is listening, waiting up to ``seconds`` for it."""
        ...

    async def announce(self, channel: str, payload: str) -> bool:
        """Send ``payload`` to every listener of ``channel`` (this one included), outside any
        transaction; False when it could not be sent (not listening now). For messages that
        are repeated until they no longer hold, never for changes to stored data."""
        ...

    async def close(self) -> None: ...
