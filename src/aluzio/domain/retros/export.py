"""Exporting a retro as Markdown, CSV or JSON, from discuss on.

An export is rendered from the :class:`~aluzio.domain.retros.visibility.RetroView` of the
person asking, so it shows exactly what they may see: in an anonymous retro no card or note
carries an author (their own are marked ``mine`` in CSV and JSON), and votes appear only as
totals per topic. Topics come in vote order, cards in their order; the action items are the
retro's own.

- Markdown: meeting notes to paste anywhere; every piece of user text is escaped, so a card
  cannot add a heading, a link or HTML.
- CSV: one row per card, note and action item (columns in :data:`CSV_COLUMNS`), UTF-8 with a
  byte order mark and CRLF line ends so spreadsheet programs open it correctly; a cell that
  starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return gets a leading ``'`` so
  no spreadsheet runs it as a formula.
- JSON: the versioned schema :data:`JSON_SCHEMA` (``schemaVersion`` grows when a field changes
  meaning or goes away; new fields may appear within a version). The fields are listed in
  docs/retros.md.
"""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from uuid import UUID

from aluzio.domain.organizations.model import slug_base
from aluzio.domain.retros.errors import ExportNotAvailable
from aluzio.domain.retros.model import Phase
from aluzio.domain.retros.visibility import (
    ActionItemView,
    AuthorView,
    CardView,
    NoteView,
    RetroView,
    TopicView,
)

EXPORT_PHASES = frozenset({Phase.DISCUSS, Phase.CLOSED})
JSON_SCHEMA = "aluzio.retro-export"
JSON_SCHEMA_VERSION = 1
CSV_COLUMNS = (
    "type", "section", "topic", "topicVotes", "text", "author", "mine", "assignee", "dueOn",
    "done",
)  # fmt: skip
UNTITLED_TOPIC = "Untitled topic"
UNKNOWN_PERSON = "Unknown"
# What a spreadsheet may take for the start of a formula (OWASP's CSV injection list).
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class ExportFormat(StrEnum):
    MARKDOWN = "markdown"
    CSV = "csv"
    JSON = "json"

    @property
    def media_type(self) -> str:
        return _MEDIA_TYPES[self]

    @property
    def extension(self) -> str:
        return _EXTENSIONS[self]


_MEDIA_TYPES = {
    ExportFormat.MARKDOWN: "text/markdown; charset=utf-8",
    ExportFormat.CSV: "text/csv; charset=utf-8",
    ExportFormat.JSON: "application/json",
}
_EXTENSIONS = {ExportFormat.MARKDOWN: "md", ExportFormat.CSV: "csv", ExportFormat.JSON: "json"}


@dataclass(frozen=True, slots=True)
class RetroExport:
    """A file to send as an attachment."""

    filename: str
    media_type: str
    content: bytes


def check_exportable(phase: Phase) -> None:
    """A retro is exported from discuss on, once its votes are revealed."""
    if Phase(phase) not in EXPORT_PHASES:
        raise ExportNotAvailable()


def export_filename(title: str | None, created_at: datetime, format: ExportFormat) -> str:
    """A file name safe in any header and file system: ``retro-<date>-<title>.<ext>`` in
    lowercase ASCII letters, digits and hyphens (the title part left out when nothing of
    it survives)."""
    slug = slug_base(title or "")
    stem = f"retro-{created_at.date().isoformat()}" + (f"-{slug}" if slug else "")
    return f"{stem}.{ExportFormat(format).extension}"


def export_retro(
    view: RetroView,
    format: ExportFormat,
    *,
    exported_at: datetime,
    board_name: str | None = None,
) -> RetroExport:
    """``view`` (the retro as the person exporting may see it) in ``format``."""
    check_exportable(view.phase)
    format = ExportFormat(format)
    if format is ExportFormat.MARKDOWN:
        content = to_markdown(view, exported_at=exported_at, board_name=board_name).encode()
    elif format is ExportFormat.CSV:
        content = to_csv(view)
    else:
        content = to_json(view, exported_at=exported_at, board_name=board_name)
    return RetroExport(
        filename=export_filename(view.title, view.created_at, format),
        media_type=format.media_type,
        content=content,
    )


