"""The signed-in user's own account: name, password, email address."""

from __future__ import annotations

from aluzio.application.accounts.context import AccountsContext
from aluzio.application.accounts.links import issue_link_token, revoke_pending_links
from aluzio.application.accounts.sessions import check_password
from aluzio.application.accounts.throttles import count_attempts, forgive_attempts
from aluzio.application.actor import Actor, UserActor
from aluzio.application.authorization import require_user
from aluzio.domain.accounts.email import EmailAddress
from aluzio.domain.accounts.errors import InvalidToken
from aluzio.domain.accounts.passwords import normalise_password
from aluzio.domain.accounts.throttling import (
    EMAIL_CHANGE_PER_ACCOUNT,
    EMAIL_CHANGE_PER_RECIPIENT,
    LOGIN_PER_ACCOUNT,
    PASSWORD_CHANGE_PER_ACCOUNT,
    ThrottleRule,
)
from aluzio.domain.accounts.tokens import TokenPurpose, token_digest
from aluzio.domain.accounts.user import User, UserName
from aluzio.domain.errors import InvalidInput, NotAuthenticated


async def _fresh_user(ctx: AccountsContext, auth: UserActor) -> User:
    async with ctx.unit_of_work() as uow:
        user = await uow.users.find(auth.user.id)
    if user is None:
        raise NotAuthenticated()
    return user


async def confirm_password(ctx: AccountsContext, user: User, password: str, *, field: str) -> None:
    """Check the user's current password; guesses count like sign-in failures."""
    key = ctx.throttle_key("login-account", user.email)
    async with ctx.unit_of_work() as uow:
        await count_attempts(uow, ctx.clock.now(), [(key, LOGIN_PER_ACCOUNT)])
        await uow.commit()
    if not (await check_password(ctx, user.password_hash, password)).matches:
        raise InvalidInput("The current password is not correct.", field=field)
    async with ctx.unit_of_work() as uow:
        await forgive_attempts(uow, ctx.clock.now(), reset=[key])
        await uow.commit()


async def _count(ctx: AccountsContext, limits: list[tuple[str, ThrottleRule]]) -> None:
    async with ctx.unit_of_work() as uow:
        await count_attempts(uow, ctx.clock.now(), limits)
        await uow.commit()


async def rename(ctx: AccountsContext, actor: Actor, name: str) -> User:
    auth = require_user(actor)
    new_name = UserName.parse(name)
    async with ctx.unit_of_work() as uow:
        user = await uow.users.find(auth.user.id)
        if user is None:
            raise NotAuthenticated()
        user.rename(new_name)
        await uow.commit()
    return user


async def change_password(
    ctx: AccountsContext, actor: Actor, current_password: str, new_password: str
) -> None:
    """Set a new password, end every other session of the user and revoke every link.

    Every attempt counts, right or wrong: each one costs two password hashes.
    """
    auth = require_user(actor)
    user = await _fresh_user(ctx, auth)
    await _count(
        ctx, [(ctx.throttle_key("password-change", str(user.id)), PASSWORD_CHANGE_PER_ACCOUNT)]
    )
    await confirm_password(ctx, user, current_password, field="currentPassword")
    ctx.policy.check(new_password, email=user.email, name=user.name, field="newPassword")
    password_hash = await ctx.hasher.hash(normalise_password(new_password))
    async with ctx.unit_of_work() as uow:
        current = await uow.users.find(user.id)
        if current is None:
            raise NotAuthenticated()
        current.password_hash = password_hash
        await uow.sessions.end_all(current.id, keep=auth.session.id)
        await revoke_pending_links(uow, current.id)
        await uow.commit()


async def request_email_change(
    ctx: AccountsContext, actor: Actor, current_password: str, new_email: str
) -> None:
    """Send a confirmation link to the new address and a notice to the current one.

    The answer does not say whether the new address has an account: when it has, its owner
    is told instead, and nothing changes. Requests are limited per account and per new
    address.
    """
    auth = require_user(actor)
    new = EmailAddress.parse(new_email, field="newEmail")
    user = await _fresh_user(ctx, auth)
    if new.value == user.email:
        raise InvalidInput("This is already your email address.", field="newEmail")
    await _count(
        ctx,
        [
            (ctx.throttle_key("email-change-account", str(user.id)), EMAIL_CHANGE_PER_ACCOUNT),
            (ctx.throttle_key("email-change-recipient", new.value), EMAIL_CHANGE_PER_RECIPIENT),
        ],
    )
    await confirm_password(ctx, user, current_password, field="currentPassword")
    now = ctx.clock.now()
    async with ctx.unit_of_work() as uow:
        # The current address hears of the request either way.
        await uow.outbox.enqueue(
            ctx.mail.render("email-change-notice", to=user.email, values={}), user_id=user.id
        )
        owner = await uow.users.find_by_email(new.value)
        if owner is not None:
            await uow.outbox.enqueue(
                ctx.mail.render("email-change-taken", to=new.value, values={}), user_id=owner.id
            )
            await uow.commit()
            return
        token = await issue_link_token(
            ctx,
            uow,
            user_id=user.id,
            purpose=TokenPurpose.EMAIL_CHANGE,
            now=now,
            new_email=new.value,
        )
        await uow.outbox.enqueue(
            ctx.mail.render("email-change-confirm", to=new.value, values={"token": token}),
            user_id=user.id,
        )
        await uow.commit()


async def confirm_email_change(ctx: AccountsContext, token: str) -> User:
    now = ctx.clock.now()
    async with ctx.unit_of_work() as uow:
        stored = await uow.account_tokens.take(token_digest(token), TokenPurpose.EMAIL_CHANGE)
        if stored is None or stored.new_email is None:
            raise InvalidToken()
        stored.check_usable(now)
        user = await uow.users.find(stored.user_id)
        if user is None:
            raise InvalidToken()
        user.change_email(EmailAddress(stored.new_email), now)
        # Every other link stops working, those sent to the old address too.
        await revoke_pending_links(uow, user.id)
        await uow.commit()
    return user
