"""The event every change to a retro announces, for real time to relay.

The payload names the retro, its new ``version`` and what happened; it carries no card text
or author (listeners re-read what the viewer may see), so it can be logged and relayed to
anyone in the retro.
"""

from __future__ import annotations

import json
from uuid import UUID

from aluzio.application.ports.events import Event
from aluzio.domain.retros.model import Retro

RETRO_CHANNEL = "aluzio_retro"


def retro_changed(retro: Retro, change: str) -> Event:
    return retro_version_changed(retro.id, retro.version, change)


def retro_version_changed(retro_id: UUID, version: int, change: str) -> Event:
    payload = {"retroId": str(retro_id), "version": version, "type": change}
    return Event(RETRO_CHANNEL, json.dumps(payload, separators=(",", ":")))
