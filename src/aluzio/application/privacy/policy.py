"""Privacy policy changes: registered users with a verified address are told by email."""

from __future__ import annotations

import logging

from aluzio.application.privacy.context import PrivacyContext
from aluzio.domain.errors import InvalidInput
from aluzio.domain.privacy.policy import MAX_VERSION_LENGTH, PolicyVersion

logger = logging.getLogger("aluzio.privacy")

NOTICE_BATCH = 200


def current_policy(ctx: PrivacyContext) -> PolicyVersion:
    return ctx.policy


async def notify_policy_change(
    ctx: PrivacyContext, version: str, summary: str, *, batch: int = NOTICE_BATCH
) -> int:
    """Queue the notice of ``version`` for every verified user not told of it yet.

    Each batch records whom it told in the same transaction that queues their mail, so a run
    that is interrupted and started again goes on where it stopped and tells no one twice;
    two runs at once share the work. Returns how many notices this run queued.
    """
    version = version.strip()
    if not 1 <= len(version) <= MAX_VERSION_LENGTH:
        raise InvalidInput(f"The version must be 1 to {MAX_VERSION_LENGTH} characters.")
    if not summary.strip():
        raise InvalidInput("The summary of the changes must not be empty.")
    sent = 0
    while True:
        async with ctx.unit_of_work() as uow:
            recipients = await uow.policy_notices.unnotified(version, batch)
            now = ctx.accounts.clock.now()
            for user in recipients:
                if not await uow.policy_notices.record(user.id, version, now):
                    continue
                await uow.outbox.enqueue(
                    ctx.accounts.mail.render(
                        "policy-change",
                        to=user.email,
                        values={"version": version, "summary": summary.strip()},
                    ),
                    user_id=user.id,
                )
                sent += 1
            await uow.commit()
        if not recipients:
            break
        logger.info("privacy: policy %s notice queued for %d users so far", version, sent)
    return sent
