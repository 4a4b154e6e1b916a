"""Forgotten passwords: a single-use link by email, then a new password."""

from __future__ import annotations

from aluzio.application.accounts.context import AccountsContext
from aluzio.application.accounts.links import revoke_pending_links
from aluzio.application.accounts.sessions import ClientInfo, lift_sign_in_locks
from aluzio.application.accounts.throttles import count_attempts
from aluzio.domain.accounts.email import normalise_email
from aluzio.domain.accounts.errors import InvalidToken
from aluzio.domain.accounts.passwords import normalise_password
from aluzio.domain.accounts.throttling import RESET_PER_ACCOUNT, RESET_PER_CLIENT
from aluzio.domain.accounts.tokens import TokenPurpose, token_digest


async def request_password_reset(ctx: AccountsContext, email: str, client: ClientInfo) -> None:
    """Send a reset link if the account exists; the caller cannot tell whether it does.

    Not from the answer, nor from its time: a token and a message are made either way, and
    the same statements store them only when an account has the address.
    """
    normal = normalise_email(email)
    now = ctx.clock.now()
    token = ctx.tokens.new_token()
    message = ctx.mail.render("password-reset", to=normal, values={"token": token})
    async with ctx.unit_of_work() as uow:
        await count_attempts(
            uow,
            now,
            [
                (ctx.throttle_key("reset-account", normal), RESET_PER_ACCOUNT),
                (ctx.client_throttle_key("reset-client", client.address), RESET_PER_CLIENT),
            ],
        )
        await uow.account_tokens.issue_to_email(
            normal,
            id=ctx.new_id(),
            purpose=TokenPurpose.PASSWORD_RESET,
            token_hash=token_digest(token),
            now=now,
        )
        await uow.outbox.enqueue_if_registered(message)
        await uow.commit()


async def confirm_password_reset(ctx: AccountsContext, token: str, password: str) -> None:
    """Set the new password and end every session of the user."""
    digest = token_digest(token)
    now = ctx.clock.now()
    async with ctx.unit_of_work() as uow:
        stored = await uow.account_tokens.peek(digest, TokenPurpose.PASSWORD_RESET)
        if stored is None:
            raise InvalidToken()
        stored.check_usable(now)
        user = await uow.users.find(stored.user_id)
        if user is None:
            raise InvalidToken()
    ctx.policy.check(password, email=user.email, name=user.name)
    password_hash = await ctx.hasher.hash(normalise_password(password))
    now = ctx.clock.now()
    async with ctx.unit_of_work() as uow:
        taken = await uow.account_tokens.take(digest, TokenPurpose.PASSWORD_RESET)
        if taken is None:  # used by a concurrent request meanwhile
            raise InvalidToken()
        taken.check_usable(now)
        current = await uow.users.find(taken.user_id)
        if current is None:
            raise InvalidToken()
        current.password_hash = password_hash
        # The link reached the mailbox, so the address works.
        current.mark_email_verified(now)
        await uow.sessions.end_all(current.id)
        await revoke_pending_links(uow, current.id)
        # The owner proved they hold the mailbox: no sign-in lock keeps them out any longer.
        await lift_sign_in_locks(ctx, uow, current.email, now)
        await uow.commit()