# Markdown


# Characters that may start or end markup anywhere in a line (escaping any ASCII
# punctuation is always allowed), and what may start a block at the beginning of a line.
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]<>()#+!|~&])")
_MD_LIST_OR_UNDERLINE = re.compile(r"^([-=])")
_MD_ORDERED_LIST = re.compile(r"^(\d+)([.)])")


def markdown_text(text: str) -> str:
    """``text`` as literal Markdown: every character that could mean markup is escaped;
    line breaks are kept as hard breaks, blank lines dropped."""
    lines = []
    for raw in text.splitlines():
        line = _MD_SPECIAL.sub(r"\\\1", raw.strip())
        line = _MD_LIST_OR_UNDERLINE.sub(r"\\\1", line)
        line = _MD_ORDERED_LIST.sub(r"\1\\\2", line)
        if line:
            lines.append(line)
    return "\\\n".join(lines)


def _indented(text: str) -> str:
    """Continuation lines of a list item stay inside it."""
    return text.replace("\n", "\n  ")


def to_markdown(view: RetroView, *, exported_at: datetime, board_name: str | None = None) -> str:
    out = [f"# {markdown_text(view.title or 'Retro')}", ""]
    if board_name:
        out.append(f"- Board: {markdown_text(board_name)}")
    out += [
        f"- Opened: {view.created_at.date().isoformat()}",
        f"- Phase: {Phase(view.phase).value}",
        f"- Anonymous: {'yes' if view.anonymous else 'no'}",
        f"- Exported: {exported_at.isoformat(timespec='seconds')}",
        "",
        "## Topics",
        "",
    ]
    sections = {s.id: s.title for s in view.sections}
    if not view.topics:
        out += ["No topics.", ""]
    for number, topic in enumerate(view.topics, start=1):
        out += [f"### {number}. {markdown_text(_topic_title(topic))} ({_votes(topic)})", ""]
        for card in topic.cards:
            section = markdown_text(sections.get(card.section_id, ""))
            line = f"- **{section}:** {markdown_text(card.body)}" + _md_by(card.author)
            out.append(_indented(line))
        out.append("")
        if topic.notes:
            out += ["Notes:", ""]
            out += [_indented(f"- {markdown_text(n.body)}" + _md_by(n.author)) for n in topic.notes]
            out.append("")
    out += ["## Action items", ""]
    if not view.action_items:
        out += ["No action items.", ""]
    topic_titles = {t.id: _topic_title(t) for t in view.topics}
    for item in view.action_items:
        box = "x" if item.done else " "
        out.append(_indented(f"- [{box}] {_md_item_details(item, topic_titles)}"))
    if view.action_items:
        out.append("")
    return "\n".join(out)


def _md_by(author: AuthorView | None) -> str:
    return "" if author is None else f" (by {markdown_text(author.name or UNKNOWN_PERSON)})"


def _md_item_details(item: ActionItemView, topic_titles: dict[UUID, str]) -> str:
    details = []
    if item.assignee is not None:
        details.append(f"assigned to {markdown_text(item.assignee.name or UNKNOWN_PERSON)}")
    if item.due_on is not None:
        details.append(f"due {item.due_on.isoformat()}")
    if item.topic_id in topic_titles:
        details.append(f"topic: {markdown_text(topic_titles[item.topic_id])}")
    text = markdown_text(item.title)
    return text + (f" ({'; '.join(details)})" if details else "")


def _topic_title(topic: TopicView) -> str:
    return topic.title or UNTITLED_TOPIC


def _votes(topic: TopicView) -> str:
    count = topic.votes or 0
    return f"{count} vote" + ("" if count == 1 else "s")


# CSV


def neutralise_cell(value: str) -> str:
    """A cell a spreadsheet shows as text, never runs as a formula."""
    return "'" + value if value.startswith(_FORMULA_STARTS) else value


