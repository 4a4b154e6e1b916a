"""Single-use tokens for the links sent by email (verification, reset, email change)."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from aluzio.application.accounts.context import AccountsContext
from aluzio.application.accounts.ports import AccountsUnitOfWork
from aluzio.domain.accounts.tokens import AccountToken, TokenPurpose


async def issue_link_token(
    ctx: AccountsContext,
    uow: AccountsUnitOfWork,
    *,
    user_id: UUID,
    purpose: TokenPurpose,
    now: datetime,
    new_email: str | None = None,
    expires_at: datetime | None = None,
) -> str:
    """A fresh token for ``purpose``; links sent earlier for the same purpose stop working.

    Only the token's digest is stored; the raw token is returned to go into the link.
    """
    await uow.account_tokens.revoke(user_id, purpose)
    token = ctx.tokens.new_token()
    await uow.account_tokens.add(
        AccountToken.issue(
            id=ctx.new_id(),
            user_id=user_id,
            purpose=purpose,
            token=token,
            now=now,
            new_email=new_email,
            expires_at=expires_at,
        )
    )
    return token


async def revoke_pending_links(uow: AccountsUnitOfWork, user_id: UUID) -> None:
    """Every link sent to the user stops working, whatever it was for.

    Each credential change (password reset, password change, email change) calls this, so a
    link issued before the change, such as an attacker's pending email change, cannot be
    used after it; a new kind of link is covered without being named here.
    """
    await uow.account_tokens.revoke_all(user_id)
