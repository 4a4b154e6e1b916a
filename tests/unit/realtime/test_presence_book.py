"""The presence book: counting tabs, announcements from other instances and their expiry,
messages within Postgres's 8000-byte limit."""

from __future__ import annotations

import json
from uuid import UUID, uuid4

from aluzio.application.realtime.presence import EXPIRY_INTERVALS, PresenceBook


class Ticking:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_a_person_is_present_until_their_last_tab_closes() -> None:
    book = PresenceBook(uuid4(), 5.0)
    retro, ada = uuid4(), uuid4()
    assert book.opened(retro, ada) is True
    assert book.opened(retro, ada) is False
    assert book.closed(retro, ada) is False
    assert book.present(retro) == {ada}
    assert book.closed(retro, ada) is True
    assert book.present(retro) == frozenset()
    assert book.closed(retro, ada) is False  # never below zero


def test_another_instances_people_hold_until_withdrawn_or_expired() -> None:
    clock = Ticking()
    book = PresenceBook(uuid4(), 5.0, now=clock)
    other = PresenceBook(uuid4(), 5.0)
    retro, bea, cy = uuid4(), uuid4(), uuid4()
    other.opened(retro, bea)
    other.opened(retro, cy)
    (here,) = other.here_messages()
    assert book.heard(here).retros == {retro}
    assert book.present(retro) == {bea, cy}
    book.heard(other.gone_message(retro, cy))
    assert book.present(retro) == {bea}
    clock.now = 5.0 * EXPIRY_INTERVALS - 0.1
    assert book.expire() == frozenset()
    clock.now = 5.0 * EXPIRY_INTERVALS
    assert book.present(retro) == frozenset()
    assert book.expire() == {retro}


def test_own_messages_and_garbage_change_nothing() -> None:
    book = PresenceBook(uuid4(), 5.0)
    retro, ada = uuid4(), uuid4()
    book.opened(retro, ada)
    assert book.heard(book.gone_message(retro, ada)).retros == frozenset()
    assert book.present(retro) == {ada}
    wrong_here = json.dumps({"instance": str(uuid4()), "here": 3})
    for junk in ("", "[]", '{"instance": "x"}', wrong_here):
        assert book.heard(junk).retros == frozenset()
    asked = book.heard(json.dumps({"instance": str(uuid4()), "ask": True}))
    assert asked.asked is True


def test_many_people_fit_in_messages_under_the_limit() -> None:
    book = PresenceBook(uuid4(), 5.0)
    pairs = {(uuid4(), uuid4()) for _ in range(500)}
    for retro, user in pairs:
        book.opened(retro, user)
    messages = book.here_messages()
    assert all(len(m.encode()) < 8000 for m in messages)
    heard = {(UUID(r), UUID(u)) for m in messages for r, u in json.loads(m)["here"]}
    assert heard == pairs
