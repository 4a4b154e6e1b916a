"""Creating an account, and proving the email address belongs to its owner."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from aluzio.application.accounts.context import AccountsContext
from aluzio.application.accounts.links import issue_link_token
from aluzio.application.accounts.ports import AccountsUnitOfWork
from aluzio.application.accounts.sessions import ClientInfo, SignedIn, start_session
from aluzio.application.accounts.throttles import count_attempts
from aluzio.application.actor import Actor
from aluzio.application.authorization import require_user
from aluzio.domain.accounts.email import EmailAddress
from aluzio.domain.accounts.errors import EmailTaken, InvalidToken
from aluzio.domain.accounts.passwords import normalise_password
from aluzio.domain.accounts.throttling import REGISTER_PER_CLIENT, RESEND_PER_ACCOUNT
from aluzio.domain.accounts.tokens import TokenPurpose, token_digest
from aluzio.domain.accounts.user import User, UserName
from aluzio.domain.errors import InvalidInput


@dataclass(frozen=True, slots=True)
class Registration:
    name: str
    email: str
    password: str
    confirms_adult: bool


async def register(ctx: AccountsContext, form: Registration, client: ClientInfo) -> SignedIn:
    """Create the account, sign it in and send the verification email, all or nothing."""
    if form.confirms_adult is not True:
        raise InvalidInput(
            "Aluzio is for adults only: confirm you are 18 or older.", field="confirmsAdult"
        )
    name = UserName.parse(form.name)
    email = EmailAddress.parse(form.email)
    ctx.policy.check(form.password, email=email.value, name=name.value)
    now = ctx.clock.now()
    async with ctx.unit_of_work() as uow:
        await count_attempts(
            uow,
            now,
            [(ctx.client_throttle_key("register-client", client.address), REGISTER_PER_CLIENT)],
        )
        await uow.commit()
    async with ctx.unit_of_work() as uow:
        taken = await uow.users.find_by_email(email.value) is not None
    if taken:
        raise EmailTaken()
    password_hash = await ctx.hasher.hash(normalise_password(form.password))
    now = ctx.clock.now()
    async with ctx.unit_of_work() as uow:
        # Two registrations racing for one address: the unique constraint lets one through
        # and turns the other into EmailTaken.
        user = await uow.users.add(
            User.register(
                id=ctx.new_id(),
                name=name,
                email=email,
                password_hash=password_hash,
                now=now,
                policy_version=ctx.policy_version,
            )
        )
        await send_verification(ctx, uow, user, now)
        signed_in = await start_session(ctx, uow, user, now, client)
        await uow.commit()
    return signed_in


async def send_verification(
    ctx: AccountsContext, uow: AccountsUnitOfWork, user: User, now: datetime
) -> None:
    """Issue a verification link (earlier ones stop working) and queue it by email."""
    token = await issue_link_token(
        ctx, uow, user_id=user.id, purpose=TokenPurpose.EMAIL_VERIFICATION, now=now
    )
    await uow.outbox.enqueue(
        ctx.mail.render("verify-email", to=user.email, values={"token": token}),
        user_id=user.id,
    )


async def verify_email(ctx: AccountsContext, token: str) -> User:
    now = ctx.clock.now()
    async with ctx.unit_of_work() as uow:
        stored = await uow.account_tokens.take(token_digest(token), TokenPurpose.EMAIL_VERIFICATION)
        if stored is None:
            raise InvalidToken()
        stored.check_usable(now)
        user = await uow.users.find(stored.user_id)
        if user is None:
            raise InvalidToken()
        user.mark_email_verified(now)
        await uow.commit()
    return user


async def resend_verification(ctx: AccountsContext, actor: Actor) -> None:
    """Send a new verification link to the signed-in user (nothing when already verified)."""
    auth = require_user(actor)
    now = ctx.clock.now()
    async with ctx.unit_of_work() as uow:
        key = ctx.throttle_key("resend-account", str(auth.user.id))
        await count_attempts(uow, now, [(key, RESEND_PER_ACCOUNT)])
        user = await uow.users.find(auth.user.id)
        if user is not None and not user.email_verified:
            await send_verification(ctx, uow, user, now)
        await uow.commit()
