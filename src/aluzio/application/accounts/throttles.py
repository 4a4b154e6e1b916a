from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from aluzio.application.accounts.ports import AccountsUnitOfWork
from aluzio.domain.accounts.throttling import ThrottleRule
from aluzio.domain.errors import TooManyAttempts


async def count_attempts(
    uow: AccountsUnitOfWork, now: datetime, limits: Iterable[tuple[str, ThrottleRule]]
) -> None:
    """Count one attempt against every key, or raise TooManyAttempts with the longest wait.

    Keys are taken in a fixed order so that concurrent requests cannot deadlock.
    """
    refused: TooManyAttempts | None = None
    for key, rule in sorted(limits, key=lambda item: item[0]):
        throttle = await uow.throttles.acquire(key, now)
        try:
            throttle.count_attempt(now, rule)
        except TooManyAttempts as exc:
            if refused is None or exc.retry_after_seconds > refused.retry_after_seconds:
                refused = exc
    if refused is not None:
        raise refused


async def forgive_attempts(
    uow: AccountsUnitOfWork,
    now: datetime,
    *,
    reset: Iterable[str] = (),
    forgive: Iterable[tuple[str, ThrottleRule]] = (),
) -> None:
    """Give back counted attempts after a success: ``reset`` clears a key entirely."""
    actions: list[tuple[str, ThrottleRule | None]] = [(key, None) for key in reset]
    actions.extend(forgive)
    for key, rule in sorted(actions, key=lambda item: item[0]):
        throttle = await uow.throttles.acquire(key, now)
        if rule is None:
            throttle.reset()
        else:
            throttle.forgive(rule)
