"""The export document on the wire (schema ``https://aluzio.ai/schemas/export/2``), written
out in chunks: the account's own part at once, then each retro collection a row at a time
as it is read, so a large account never sits whole in memory (docs/privacy.md)."""

from __future__ import annotations

from collections.abc import AsyncIterable, AsyncIterator, Callable
from datetime import date, datetime
from typing import Any, TypeVar
from uuid import UUID

import msgspec

from aluzio.application.privacy.export import AccountExport
from aluzio.application.privacy.ports import (
    FacilitatedRetro,
    OwnActionItem,
    OwnBoard,
    OwnCard,
    OwnNote,
    OwnVote,
)
from aluzio.entrypoints.http.schema import WireStruct

T = TypeVar("T")

# Bytes gathered before a chunk is handed on.
CHUNK_BYTES = 64 * 1024


class ExportProfile(WireStruct):
    id: UUID
    name: str
    email: str
    email_verified_at: datetime | None
    adult_confirmed_at: datetime
    created_at: datetime
    last_login_at: datetime | None
    last_active_at: datetime | None
    accepted_policy_version: str | None


class ExportSession(WireStruct):
    created_at: datetime
    last_active_at: datetime
    idle_expires_at: datetime
    expires_at: datetime
    user_agent: str


class ExportOrganization(WireStruct):
    name: str
    slug: str
    role: str
    joined_at: datetime


class ExportOrganizationRef(WireStruct):
    name: str
    slug: str


class ExportInvitation(WireStruct):
    organization: ExportOrganizationRef
    role: str
    invited_at: datetime
    expires_at: datetime


class ExportEmail(WireStruct):
    category: str
    state: str
    queued_at: datetime | None
    sent_at: datetime | None


class ExportBoard(WireStruct):
    id: UUID
    name: str
    organization: str  # its slug
    created_at: datetime


class ExportCard(WireStruct):
    id: UUID
    retro_id: UUID
    topic_id: UUID
    section: str
    body: str
    anonymous: bool
    created_at: datetime
    updated_at: datetime


class ExportNote(WireStruct):
    id: UUID
    retro_id: UUID
    topic_id: UUID
    body: str
    anonymous: bool
    created_at: datetime
    updated_at: datetime


class ExportVote(WireStruct):
    id: UUID
    retro_id: UUID
    topic_id: UUID
    cast_at: datetime


class ExportActionItem(WireStruct):
    id: UUID
    retro_id: UUID
    title: str
    due_on: date | None
    done: bool
    created_by_me: bool
    assigned_to_me: bool
    created_at: datetime
    done_at: datetime | None


class ExportFacilitatedRetro(WireStruct):
    id: UUID
    title: str | None
    board: str
    phase: str
    created_at: datetime
    last_phase_change_at: datetime | None


class ExportAccount(WireStruct):
    """The document's first part: the account itself."""

    schema: str
    exported_at: datetime
    profile: ExportProfile
    sessions: list[ExportSession]
    organizations: list[ExportOrganization]
    pending_invitations: list[ExportInvitation]
    emails: list[ExportEmail]

    @classmethod
    def of(cls, export: AccountExport) -> ExportAccount:
        user = export.user
        return cls(
            schema=export.schema,
            exported_at=export.exported_at,
            profile=ExportProfile(
                id=user.id,
                name=user.name,
                email=user.email,
                email_verified_at=user.email_verified_at,
                adult_confirmed_at=user.adult_confirmed_at,
                created_at=user.created_at,
                last_login_at=user.last_login_at,
                last_active_at=user.last_active_at,
                accepted_policy_version=user.accepted_policy_version,
            ),
            sessions=[
                ExportSession(
                    created_at=s.created_at,
                    last_active_at=s.last_active_at,
                    idle_expires_at=s.idle_expires_at,
                    expires_at=s.expires_at,
                    user_agent=s.user_agent,
                )
                for s in export.sessions
            ],
            organizations=[
                ExportOrganization(name=org.name, slug=org.slug, role=m.role, joined_at=m.joined_at)
                for org, m in export.organizations
            ],
            pending_invitations=[
                ExportInvitation(
                    organization=ExportOrganizationRef(name=org.name, slug=org.slug),
                    role=i.role,
                    invited_at=i.created_at,
                    expires_at=i.expires_at,
                )
                for i, org in export.invitations
            ],
            emails=[
                ExportEmail(
                    category=m.category, state=m.state, queued_at=m.created_at, sent_at=m.sent_at
                )
                for m in export.emails
            ],
        )


class ExportDocument(ExportAccount):
    """The whole document, as documented in OpenAPI; written by :func:`document_chunks`."""

    boards: list[ExportBoard]
    cards: list[ExportCard]
    notes: list[ExportNote]
    votes: list[ExportVote]
    action_items: list[ExportActionItem]
    retros_facilitated: list[ExportFacilitatedRetro]


def _board(b: OwnBoard) -> ExportBoard:
    return ExportBoard(
        id=b.id, name=b.name, organization=b.organization_slug, created_at=b.created_at
    )


def _card(c: OwnCard) -> ExportCard:
    return ExportCard(
        id=c.id,
        retro_id=c.retro_id,
        topic_id=c.topic_id,
        section=c.section_title,
        body=c.body,
        anonymous=c.anonymous,
        created_at=c.created_at,
        updated_at=c.updated_at,
    )


def _note(n: OwnNote) -> ExportNote:
    return ExportNote(
        id=n.id,
        retro_id=n.retro_id,
        topic_id=n.topic_id,
        body=n.body,
        anonymous=n.anonymous,
        created_at=n.created_at,
        updated_at=n.updated_at,
    )


def _vote(v: OwnVote) -> ExportVote:
    return ExportVote(id=v.id, retro_id=v.retro_id, topic_id=v.topic_id, cast_at=v.cast_at)


def _item(i: OwnActionItem) -> ExportActionItem:
    return ExportActionItem(
        id=i.id,
        retro_id=i.retro_id,
        title=i.title,
        due_on=i.due_on,
        done=i.done,
        created_by_me=i.created_by_user,
        assigned_to_me=i.assigned_to_user,
        created_at=i.created_at,
        done_at=i.done_at,
    )


def _retro(r: FacilitatedRetro) -> ExportFacilitatedRetro:
    return ExportFacilitatedRetro(
        id=r.id,
        title=r.title,
        board=r.board_name,
        phase=r.phase,
        created_at=r.created_at,
        last_phase_change_at=r.last_phase_change_at,
    )


async def document_chunks(export: AccountExport) -> AsyncIterator[bytes]:
    """The document as JSON, in chunks of about :data:`CHUNK_BYTES`."""
    encoder = msgspec.json.Encoder()
    head = encoder.encode(ExportAccount.of(export))
    yield head[:-1]  # the object stays open for the collections
    content = export.content
    sections: list[tuple[str, AsyncIterable[Any], Callable[[Any], WireStruct]]] = [
        ("boards", content.boards(), _board),
        ("cards", content.cards(), _card),
        ("notes", content.notes(), _note),
        ("votes", content.votes(), _vote),
        ("actionItems", content.action_items(), _item),
        ("retrosFacilitated", content.retros_facilitated(), _retro),
    ]
    buffer = bytearray()
    for name, rows, to_wire in sections:
        buffer += b',"' + name.encode() + b'":['
        first = True
        async for row in rows:
            if not first:
                buffer += b","
            first = False
            encoder.encode_into(to_wire(row), buffer, -1)
            if len(buffer) >= CHUNK_BYTES:
                yield bytes(buffer)
                buffer.clear()
        buffer += b"]"
    buffer += b"}"
    yield bytes(buffer)
