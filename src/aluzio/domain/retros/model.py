"""A retro and what it holds: phases and their history, frozen sections, participants,
topics and cards; the phase machine and who may steer a retro.

Every change to a retro or to anything in it goes through a method here or in
``cards.py``, and each one calls :meth:`Retro.record_change`: that is the rule that every
change bumps ``version``, the counter real-time clients use to notice a missed event, and
stamps ``changed_at``, the time the system closes an idle retro by (``closing.py``).
Checks run in one order everywhere: a closed retro first (``retro-closed``), then the
phase (``phase-not-allowed``), then who is asking (``not-facilitator``, ``not-card-author``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Protocol
from uuid import UUID

from aluzio.domain.organizations.model import Role
from aluzio.domain.retros.errors import NotFacilitator, PhaseNotAllowed, RetroClosed
from aluzio.domain.retros.settings import RetroSettings


class Phase(StrEnum):
    """The phases in the order a retro goes through them."""

    DRAFT = "draft"
    REFLECT = "reflect"
    GROUP = "group"
    VOTE = "vote"
    DISCUSS = "discuss"
    CLOSED = "closed"

    @property
    def next(self) -> Phase | None:
        """The phase after this one (``None`` after closed)."""
        index = PHASE_ORDER.index(self)
        return PHASE_ORDER[index + 1] if index + 1 < len(PHASE_ORDER) else None

    @property
    def previous(self) -> Phase | None:
        """The phase one may go back to from this one, if any."""
        return PHASE_ORDER[PHASE_ORDER.index(self) - 1] if self in _MAY_GO_BACK else None


PHASE_ORDER: tuple[Phase, ...] = tuple(Phase)
# Reflect cannot go back to draft (its sections are frozen); closed is final.
_MAY_GO_BACK = frozenset({Phase.GROUP, Phase.VOTE, Phase.DISCUSS})
# Phases in which cards are written, edited and deleted.
WRITING_PHASES = frozenset({Phase.REFLECT, Phase.GROUP})


def allowed_phase_changes(current: Phase) -> frozenset[Phase]:
    """Where a retro in ``current`` may go: one phase forward, or back one from group,
    vote or discuss."""
    current = Phase(current)
    return frozenset(p for p in (current.next, current.previous) if p is not None)


@dataclass(frozen=True, slots=True)
class Viewer:
    """The person reading or acting on a retro: a member of its organization, with their
    role there. Whether they facilitate is read from the retro each time, so a hand-over
    earlier in the same transaction counts."""

    user_id: UUID
    role: Role

    def facilitates(self, retro: Retro) -> bool:
        return retro.facilitator_id == self.user_id

    def may_facilitate(self, retro: Retro) -> bool:
        """The facilitator, or an admin or owner of the organization, steers the retro."""
        return self.facilitates(retro) or Role(self.role).at_least(Role.ADMIN)


@dataclass(eq=False)
class Retro:
    id: UUID
    board_id: UUID
    organization_id: UUID
    title: str | None
    # None once the person's account is erased (admins and owners still steer).
    facilitator_id: UUID | None
    vote_budget: int
    max_votes_per_topic: int
    anonymous: bool
    phase: Phase
    # Incremented by every change to the retro or anything in it, in the change's
    # transaction: real-time clients detect a missed event by a gap.
    version: int
    created_by: UUID | None
    created_at: datetime
    # When ``version`` last moved: the retro's last change, whatever it was.
    changed_at: datetime
    # The topic everyone is discussing, chosen by whoever steers the retro (discuss only).
    discussion_topic_id: UUID | None = None
    # When the facilitator's countdown ends, in server time; clients count down to it.
    timer_ends_at: datetime | None = None

    @classmethod
    def open(
        cls,
        *,
        id: UUID,
        board_id: UUID,
        organization_id: UUID,
        settings: RetroSettings,
        created_by: UUID,
        now: datetime,
    ) -> tuple[Retro, PhaseChange]:
        """A new retro in draft, facilitated by its creator, and the first entry of its
        phase history (from nothing to draft)."""
        retro = cls(
            id=id,
            board_id=board_id,
            organization_id=organization_id,
            title=settings.title,
            facilitator_id=created_by,
            vote_budget=settings.vote_budget,
            max_votes_per_topic=settings.max_votes_per_topic,
            anonymous=settings.anonymous,
            phase=Phase.DRAFT,
            version=1,
            created_by=created_by,
            created_at=now,
            changed_at=now,
        )
        return retro, PhaseChange(
            retro_id=id,
            from_phase=None,
            to_phase=Phase.DRAFT,
            changed_by=created_by,
            changed_at=now,
        )

    @property
    def current_phase(self) -> Phase:
        """``phase`` as a :class:`Phase`, whatever the storage loaded it as."""
        return Phase(self.phase)

    @property
    def is_closed(self) -> bool:
        return self.current_phase is Phase.CLOSED

    @property
    def settings(self) -> RetroSettings:
        return RetroSettings(
            title=self.title,
            vote_budget=self.vote_budget,
            max_votes_per_topic=self.max_votes_per_topic,
            anonymous=self.anonymous,
        )

    def record_change(self, now: datetime) -> None:
        """Every change to the retro, or to anything in it, bumps the version once and
        stamps the time it happened."""
        self.version += 1
        self.changed_at = now

    def check_not_closed(self) -> None:
        """A closed retro is read-only."""
        if self.is_closed:
            raise RetroClosed()

    def check_phase(self, allowed: Iterable[Phase]) -> None:
        """Refuse unless the retro is open and in one of the ``allowed`` phases."""
        self.check_not_closed()
        if self.current_phase not in frozenset(allowed):
            raise PhaseNotAllowed()

    def check_facilitation(self, viewer: Viewer) -> None:
        """Refuse unless the retro is open and ``viewer`` may steer it."""
        self.check_not_closed()
        if not viewer.may_facilitate(self):
            raise NotFacilitator()

    def change_phase(self, to: Phase, *, by: Viewer, now: datetime) -> PhaseChange:
        """Move to ``to`` (one phase forward, or back one from group, vote or discuss) and
        answer the history entry to store. Leaving draft for reflect starts the retro: store
        :func:`freeze_sections` of the board's sections with it."""
        self.check_facilitation(by)
        current = self.current_phase
        if Phase(to) not in allowed_phase_changes(current):
            raise PhaseNotAllowed(
                f"A retro in {current} can go to "
                + " or ".join(sorted(allowed_phase_changes(current)))
                + f", not to {to}."
            )
        self.phase = Phase(to)
        self.timer_ends_at = None  # a timer is for the phase it was set in
        self.record_change(now)
        return PhaseChange(
            retro_id=self.id,
            from_phase=current,
            to_phase=Phase(to),
            changed_by=by.user_id,
            changed_at=now,
        )

    def change_settings(self, settings: RetroSettings, *, by: Viewer, now: datetime) -> None:
        """Title and settings change while the retro is in draft, by whoever steers it."""
        self.check_phase({Phase.DRAFT})
        self.check_facilitation(by)
        self.title = settings.title
        self.vote_budget = settings.vote_budget
        self.max_votes_per_topic = settings.max_votes_per_topic
        self.anonymous = settings.anonymous
        self.record_change(now)

    def hand_over(self, to_user_id: UUID, *, by: Viewer, now: datetime) -> bool:
        """Make ``to_user_id`` (a member of the organization: the caller checks) the
        facilitator; answers whether anything changed."""
        self.check_facilitation(by)
        if self.facilitator_id == to_user_id:
            return False
        self.facilitator_id = to_user_id
        self.record_change(now)
        return True

    def check_deletion(self, *, by: Viewer) -> None:
        """The facilitator or an admin or owner deletes a retro that is not closed (a closed
        retro goes with its board)."""
        self.check_facilitation(by)

    def admit(
        self, user_id: UUID, *, participants: Iterable[Participant], now: datetime
    ) -> Participant | None:
        """The new participant when ``user_id`` opens the retro for the first time; ``None``
        when they already take part or the retro is closed (reading it changes nothing)."""
        if self.is_closed or any(p.user_id == user_id for p in participants):
            return None
        self.record_change(now)
        return Participant(retro_id=self.id, user_id=user_id, joined_at=now)


