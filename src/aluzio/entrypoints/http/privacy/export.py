"""The export document on the wire (schema ``https://aluzio.ai/schemas/export/1``)."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from aluzio.application.privacy.export import AccountExport
from aluzio.entrypoints.http.schema import WireStruct


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


class ExportDocument(WireStruct):
    schema: str
    exported_at: datetime
    profile: ExportProfile
    sessions: list[ExportSession]
    organizations: list[ExportOrganization]
    pending_invitations: list[ExportInvitation]
    emails: list[ExportEmail]

    @classmethod
    def of(cls, export: AccountExport) -> ExportDocument:
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