def to_csv(view: RetroView) -> bytes:
    """UTF-8 with a byte order mark, CRLF line ends, a header row of :data:`CSV_COLUMNS`."""
    rows: list[tuple[str, ...]] = []
    sections = {s.id: s.title for s in view.sections}
    for topic in view.topics:
        title, votes = _topic_title(topic), str(topic.votes or 0)
        for card in topic.cards:
            section = sections.get(card.section_id, "")
            rows.append(
                ("card", section, title, votes, card.body, _name(card.author), _yes(card.mine))
            )
        for note in topic.notes:
            rows.append(("note", "", title, votes, note.body, _name(note.author), _yes(note.mine)))
    topics = {t.id: t for t in view.topics}
    for item in view.action_items:
        source = None if item.topic_id is None else topics.get(item.topic_id)
        rows.append(
            (
                "action item",
                "",
                "" if source is None else _topic_title(source),
                "" if source is None else str(source.votes or 0),
                item.title,
                "",
                _yes(item.mine),
                "" if item.assignee is None else item.assignee.name or UNKNOWN_PERSON,
                "" if item.due_on is None else item.due_on.isoformat(),
                _yes(item.done),
            )
        )
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for row in rows:
        padded = [*row, *[""] * (len(CSV_COLUMNS) - len(row))]
        writer.writerow([neutralise_cell(cell) for cell in padded])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _name(author: AuthorView | None) -> str:
    return "" if author is None else author.name or UNKNOWN_PERSON


def _yes(flag: bool) -> str:
    return "yes" if flag else "no"


# JSON


def to_json(view: RetroView, *, exported_at: datetime, board_name: str | None = None) -> bytes:
    document = {
        "schema": JSON_SCHEMA,
        "schemaVersion": JSON_SCHEMA_VERSION,
        "exportedAt": exported_at.isoformat(),
        "retro": {
            "id": str(view.id),
            "boardId": str(view.board_id),
            "boardName": board_name,
            "title": view.title,
            "phase": Phase(view.phase).value,
            "anonymous": view.anonymous,
            "voteBudget": view.vote_budget,
            "maxVotesPerTopic": view.max_votes_per_topic,
            "createdAt": view.created_at.isoformat(),
            "phases": [
                {
                    "phase": Phase(p.phase).value,
                    "startedAt": p.started_at.isoformat(),
                    "endedAt": None if p.ended_at is None else p.ended_at.isoformat(),
                }
                for p in view.phases
            ],
        },
        "sections": [
            {
                "id": str(s.id),
                "title": s.title,
                "prompt": s.prompt,
                "color": s.color,
                "position": s.position,
            }
            for s in view.sections
        ],
        "topics": [
            {
                "id": str(t.id),
                "title": t.title,
                "votes": t.votes or 0,
                "cards": [_json_card(c) for c in t.cards],
                "notes": [_json_note(n) for n in t.notes],
            }
            for t in view.topics
        ],
        "actionItems": [_json_item(i) for i in view.action_items],
    }
    return json.dumps(document, ensure_ascii=False, indent=2).encode("utf-8")


def _json_person(person: AuthorView | None) -> dict[str, str | None] | None:
    return None if person is None else {"id": str(person.id), "name": person.name}


def _json_card(card: CardView) -> dict[str, object]:
    return {
        "id": str(card.id),
        "sectionId": str(card.section_id),
        "body": card.body,
        "position": card.position,
        "author": _json_person(card.author),
        "mine": card.mine,
        "createdAt": card.created_at.isoformat(),
    }


def _json_note(note: NoteView) -> dict[str, object]:
    return {
        "id": str(note.id),
        "body": note.body,
        "author": _json_person(note.author),
        "mine": note.mine,
        "createdAt": note.created_at.isoformat(),
        "updatedAt": note.updated_at.isoformat(),
    }


def _json_item(item: ActionItemView) -> dict[str, object]:
    assignee = item.assignee
    return {
        "id": str(item.id),
        "topicId": None if item.topic_id is None else str(item.topic_id),
        "title": item.title,
        "assignee": None if assignee is None else {"id": str(assignee.id), "name": assignee.name},
        "dueOn": None if item.due_on is None else item.due_on.isoformat(),
        "done": item.done,
        "doneAt": None if item.done_at is None else item.done_at.isoformat(),
        "mine": item.mine,
        "createdAt": item.created_at.isoformat(),
    }