@dataclass(eq=False)
class PhaseChange:
    """One step of the phase history; creation is the change from ``None`` to draft.
    ``changed_by`` is ``None`` for a change the system made (closing an idle retro) and
    once the person's account is erased."""

    retro_id: UUID
    from_phase: Phase | None
    to_phase: Phase
    changed_by: UUID | None
    changed_at: datetime

    @property
    def starts_retro(self) -> bool:
        """Draft to reflect: the moment the board's sections are copied into the retro."""
        return self.from_phase == Phase.DRAFT and self.to_phase == Phase.REFLECT


class BoardSection(Protocol):
    """What a retro copies of a board's section when it starts."""

    @property
    def id(self) -> UUID: ...
    @property
    def title(self) -> str: ...
    @property
    def prompt(self) -> str | None: ...
    @property
    def color(self) -> str | None: ...


@dataclass(eq=False)
class RetroSection:
    """A board section as it was when the retro started (``id`` is the board section's)."""

    retro_id: UUID
    id: UUID
    title: str
    prompt: str | None
    color: str | None
    position: int


def freeze_sections(retro: Retro, board_sections: Iterable[BoardSection]) -> list[RetroSection]:
    """The retro's own copy of the board's sections, in the board's order: later edits of
    the board change retros still in draft only."""
    return [
        RetroSection(
            retro_id=retro.id,
            id=section.id,
            title=section.title,
            prompt=section.prompt,
            color=section.color,
            position=position,
        )
        for position, section in enumerate(board_sections)
    ]


@dataclass(eq=False)
class Participant:
    retro_id: UUID
    user_id: UUID
    joined_at: datetime


@dataclass(eq=False)
class Topic:
    id: UUID
    retro_id: UUID
    title: str | None
    created_at: datetime


@dataclass(eq=False)
class Card:
    id: UUID
    retro_id: UUID
    section_id: UUID
    topic_id: UUID
    # Stored for the author's own use (editing, export); never shown to others in an
    # anonymous retro (see ``visibility``).
    author_id: UUID
    body: str
    position: int  # order within its topic
    created_at: datetime
    updated_at: datetime
