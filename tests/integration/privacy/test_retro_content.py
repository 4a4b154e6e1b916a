"""What people write in retros, in the export and the purge: Bea's cards, notes, votes and
action items are hers (in an anonymous retro too); Cy's, in the same retro, are not."""

from __future__ import annotations

import asyncio
import json
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import asyncpg
import pytest

from aluzio.adapters.postgres.database import to_asyncpg_dsn
from aluzio.application.privacy import erasure, export
from aluzio.application.privacy.context import PrivacyContext
from aluzio.application.retros.events import RETRO_CHANNEL
from tests.integration.accounts.conftest import PASSWORD, login
from tests.integration.organizations.conftest import Person
from tests.integration.privacy.schema import fetch_value, rows_referring_to
from tests.integration.retros import conftest as retro_fixtures
from tests.integration.retros.conftest import Team, move_to, open_retro, read, write
from tests.support.clock import MutableClock
from tests.support.processes import ALUZIO, aluzio_env

team = retro_fixtures.team


@dataclass
class Written:
    """One anonymous retro in discuss where Bea and Cy each wrote, voted and noted."""

    retro_id: str
    bea: list[Any]  # her cards, her note, her votes, her action item, in that order
    cy: list[Any]
    bea_cards: list[Any]
    cy_card: Any
    bea_topic_ids: list[str]  # the topics of her cards (Cy voted on the first)


async def _ok(response: Any, status: int = 201) -> Any:
    assert response.status_code == status, response.text
    return response.json() if response.content else None


async def _vote(person: Person, topic_id: str) -> None:
    await _ok(await person.post(f"/api/topics/{topic_id}/votes"))


async def _votes_of(database_url: str, user_id: str) -> list[str]:
    connection = await asyncpg.connect(to_asyncpg_dsn(database_url))
    try:
        rows = await connection.fetch("SELECT id FROM votes WHERE voter_id = $1::uuid", user_id)
    finally:
        await connection.close()
    return [str(row["id"]) for row in rows]


async def _write_retro(team: Team, database_url: str) -> Written:
    ada, bea, cy = team.ada, team.bea, team.cy
    retro = (await open_retro(ada, team.board_id, title="Sprint 9", anonymous=True))["id"]
    await move_to(ada, retro, "reflect")
    await read(bea, retro)  # opening it makes her a participant
    first = await write(bea, retro, team.section_ids[0], "Bea: the build is slow")
    second = await write(bea, retro, team.section_ids[1], "Bea: pairing helped")
    cy_card = await write(cy, retro, team.section_ids[0], "Cy: flaky tests again")
    await move_to(ada, retro, "group", "vote")
    await _vote(bea, first["topicId"])
    await _vote(bea, cy_card["topicId"])
    await _vote(cy, first["topicId"])
    await _vote(cy, cy_card["topicId"])
    await move_to(ada, retro, "discuss")
    bea_note = await _ok(
        await bea.post(f"/api/topics/{cy_card['topicId']}/notes", {"body": "Bea: quarantine them"})
    )
    cy_note = await _ok(
        await cy.post(f"/api/topics/{cy_card['topicId']}/notes", {"body": "Cy: cache the deps"})
    )
    items = f"/api/retros/{retro}/action-items"
    bea_item = await _ok(await bea.post(items, {"title": "Bea: fix CI", "assigneeId": cy.id}))
    cy_item = await _ok(await cy.post(items, {"title": "Cy: write docs", "assigneeId": bea.id}))
    ada_item = await _ok(await ada.post(items, {"title": "Ada: book room", "assigneeId": bea.id}))
    return Written(
        retro_id=retro,
        bea=[first, second, bea_note, *await _votes_of(database_url, bea.id), bea_item],
        cy=[cy_card, cy_note, *await _votes_of(database_url, cy.id), cy_item, ada_item],
        bea_cards=[first, second],
        cy_card=cy_card,
        bea_topic_ids=[first["topicId"], second["topicId"]],
    )


def _ids(rows: list[Any]) -> set[str]:
    return {row if isinstance(row, str) else row["id"] for row in rows}


