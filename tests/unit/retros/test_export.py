"""Exports in Markdown, CSV and JSON, parsed back: content, order, anonymity in every format,
formula injection, file names."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import UTC, date, datetime

import pytest
from markdown_it import MarkdownIt
from markdown_it.token import Token

from aluzio.domain.retros.cards import rename_topic
from aluzio.domain.retros.errors import ExportNotAvailable
from aluzio.domain.retros.export import (
    CSV_COLUMNS,
    JSON_SCHEMA,
    JSON_SCHEMA_VERSION,
    ExportFormat,
    check_exportable,
    export_filename,
    export_retro,
    markdown_text,
    neutralise_cell,
)
from aluzio.domain.retros.model import Phase, Viewer
from aluzio.domain.retros.visibility import retro_view
from tests.unit.retros.builders import START
from tests.unit.retros.deciding import DecidingWorld, deciding_world

EXPORTED_AT = datetime(2025, 3, 2, 17, 30, tzinfo=UTC)
INJECTIONS = ["=cmd|' /C calc'!A0", "+1+1", "-2+3", "@SUM(A1:A2)"]
MARKUP = "# Not a heading\n- [x] not an item\n<b>no html</b> [no](http://link.example)"


def _retro(*, anonymous: bool, phase: Phase = Phase.DISCUSS) -> DecidingWorld:
    """Four topics (cards by member, other, facilitator, admin); votes 0, 1, 3, 1; a note
    by the member, an action item assigned to the owner."""
    d = deciding_world(anonymous=anonymous, topics=4)
    t = d.topics()
    for voter, topic in [
        (d.world.member, t[2]), (d.world.member, t[2]), (d.world.other, t[2]),
        (d.world.owner, t[1]), (d.world.owner, t[3]),
    ]:  # fmt: skip
        d.vote(voter, topic)
    d.world.go_to(Phase.DISCUSS)
    d.note(d.world.member, t[2], "The member's note")
    d.item(d.world.facilitator, "Pair on deploys", assignee=d.world.owner, due_on=date(2025, 3, 14),
           topic=t[2])  # fmt: skip
    d.item(d.world.other, "Untied to a topic")
    d.world.go_to(phase)
    return d


def _export(d: DecidingWorld, viewer: Viewer, format: ExportFormat) -> bytes:
    view = d.view(viewer)
    return export_retro(view, format, exported_at=EXPORTED_AT, board_name="Team Blue").content


@pytest.mark.parametrize("phase", list(Phase))
def test_exports_from_discuss_on(phase: Phase) -> None:
    if phase in (Phase.DISCUSS, Phase.CLOSED):
        check_exportable(phase)
    else:
        with pytest.raises(ExportNotAvailable):
            check_exportable(phase)


@pytest.mark.parametrize("format", list(ExportFormat))
def test_a_view_before_discuss_is_not_exported(format: ExportFormat) -> None:
    d = deciding_world(phase=Phase.VOTE)
    with pytest.raises(ExportNotAvailable):
        export_retro(d.view(d.world.member), format, exported_at=EXPORTED_AT)


@pytest.mark.parametrize(
    ("format", "media_type", "extension"),
    [
        (ExportFormat.MARKDOWN, "text/markdown; charset=utf-8", "md"),
        (ExportFormat.CSV, "text/csv; charset=utf-8", "csv"),
        (ExportFormat.JSON, "application/json", "json"),
    ],
)
def test_each_format_is_an_attachment(
    format: ExportFormat, media_type: str, extension: str
) -> None:
    d = _retro(anonymous=True)
    export = export_retro(d.view(d.world.member), format, exported_at=EXPORTED_AT)
    assert export.media_type == media_type
    assert export.filename == f"retro-2025-03-01-sprint-12.{extension}"
    assert export.content


# JSON


@pytest.mark.parametrize("phase", [Phase.DISCUSS, Phase.CLOSED])
def test_the_json_export(phase: Phase) -> None:
    d = _retro(anonymous=False, phase=phase)
    doc = json.loads(_export(d, d.world.other, ExportFormat.JSON))
    assert (doc["schema"], doc["schemaVersion"]) == (JSON_SCHEMA, JSON_SCHEMA_VERSION)
    assert doc["exportedAt"] == EXPORTED_AT.isoformat()
    retro = doc["retro"]
    assert (retro["id"], retro["boardId"], retro["boardName"]) == (
        str(d.world.retro.id), str(d.world.retro.board_id), "Team Blue",
    )  # fmt: skip
    assert (retro["title"], retro["phase"], retro["anonymous"]) == ("Sprint 12", phase, False)
    assert (retro["voteBudget"], retro["maxVotesPerTopic"]) == (5, 3)
    assert retro["createdAt"] == START.isoformat()
    assert [p["phase"] for p in retro["phases"]][-2:] == (
        ["vote", "discuss"] if phase is Phase.DISCUSS else ["discuss", "closed"]
    )
    assert retro["phases"][-1]["endedAt"] is None
    assert [s["title"] for s in doc["sections"]] == [s.title for s in d.world.sections]
    assert set(doc["sections"][0]) == {"id", "title", "prompt", "color", "position"}
    t = d.topics()
    assert [topic["id"] for topic in doc["topics"]] == [str(x.id) for x in (t[2], t[1], t[3], t[0])]
    assert [topic["votes"] for topic in doc["topics"]] == [3, 1, 1, 0]
    top = doc["topics"][0]
    assert [c["body"] for c in top["cards"]] == ["Card 2"]
    card = top["cards"][0]
    assert set(card) == {"id", "sectionId", "body", "position", "author", "mine", "createdAt"}
    assert card["author"] == {"id": str(d.world.facilitator.user_id), "name": "Fay Facilitator"}
    assert card["mine"] is False
    assert [(n["body"], n["author"]["name"], n["mine"]) for n in top["notes"]] == [
        ("The member's note", "Ada Author", False)
    ]
    items = doc["actionItems"]
    assert [(i["title"], i["done"], i["doneAt"]) for i in items] == [
        ("Pair on deploys", False, None), ("Untied to a topic", False, None),
    ]  # fmt: skip
    assert items[0]["assignee"] == {"id": str(d.world.owner.user_id), "name": "Olga Owner"}
    assert (items[0]["dueOn"], items[0]["topicId"]) == ("2025-03-14", str(t[2].id))
    assert (items[1]["assignee"], items[1]["dueOn"], items[1]["topicId"]) == (None, None, None)
    assert items[1]["mine"] is True


# CSV


def _csv_rows(content: bytes) -> list[list[str]]:
    assert content.startswith(b"\xef\xbb\xbf")  # the byte order mark spreadsheets look for
    text = content.decode("utf-8-sig")
    assert "\r\n" in text
    return list(csv.reader(io.StringIO(text, newline="")))


def test_the_csv_export() -> None:
    d = _retro(anonymous=False)
    header, *rows = _csv_rows(_export(d, d.world.member, ExportFormat.CSV))
    assert tuple(header) == CSV_COLUMNS
    assert all(len(row) == len(CSV_COLUMNS) for row in rows)
    records = [dict(zip(header, row, strict=True)) for row in rows]
    assert [(r["type"], r["text"], r["topicVotes"]) for r in records] == [
        ("card", "Card 2", "3"),
        ("note", "The member's note", "3"),
        ("card", "Card 1", "1"),
        ("card", "Card 3", "1"),
        ("card", "Card 0", "0"),
        ("action item", "Pair on deploys", "3"),
        ("action item", "Untied to a topic", ""),
    ]
    first = records[0]
    assert (first["section"], first["topic"], first["author"], first["mine"]) == (
        d.world.sections[2].title, "Untitled topic", "Fay Facilitator", "no",
    )  # fmt: skip
    assert (records[1]["author"], records[1]["mine"]) == ("Ada Author", "yes")
    item = records[5]
    assert (item["assignee"], item["dueOn"], item["done"], item["author"]) == (
        "Olga Owner", "2025-03-14", "no", "",
    )  # fmt: skip


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_a_cell_that_could_run_as_a_formula_is_neutralised(start: str) -> None:
    assert neutralise_cell(f"{start}1+1") == f"'{start}1+1"


@pytest.mark.parametrize("value", ["1+1", "plain", "", "'quoted", " =spaced", "a=b"])
def test_other_cells_are_left_alone(value: str) -> None:
    assert neutralise_cell(value) == value


def test_no_cell_of_a_csv_export_starts_a_formula() -> None:
    """Card, note, topic, action item and person names all pass through the same guard."""
    d = deciding_world(anonymous=False, topics=0, phase=Phase.REFLECT)
    for body in INJECTIONS:
        d.world.write(d.world.member, body)
    d.world.go_to(Phase.GROUP)
    rename_topic(
        d.world.retro, d.topics()[0], title='=HYPERLINK("http://evil")', now=d.world.tick()
    )
    d.world.go_to(Phase.DISCUSS)
    d.note(d.world.other, d.topics()[1], "@everyone")
    d.item(d.world.other, "-1 for this", assignee=d.world.owner)
    names = {**d.names, d.world.member.user_id: "=Mallory", d.world.owner.user_id: "+Owner"}
    view = retro_view(
        d.world.other,
        d.world.retro,
        history=d.world.history,
        participants=d.world.participants,
        sections=d.world.sections,
        topics=d.world.topics.values(),
        cards=d.world.cards.values(),
        names=names,
        notes=d.notes,
        action_items=d.items,
    )
    export = export_retro(view, ExportFormat.CSV, exported_at=EXPORTED_AT)
    _, *rows = _csv_rows(export.content)
    cells = [cell for row in rows for cell in row]
    assert not [c for c in cells if c.startswith(("=", "+", "-", "@", "\t", "\r"))]
    for dangerous in [*INJECTIONS, '=HYPERLINK("http://evil")', "@everyone", "-1 for this",
                      "=Mallory", "+Owner"]:  # fmt: skip
        assert "'" + dangerous in cells


# Markdown


def _markdown(content: bytes) -> list[Token]:
    return MarkdownIt("commonmark").parse(content.decode("utf-8"))


def _headings(tokens: list[Token], level: int) -> list[str]:
    return [
        tokens[i + 1].content
        for i, token in enumerate(tokens)
        if token.type == "heading_open" and token.tag == f"h{level}"
    ]


def _plain(tokens: list[Token]) -> str:
    """The text a reader sees, markup resolved."""
    return "\n".join(
        child.content
        for token in tokens
        if token.type == "inline"
        for child in token.children or []
        if child.type in ("text", "code_inline")
    )


def test_the_markdown_export_has_its_structure() -> None:
    d = _retro(anonymous=False)
    tokens = _markdown(_export(d, d.world.other, ExportFormat.MARKDOWN))
    assert _headings(tokens, 1) == ["Sprint 12"]
    assert _headings(tokens, 2) == ["Topics", "Action items"]
    assert _headings(tokens, 3) == [
        "1. Untitled topic (3 votes)",
        "2. Untitled topic (1 vote)",
        "3. Untitled topic (1 vote)",
        "4. Untitled topic (0 votes)",
    ]
    text = _plain(tokens)
    for expected in ["Board: Team Blue", "Phase: discuss", "Anonymous: no", "Card 2",
                     "(by Fay Facilitator)", "The member's note", "(by Ada Author)",
                     "[ ] Pair on deploys (assigned to Olga Owner; due 2025-03-14; topic: "
                     "Untitled topic)", "[ ] Untied to a topic"]:  # fmt: skip
        assert expected in text, expected


def test_user_text_cannot_add_markup() -> None:
    d = deciding_world(anonymous=False, topics=0, phase=Phase.REFLECT)
    d.world.write(d.world.member, MARKUP)
    d.world.go_to(Phase.GROUP)
    rename_topic(d.world.retro, d.topics()[0], title="## Sneaky *topic*", now=d.world.tick())
    d.world.go_to(Phase.DISCUSS)
    d.note(d.world.other, d.topics()[0], "1. numbered\n===")
    tokens = _markdown(_export(d, d.world.other, ExportFormat.MARKDOWN))
    assert _headings(tokens, 1) == ["Sprint 12"]
    assert _headings(tokens, 2) == ["Topics", "Action items"]
    assert len(_headings(tokens, 3)) == 1
    kinds = {t.type for t in tokens} | {c.type for t in tokens for c in t.children or []}
    assert not kinds & {"html_block", "html_inline", "link_open", "em_open", "ordered_list_open"}
    h2 = [i for i, t in enumerate(tokens) if t.type == "heading_open" and t.tag == "h2"]
    bullets = [t for t in tokens[h2[0] : h2[1]] if t.type == "list_item_open"]
    assert len(bullets) == 2  # the card and the note, nothing more
    text = _plain(tokens)
    literals = ["# Not a heading", "- [x] not an item", "<b>no html</b>",
                "[no](http://link.example)", "## Sneaky *topic*", "1. numbered", "==="]  # fmt: skip
    for literal in literals:
        assert literal in text, literal


@pytest.mark.parametrize(
    "text", ["plain", "a_b*c", "\\ backslash", "3.5 - ok", "& amp;", "(x) {y} ~z~ |t| !i"]
)
def test_escaped_text_reads_as_written(text: str) -> None:
    (paragraph,) = [t for t in MarkdownIt("commonmark").parse(markdown_text(text)) if t.children]
    assert paragraph.content
    assert _plain([paragraph]) == text


# Anonymity in every format


@pytest.mark.parametrize("format", list(ExportFormat))
@pytest.mark.parametrize("kind", range(5))
def test_an_anonymous_retro_exports_no_author(format: ExportFormat, kind: int) -> None:
    """Whoever exports, no card's or note's author appears: neither id nor name. (The owner,
    assignee of an action item, is named there, so authors are the other four.)"""
    d = _retro(anonymous=True)
    viewer = d.people[kind]
    content = _export(d, viewer, format).decode("utf-8-sig")
    for person, name in zip(d.people[:4], ["Ada Author", "Pat Participant", "Fay Facilitator",
                                           "Alan Admin"], strict=True):  # fmt: skip
        assert str(person.user_id) not in content
        assert name not in content
    assert "Card 2" in content
    assert "The member's note" in content
    assert "Olga Owner" in content


@pytest.mark.parametrize("format", list(ExportFormat))
def test_a_named_retro_exports_authors(format: ExportFormat) -> None:
    d = _retro(anonymous=False)
    content = _export(d, d.world.owner, format).decode("utf-8-sig")
    for name in ["Ada Author", "Pat Participant", "Fay Facilitator", "Alan Admin"]:
        assert name in content


@pytest.mark.parametrize("format", list(ExportFormat))
def test_no_voter_is_exported(format: ExportFormat) -> None:
    d = _retro(anonymous=True)
    content = _export(d, d.world.member, format).decode("utf-8-sig")
    for vote in d.votes:
        assert str(vote.id) not in content


# File names


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("Sprint 12", "retro-2025-03-01-sprint-12.md"),
        (None, "retro-2025-03-01.md"),
        ("../../etc/passwd", "retro-2025-03-01-etc-passwd.md"),
        ('Café "déjà vu"; rm -rf /', "retro-2025-03-01-cafe-deja-vu-rm-rf.md"),
        ("日本語のふりかえり", "retro-2025-03-01.md"),
        ("Straße\r\nContent-Type: text/html", "retro-2025-03-01-strasse-content-type-text-html.md"),
        ("x" * 100, "retro-2025-03-01-" + "x" * 40 + ".md"),
    ],
)
def test_a_safe_file_name(title: str | None, expected: str) -> None:
    name = export_filename(title, START, ExportFormat.MARKDOWN)
    assert name == expected
    assert re.fullmatch(r"retro-\d{4}-\d\d-\d\d(-[a-z0-9]+)*\.md", name)
