"""Access and portability: everything the service holds about the signed-in user, as one
document of a versioned schema (docs/privacy.md). Names of co-members are not included;
nothing of another user's is."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from aluzio.application.accounts.throttles import count_attempts
from aluzio.application.actor import Actor
from aluzio.application.authorization import require_user
from aluzio.application.privacy.context import PrivacyContext
from aluzio.application.privacy.ports import SentMail
from aluzio.domain.accounts.sessions import LoginSession
from aluzio.domain.accounts.throttling import EXPORT_PER_ACCOUNT
from aluzio.domain.accounts.user import User
from aluzio.domain.errors import NotAuthenticated
from aluzio.domain.organizations.model import Invitation, Membership, Organization

# Bumped whenever a field is removed or changes meaning; new fields keep the version.
EXPORT_SCHEMA = "https://aluzio.ai/schemas/export/1"


@dataclass(frozen=True, slots=True)
class AccountExport:
    exported_at: datetime
    user: User
    sessions: Sequence[LoginSession]
    organizations: Sequence[tuple[Organization, Membership]]
    invitations: Sequence[tuple[Invitation, Organization]]
    emails: Sequence[SentMail]
    schema: str = EXPORT_SCHEMA


async def export_account(ctx: PrivacyContext, actor: Actor) -> AccountExport:
    auth = require_user(actor)
    now = ctx.accounts.clock.now()
    async with ctx.unit_of_work() as uow:
        key = ctx.accounts.throttle_key("export-account", str(auth.user.id))
        await count_attempts(uow, now, [(key, EXPORT_PER_ACCOUNT)])
        await uow.commit()
    async with ctx.unit_of_work() as uow:
        user = await uow.users.find(auth.user.id)
        if user is None:
            raise NotAuthenticated()
        return AccountExport(
            exported_at=now,
            user=user,
            sessions=await uow.sessions.list_active(user.id, now),
            organizations=await uow.memberships.of_user(user.id),
            invitations=await uow.invitations.pending_for_email(user.email, now)
            if user.email_verified
            else [],
            emails=await uow.mail_history.of_user(user.id),
        )
