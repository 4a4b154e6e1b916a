"""Exports through HTTP: an attachment with a safe file name, from discuss on, parsed back by
real parsers (csv, json, a CommonMark renderer); anonymity holds in every format and no
spreadsheet cell can start a formula."""

from __future__ import annotations

import csv
import io
import json
import re
from typing import Any

import httpx
from markdown_it import MarkdownIt

from tests.integration.decisions.conftest import discussing
from tests.integration.organizations.conftest import Person
from tests.integration.retros.conftest import Team, move_to, open_retro, problem_type

SAFE_NAME = re.compile(
    r'^attachment; filename="retro-\d{4}-\d{2}-\d{2}(-[a-z0-9-]+)?\.(md|csv|json)"$'
)
HOSTILE = '=HYPERLINK("http://evil.example","x")'


async def _export(person: Person, retro_id: str, format: str) -> httpx.Response:
    response = await person.get(f"/api/retros/{retro_id}/export", params={"format": format})
    assert response.status_code == 200, response.text
    assert SAFE_NAME.match(response.headers["content-disposition"]), response.headers
    return response


async def _retro(team: Team, *, anonymous: bool) -> tuple[str, list[Any]]:
    rid, cards = await discussing(
        team.ada,
        team.board_id,
        [
            (team.bea, team.section_ids[0], HOSTILE),
            (team.cy, team.section_ids[1], "# Not a heading\n[link](http://x) <b>bold</b>"),
        ],
        anonymous=anonymous,
        title='Sprint 42: "Ship it" / ünïcode',
    )
    note = await team.bea.post(f"/api/topics/{cards[0]['topicId']}/notes", {"body": "+1 SUM(A1)"})
    assert note.status_code == 201
    item = await team.ada.post(
        f"/api/retros/{rid}/action-items",
        {"title": "-cmd|' /C calc'!A0", "assigneeId": team.cy.id, "topicId": cards[0]["topicId"]},
    )
    assert item.status_code == 201
    return rid, cards


async def test_csv_parses_back_neutralised_and_anonymous(team: Team) -> None:
    rid, _ = await _retro(team, anonymous=True)
    response = await _export(team.bea, rid, "csv")
    assert response.headers["content-type"].startswith("text/csv")
    raw = response.content
    assert raw.startswith(b"\xef\xbb\xbf")  # UTF-8 byte order mark
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"), newline="")))
    by_type: dict[str, list[dict[str, str]]] = {}
    for row in rows:
        by_type.setdefault(row["type"], []).append(row)
    assert len(by_type["card"]) == 2
    assert len(by_type["note"]) == 1
    assert len(by_type["action item"]) == 1
    for row in rows:
        for cell in row.values():
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), row
    texts = {row["text"] for row in rows}
    assert "'" + HOSTILE in texts
    assert "'+1 SUM(A1)" in texts
    assert "'-cmd|' /C calc'!A0" in texts
    assert all(row["author"] == "" for row in by_type["card"] + by_type["note"])
    assert {row["mine"] for row in by_type["card"]} == {"yes", "no"}  # Bea's own only
    assert by_type["action item"][0]["assignee"] == "Cy Young"
    for name in ("Bea Baker", "Ada Lovelace"):
        assert name not in raw.decode("utf-8-sig")


async def test_json_follows_its_schema_and_keeps_anonymity(team: Team) -> None:
    rid, cards = await _retro(team, anonymous=True)
    response = await _export(team.cy, rid, "json")
    assert response.headers["content-type"].startswith("application/json")
    document = json.loads(response.content)
    assert (document["schema"], document["schemaVersion"]) == ("aluzio.retro-export", 1)
    assert document["retro"]["id"] == rid
    assert document["retro"]["title"] == 'Sprint 42: "Ship it" / ünïcode'
    assert document["retro"]["boardName"] == "Team board"
    bodies = {c["body"] for t in document["topics"] for c in t["cards"]}
    assert bodies == {cards[0]["body"], cards[1]["body"]}
    for topic in document["topics"]:
        assert all(c["author"] is None for c in topic["cards"])
        assert all(n["author"] is None for n in topic["notes"])
    [item] = document["actionItems"]
    assert item["assignee"]["name"] == "Cy Young"
    assert "createdBy" not in item
    text = response.content.decode()
    assert team.bea.id not in text
    assert team.ada.id not in text


async def test_named_retros_export_authors(team: Team) -> None:
    rid, _ = await _retro(team, anonymous=False)
    document = json.loads((await _export(team.ada, rid, "json")).content)
    authors = {c["author"]["name"] for t in document["topics"] for c in t["cards"]}
    assert authors == {"Bea Baker", "Cy Young"}


async def test_markdown_renders_user_text_as_text(team: Team) -> None:
    rid, _ = await _retro(team, anonymous=True)
    response = await _export(team.ada, rid, "markdown")
    assert response.headers["content-type"].startswith("text/markdown")
    source = response.content.decode()
    tokens = MarkdownIt("commonmark").parse(source)
    headings = [tokens[i + 1].content for i, t in enumerate(tokens) if t.type == "heading_open"]
    assert headings[0].startswith("Sprint 42")
    assert "Topics" in headings
    assert "Action items" in headings
    assert not any("Not a heading" in h for h in headings)
    html = MarkdownIt("commonmark").render(source)
    assert "<a " not in html  # the card's link stays text
    assert "<b>" not in html  # and its HTML too
    assert "Bea Baker" not in source


async def test_exports_start_at_discuss(team: Team) -> None:
    retro = await open_retro(team.ada, team.board_id)
    await move_to(team.ada, retro["id"], "reflect", "group", "vote")
    refused = await team.ada.get(f"/api/retros/{retro['id']}/export", params={"format": "csv"})
    assert (refused.status_code, problem_type(refused)) == (409, "export-not-available")
    await move_to(team.ada, retro["id"], "discuss")
    unknown = await team.ada.get(f"/api/retros/{retro['id']}/export", params={"format": "xlsx"})
    assert unknown.status_code == 400
    default = await team.ada.get(f"/api/retros/{retro['id']}/export")
    assert default.status_code == 200
    assert default.headers["content-type"].startswith("text/markdown")
