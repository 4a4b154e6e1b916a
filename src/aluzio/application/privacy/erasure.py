"""Erasure: a user deletes their account; after a grace period the purge erases it.

Deleting signs the user out everywhere and closes sign-in at once; a link by email cancels
until the purge. The purge deletes the user and everything that refers to them; an
organization where they were the only member goes with them.
"""

from __future__ import annotations

import logging
from datetime import datetime

from aluzio.application.accounts.links import issue_link_token, revoke_pending_links
from aluzio.application.accounts.profile import confirm_password
from aluzio.application.actor import Actor
from aluzio.application.authorization import require_user
from aluzio.application.pagination import Page
from aluzio.application.privacy.context import PrivacyContext
from aluzio.application.privacy.ports import PrivacyUnitOfWork
from aluzio.application.retros.events import retro_version_changed
from aluzio.domain.accounts.email import normalise_email
from aluzio.domain.accounts.errors import InvalidToken
from aluzio.domain.accounts.tokens import TokenPurpose, token_digest
from aluzio.domain.accounts.user import User
from aluzio.domain.errors import NotAuthenticated, NotFound
from aluzio.domain.organizations.model import Role
from aluzio.domain.privacy.erasure import SoleOwnerMustHandOver, purge_time

logger = logging.getLogger("aluzio.privacy")

PURGE_BATCH = 20

# Throttles keyed to an account, by the subject their key was made from.
_THROTTLES_BY_EMAIL = ("login-account", "reset-account", "email-change-recipient")
_THROTTLES_BY_ID = ("password-change", "email-change-account", "resend-account")


async def request_deletion(ctx: PrivacyContext, actor: Actor, password: str) -> datetime:
    """Schedule the signed-in user's account for erasure; returns when it will happen."""
    auth = require_user(actor)
    async with ctx.unit_of_work() as uow:
        user = await uow.users.find(auth.user.id)
        if user is None:
            raise NotAuthenticated()
        blocking = await _shared_organizations_owned_alone(uow, user)
    if blocking:
        raise SoleOwnerMustHandOver(blocking)
    await confirm_password(ctx.accounts, user, password, field="password")
    now = ctx.accounts.clock.now()
    purge_after = purge_time(now, ctx.grace)
    async with ctx.unit_of_work() as uow:
        current = await uow.erasures.lock(user.id)
        if current is None:
            raise NotAuthenticated()
        blocking = await _shared_organizations_owned_alone(uow, current)
        if blocking:  # someone joined meanwhile
            raise SoleOwnerMustHandOver(blocking)
        current.request_deletion(now, purge_after)
        await uow.sessions.end_all(current.id)
        await revoke_pending_links(uow, current.id)
        token = await issue_link_token(
            ctx.accounts,
            uow,
            user_id=current.id,
            purpose=TokenPurpose.DELETION_CANCEL,
            now=now,
            expires_at=purge_after,
        )
        await uow.outbox.enqueue(
            ctx.accounts.mail.render(
                "account-deletion",
                to=current.email,
                values={"token": token, "purge_after": f"{purge_after:%Y-%m-%d %H:%M} UTC"},
            ),
            user_id=current.id,
        )
        await uow.commit()
    return purge_after


async def cancel_deletion(ctx: PrivacyContext, token: str) -> None:
    """Keep the account: the link from the deletion email opens sign-in again."""
    now = ctx.accounts.clock.now()
    digest = token_digest(token)
    async with ctx.unit_of_work() as uow:
        # The user's row first, as the purge takes it: a purge in progress is waited for.
        peeked = await uow.account_tokens.peek(digest, TokenPurpose.DELETION_CANCEL)
        user = None if peeked is None else await uow.erasures.lock(peeked.user_id)
        stored = await uow.account_tokens.take(digest, TokenPurpose.DELETION_CANCEL)
        if user is None or stored is None or stored.user_id != user.id:
            raise InvalidToken()
        stored.check_usable(now)
        user.cancel_deletion()
        await uow.commit()


async def purge_due(ctx: PrivacyContext, *, limit: int = 1000) -> int:
    """Erase the accounts whose grace period is over (at most ``limit``); safe to run in
    several workers at once, and again after an interruption."""
    erased = 0
    while erased < limit:
        async with ctx.unit_of_work() as uow:
            due = await uow.erasures.claim_due(
                ctx.accounts.clock.now(), min(PURGE_BATCH, limit - erased)
            )
            for user in due:
                await _erase(ctx, uow, user)
            await uow.commit()
        erased += len(due)
        if not due:
            break
    if erased:
        logger.info("privacy: purged %d accounts whose deletion was due", erased)
    return erased


async def erase_now(ctx: PrivacyContext, email: str, *, reason: str) -> None:
    """Erase an account at once (an operator's decision, e.g. a user under 18). The log
    keeps the reason, never the address."""
    async with ctx.unit_of_work() as uow:
        found = await uow.users.find_by_email(normalise_email(email))
        user = None if found is None else await uow.erasures.lock(found.id)
        if user is None:
            raise NotFound("No account has this email address.")
        await _erase(ctx, uow, user)
        await uow.commit()
    logger.info("privacy: an account was erased at once by the operator; reason: %s", reason)


async def _shared_organizations_owned_alone(uow: PrivacyUnitOfWork, user: User) -> list[str]:
    """Slugs of the organizations with other members where the user is the only owner."""
    found = []
    for organization, membership in await uow.memberships.of_user(user.id):
        if membership.role_value is not Role.OWNER:
            continue
        if await uow.memberships.count_owners(organization.id) > 1:
            continue
        if (await uow.memberships.page_members(organization.id, Page(limit=2))).total > 1:
            found.append(organization.slug)
    return found


async def _erase(ctx: PrivacyContext, uow: PrivacyUnitOfWork, user: User) -> None:
    for organization, membership in await uow.memberships.of_user(user.id):
        members = await uow.memberships.page_members(organization.id, Page(limit=2))
        if members.total <= 1:
            await uow.organizations.delete(organization.id)
        elif (
            membership.role_value is Role.OWNER
            and await uow.memberships.count_owners(organization.id) == 1
        ):
            # Only possible when someone joined during the grace period: the purge cannot
            # wait, so the longest-standing other member becomes the owner.
            heir = next(m for m, _ in members.items if m.user_id != user.id)
            heir.role = Role.OWNER.value
    for scope in _THROTTLES_BY_EMAIL:
        await uow.throttles.clear(ctx.accounts.throttle_key(scope, user.email))
    for scope in _THROTTLES_BY_ID:
        await uow.throttles.clear(ctx.accounts.throttle_key(scope, str(user.id)))
    await uow.throttles.clear(ctx.accounts.account_throttle_prefix("login-pair", user.email))
    for changed in await uow.erasures.erase(user):
        # Live viewers re-read the retro: the erased person's cards, notes and votes are gone.
        uow.emit(retro_version_changed(changed.retro_id, changed.version, "participant-erased"))
