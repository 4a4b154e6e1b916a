"""How the retro use cases reach a retro, a card or a topic: always through the
organization access check first, so a non-member meets the same 404 as a missing id."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from aluzio.application.actor import Actor
from aluzio.application.authorization import require_user
from aluzio.application.organizations.access import OrgAccess, require_membership_in
from aluzio.application.retros.ports import RetrosUnitOfWork
from aluzio.domain.errors import DomainError
from aluzio.domain.organizations.errors import OrganizationNotFound
from aluzio.domain.retros.errors import CardNotFound, RetroNotFound, TopicNotFound
from aluzio.domain.retros.model import Card, Retro, Topic, Viewer


@dataclass(frozen=True, slots=True)
class RetroAccess:
    """The retro the actor reached, and the actor as a viewer of it."""

    retro: Retro
    org: OrgAccess

    @property
    def viewer(self) -> Viewer:
        return Viewer(user_id=self.org.membership.user_id, role=self.org.role)


async def require_retro(
    uow: RetrosUnitOfWork,
    actor: Actor,
    retro_id: UUID,
    *,
    change: bool = False,
    missing: type[DomainError] = RetroNotFound,
) -> RetroAccess:
    """The actor's access to the retro. For a ``change``, the actor's email address must be
    verified, and the retro's row is held until the unit of work ends: changes to one retro
    (and to anything in it) are decided one after the other, each bumping its version."""
    auth = require_user(actor)
    # A change locks the row on this first read: one statement, and what is checked below
    # is what the change is decided on.
    retro = await uow.retros.find(retro_id, lock=change)
    if retro is None:
        raise missing()
    try:
        org = await require_membership_in(uow, actor, retro.organization_id)
    except OrganizationNotFound:
        raise missing() from None
    if change:
        auth.user.require_verified_email()
    return RetroAccess(retro, org)


async def require_card(
    uow: RetrosUnitOfWork, actor: Actor, card_id: UUID
) -> tuple[RetroAccess, Card]:
    """The card, read again once its retro is locked, and the actor's access to the retro
    (for a change)."""
    require_user(actor)
    card = await uow.cards.find(card_id)
    if card is None:
        raise CardNotFound()
    access = await require_retro(uow, actor, card.retro_id, change=True, missing=CardNotFound)
    card = await uow.cards.find(card_id)
    if card is None:
        raise CardNotFound()
    return access, card


async def require_topic(
    uow: RetrosUnitOfWork, actor: Actor, topic_id: UUID
) -> tuple[RetroAccess, Topic]:
    """The topic, read again once its retro is locked, and the actor's access to the retro
    (for a change)."""
    require_user(actor)
    topic = await uow.topics.find(topic_id)
    if topic is None:
        raise TopicNotFound()
    access = await require_retro(uow, actor, topic.retro_id, change=True, missing=TopicNotFound)
    topic = await uow.topics.find(topic_id)
    if topic is None:
        raise TopicNotFound()
    return access, topic
