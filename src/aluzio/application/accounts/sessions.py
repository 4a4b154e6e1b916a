"""Signing in and out, and recognising the session behind a request."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from aluzio.application.accounts.context import AccountsContext
from aluzio.application.accounts.ports import AccountsUnitOfWork
from aluzio.application.accounts.throttles import count_attempts, forgive_attempts
from aluzio.application.actor import Actor, UserActor
from aluzio.application.authorization import require_user
from aluzio.application.pagination import Page, Paged
from aluzio.domain.accounts.email import is_valid_email, normalise_email
from aluzio.domain.accounts.errors import InvalidCredentials
from aluzio.domain.accounts.passwords import normalise_password
from aluzio.domain.accounts.sessions import LoginSession, summarise_user_agent
from aluzio.domain.accounts.throttling import (
    LOGIN_PER_ACCOUNT,
    LOGIN_PER_ACCOUNT_AND_CLIENT,
    LOGIN_PER_CLIENT,
    THROTTLE_RETENTION,
)
from aluzio.domain.accounts.tokens import token_digest
from aluzio.domain.accounts.user import User


@dataclass(frozen=True, slots=True)
class ClientInfo:
    """Who is asking, as far as sign-in cares: their address (for limits only, never
    stored as such), their browser, and the session token they already hold, if any."""

    address: str
    user_agent: str | None = None
    presented_token: str | None = None


@dataclass(frozen=True, slots=True)
class SignedIn:
    user: User
    session: LoginSession
    token: str  # the raw session token: it goes into the cookie and nowhere else


async def start_session(
    ctx: AccountsContext, uow: AccountsUnitOfWork, user: User, now: datetime, client: ClientInfo
) -> SignedIn:
    """A fresh session with a fresh token; a token the client already held is ended."""
    if client.presented_token:
        previous = await uow.sessions.find_active(token_digest(client.presented_token), now)
        if previous is not None:
            await uow.sessions.end(previous.id)
    await uow.sessions.purge_expired(user.id, now)
    token = ctx.tokens.new_token()
    session = LoginSession.start(
        id=ctx.new_id(),
        user_id=user.id,
        token=token,
        now=now,
        timeouts=ctx.timeouts,
        user_agent=summarise_user_agent(client.user_agent),
    )
    await uow.sessions.add(session)
    return SignedIn(user=user, session=session, token=token)


async def login(ctx: AccountsContext, email: str, password: str, client: ClientInfo) -> SignedIn:
    """Sign in with email and password.

    An unknown email and a wrong password fail the same way, after the same amount of
    hashing work. Every attempt counts first against the account from this client address
    (tightly), the account from anywhere (loosely) and the client address.
    """
    normal = normalise_email(email)
    pair_key = ctx.account_client_throttle_key("login-pair", normal, client.address)
    account_key = ctx.throttle_key("login-account", normal)
    client_key = ctx.client_throttle_key("login-client", client.address)
    now = ctx.clock.now()
    async with ctx.unit_of_work() as uow:
        await count_attempts(
            uow,
            now,
            [
                (pair_key, LOGIN_PER_ACCOUNT_AND_CLIENT),
                (account_key, LOGIN_PER_ACCOUNT),
                (client_key, LOGIN_PER_CLIENT),
            ],
        )
        await uow.commit()
    async with ctx.unit_of_work() as uow:
        user = await uow.users.find_by_email(normal) if is_valid_email(normal) else None
    if user is None:
        normal = normalise_password(password)
        await ctx.hasher.verify_dummy(normal)
        if normal != password:  # as many hashes as for a known account (see check_password)
            await ctx.hasher.verify_dummy(password)
        raise InvalidCredentials()
    check = await check_password(ctx, user.password_hash, password)
    if not check.matches:
        raise InvalidCredentials()
    new_hash = await ctx.hasher.hash(check.normal) if check.needs_rehash else None
    now = ctx.clock.now()
    async with ctx.unit_of_work() as uow:
        current = await uow.users.find(user.id)
        if current is None or current.password_hash != user.password_hash:
            # Deleted, or the password changed while this one was being checked.
            raise InvalidCredentials()
        # Only someone who knows the password learns that the account awaits deletion.
        current.require_no_pending_deletion()
        await forgive_attempts(
            uow,
            now,
            reset=[pair_key, account_key],
            forgive=[(client_key, LOGIN_PER_CLIENT)],
        )
        # Every rule's window is at most an hour: a day-old throttle only keeps data.
        await uow.throttles.purge_stale(now - THROTTLE_RETENTION)
        if new_hash is not None:
            current.password_hash = new_hash
        current.last_login_at = now
        signed_in = await start_session(ctx, uow, current, now, client)
        await uow.commit()
    return signed_in


@dataclass(frozen=True, slots=True)
class PasswordCheck:
    matches: bool
    normal: str  # the password in the form that is hashed (NFKC)
    needs_rehash: bool = False


async def check_password(ctx: AccountsContext, password_hash: str, password: str) -> PasswordCheck:
    """Check ``password`` in its normal form; a hash stored before passwords were normalised
    is tried once more with the raw form, and then asks to be replaced."""
    normal = normalise_password(password)
    if await ctx.hasher.verify(password_hash, normal):
        return PasswordCheck(True, normal, ctx.hasher.needs_rehash(password_hash))
    if normal != password and await ctx.hasher.verify(password_hash, password):
        return PasswordCheck(True, normal, needs_rehash=True)
    return PasswordCheck(False, normal)


async def lift_sign_in_locks(
    ctx: AccountsContext, uow: AccountsUnitOfWork, email: str, now: datetime
) -> None:
    """Clear every sign-in count and lock of the account, from every address."""
    await forgive_attempts(uow, now, reset=[ctx.throttle_key("login-account", email)])
    await uow.throttles.clear(ctx.account_throttle_prefix("login-pair", email))


async def authenticate(ctx: AccountsContext, token: str) -> UserActor | None:
    """The live session for a presented token, or None. Unknown tokens are never adopted.

    Every request reads; activity is written at most once per few minutes per session, in
    a unit of work of its own, so a request that has nothing to write opens none.
    """
    now = ctx.clock.now()
    digest = token_digest(token)
    found = await ctx.session_lookup.find_active_with_user(digest, now)
    if found is None:
        return None
    session, user = found
    if user.deletion_pending:  # a session that raced the deletion request
        return None
    if session.activity_due(now, ctx.timeouts):
        async with ctx.unit_of_work() as uow:
            found = await uow.sessions.find_active_with_user(digest, now)
            if found is None:  # ended since it was read
                return None
            session, user = found
            if session.record_activity(now, ctx.timeouts):
                user.last_active_at = now
                await uow.commit()
    return UserActor(user=user, session=session, token=token)


class SessionLookupInUnitOfWork:
    """A :class:`SessionLookup` that reads in a unit of work of its own: for stores whose
    units of work cost nothing (memory). Postgres has a one-statement lookup of its own."""

    def __init__(self, unit_of_work: Callable[[], AccountsUnitOfWork]) -> None:
        self._unit_of_work = unit_of_work

    async def find_active_with_user(
        self, token_hash: str, now: datetime
    ) -> tuple[LoginSession, User] | None:
        async with self._unit_of_work() as uow:
            return await uow.sessions.find_active_with_user(token_hash, now)


async def logout(ctx: AccountsContext, actor: Actor) -> None:
    auth = require_user(actor)
    async with ctx.unit_of_work() as uow:
        await uow.sessions.end(auth.session.id)
        await uow.commit()


async def list_sessions(
    ctx: AccountsContext, actor: Actor, page: Page | None = None
) -> Paged[LoginSession]:
    """The user's live sessions, newest first, a page at a time."""
    auth = require_user(actor)
    async with ctx.unit_of_work() as uow:
        return await uow.sessions.page_active(auth.user.id, ctx.clock.now(), page or Page())


async def end_other_sessions(ctx: AccountsContext, actor: Actor) -> None:
    auth = require_user(actor)
    async with ctx.unit_of_work() as uow:
        await uow.sessions.end_all(auth.user.id, keep=auth.session.id)
        await uow.commit()