async def test_the_export_holds_all_the_user_authored_with_anonymous_cards_and_no_one_elses(
    team: Team, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(export, "EXPORT_PAGE", 1)  # every collection read a row per page
    written = await _write_retro(team, database_url)

    response = await team.bea.get("/api/me/export")
    assert response.status_code == 200, response.text
    assert response.headers["content-disposition"].startswith("attachment")
    document = response.json()
    assert document["schema"] == "https://aluzio.ai/schemas/export/2"
    cards = {c["id"]: c for c in document["cards"]}
    assert set(cards) == _ids(written.bea_cards)
    assert {c["body"] for c in cards.values()} == {
        "Bea: the build is slow",
        "Bea: pairing helped",
    }
    assert all(c["anonymous"] and c["retroId"] == written.retro_id for c in cards.values())
    assert [n["body"] for n in document["notes"]] == ["Bea: quarantine them"]
    assert len(document["votes"]) == 2
    assert {v["id"] for v in document["votes"]} == set(await _votes_of(database_url, team.bea.id))
    items = {i["title"]: (i["createdByMe"], i["assignedToMe"]) for i in document["actionItems"]}
    assert items == {
        "Bea: fix CI": (True, False),
        "Cy: write docs": (False, True),
        "Ada: book room": (False, True),
    }
    assert document["boards"] == []  # Ada created the board
    assert document["retrosFacilitated"] == []
    # Nothing of Cy's: not their card, note or vote (ids or text), nor their address.
    text = response.text
    for row in written.cy[:-2]:
        assert (row if isinstance(row, str) else row["id"]) not in text
    for secret in ("Cy: flaky tests again", "Cy: cache the deps", "cy@example.com", team.cy.id):
        assert secret not in text

    facilitator = (await team.ada.get("/api/me/export")).json()
    assert [b["id"] for b in facilitator["boards"]] == [team.board_id]
    [retro] = facilitator["retrosFacilitated"]
    assert (retro["id"], retro["title"], retro["phase"]) == (
        written.retro_id,
        "Sprint 9",
        "discuss",
    )
    assert retro["board"] == "Team board"
    assert retro["lastPhaseChangeAt"] >= retro["createdAt"]
    assert facilitator["cards"] == []
    assert "Bea: the build is slow" not in json.dumps(facilitator)


async def test_a_purged_authors_cards_notes_votes_and_action_items_go_and_the_retro_stays(
    team: Team, database_url: str, privacy: PrivacyContext, clock: MutableClock
) -> None:
    written = await _write_retro(team, database_url)
    before = await read(team.ada, written.retro_id)
    tables = {f.table for f in await rows_referring_to(database_url, team.bea.id, "bea@")}
    assert tables >= {"cards", "notes", "votes", "action_items", "retro_participants"}

    heard: list[str] = []
    listener = await asyncpg.connect(to_asyncpg_dsn(database_url))
    await listener.add_listener(RETRO_CHANNEL, lambda *args: heard.append(args[3]))
    try:
        deleted = await team.bea.send("DELETE", "/api/me", {"password": PASSWORD})
        assert deleted.status_code == 202
        clock.advance(days=7)
        assert await erasure.purge_due(privacy) == 1
        for _ in range(50):
            if heard:
                break
            await asyncio.sleep(0.05)
    finally:
        await listener.close()

    assert await rows_referring_to(database_url, team.bea.id, "bea@example.com") == []
    # A week went by: Ada signs in again.
    assert (await login(team.ada.client, team.ada.email, PASSWORD)).status_code == 200
    after = await read(team.ada, written.retro_id)
    assert after["version"] == before["version"] + 1
    assert [json.loads(p) for p in heard] == [
        {"retroId": written.retro_id, "version": after["version"], "type": "participant-erased"}
    ]
    assert after["facilitatorId"] == team.ada.id
    # Bea's own rows are gone: cards, note, votes, the action item she created.
    gone = _ids(written.bea)
    assert gone.isdisjoint(json.dumps(after))
    for table in ("cards", "notes", "votes", "action_items"):
        for row_id in gone:
            count = await fetch_value(
                database_url, f"SELECT count(*) FROM {table} WHERE id::text = $1", row_id
            )
            assert count == 0, (table, row_id)
    # Her cards' topics are gone, with Cy's vote on one (it was about her card); Cy's card,
    # note and vote on it stay; the items assigned to her stay, unassigned.
    topics = {t["id"]: t for t in after["topics"]}
    assert list(topics) == [written.cy_card["topicId"]]
    for topic_id in written.bea_topic_ids:
        assert (
            await fetch_value(
                database_url, "SELECT count(*) FROM topics WHERE id = $1::uuid", topic_id
            )
            == 0
        )
    assert [c["id"] for c in topics[written.cy_card["topicId"]]["cards"]] == [written.cy_card["id"]]
    assert await fetch_value(database_url, "SELECT count(*) FROM notes") == 1
    assert await fetch_value(database_url, "SELECT count(*) FROM votes") == 1
    items = {i["title"]: i["assignee"] for i in after["actionItems"]}
    assert items == {"Cy: write docs": None, "Ada: book room": None}


def _export_user(database_url: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = aluzio_env({"ALUZIO_DATABASE_URL": database_url, "ALUZIO_LOG_FORMAT": "console"})
    return subprocess.run(
        [*ALUZIO, "admin", "export-user", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


async def test_export_user_writes_the_same_document_for_a_request_by_email(
    team: Team, database_url: str, tmp_path: Path
) -> None:
    written = await _write_retro(team, database_url)
    online = (await team.bea.get("/api/me/export")).json()

    printed = await asyncio.to_thread(_export_user, database_url, "Bea@Example.com")
    assert printed.returncode == 0, printed.stderr
    to_file = tmp_path / "bea.json"
    saved = await asyncio.to_thread(
        _export_user, database_url, "bea@example.com", "-o", str(to_file)
    )
    assert saved.returncode == 0, saved.stderr
    for document in (json.loads(printed.stdout), json.loads(to_file.read_text())):
        # The same document as the user's own, but for its time and sessions.
        for volatile in ("exportedAt", "sessions"):
            document.pop(volatile)
            online.pop(volatile, None)
        assert document == online
        assert {c["id"] for c in document["cards"]} == _ids(written.bea_cards)
    assert saved.stdout == ""

    unknown = await asyncio.to_thread(_export_user, database_url, "nobody@example.com")
    assert unknown.returncode == 2
    assert "No account has this email address." in unknown.stderr
