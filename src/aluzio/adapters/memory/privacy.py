"""In-memory privacy stores: the same contract as :mod:`..postgres.privacy`.

Erasing a user here does by hand what the foreign keys do in Postgres.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any, TypeVar
from uuid import UUID

from aluzio.adapters.memory.mail import OUTBOX_TABLE, QueuedMessage
from aluzio.adapters.memory.unit_of_work import MemoryRepositories, MemoryScope
from aluzio.application.privacy.ports import (
    ERASURES,
    MAIL_HISTORY,
    PERSONAL_CONTENT,
    POLICY_NOTICES,
    RETENTION,
    FacilitatedRetro,
    OwnActionItem,
    OwnBoard,
    OwnCard,
    OwnNote,
    OwnVote,
    RetroVersion,
    SentMail,
)
from aluzio.domain.accounts.sessions import LoginSession
from aluzio.domain.accounts.tokens import AccountToken
from aluzio.domain.accounts.user import User
from aluzio.domain.boards.model import Board
from aluzio.domain.organizations.model import Invitation, JoinLink, Organization
from aluzio.domain.retros.action_items import ActionItem
from aluzio.domain.retros.model import Card, PhaseChange, Retro, RetroSection, Topic
from aluzio.domain.retros.notes import Note
from aluzio.domain.retros.votes import Vote

NOTICES_TABLE = "policy_notices"
T = TypeVar("T")


def _drop(table: dict[Any, Any], doomed: Any) -> int:
    keys = [key for key, row in table.items() if doomed(row)]
    for key in keys:
        del table[key]
    return len(keys)


class InMemoryErasureStore:
    def __init__(self, scope: MemoryScope) -> None:
        self._state = scope.state
        self._users: dict[UUID, User] = scope.state.table("users")

    async def claim_due(self, now: datetime, limit: int) -> Sequence[User]:
        due = [
            u for u in self._users.values() if u.purge_after is not None and u.purge_after <= now
        ]
        return sorted(due, key=lambda u: u.purge_after or now)[:limit]

    async def lock(self, user_id: UUID) -> User | None:
        return self._users.get(user_id)

    async def erase(self, user: User) -> Sequence[RetroVersion]:
        changed = self._erase_retro_content(user.id)
        table = self._state.table
        invitations: dict[UUID, Invitation] = table("org_invitations")
        _drop(invitations, lambda i: i.email == user.email)
        mail: dict[int, QueuedMessage] = table(OUTBOX_TABLE)
        _drop(mail, lambda m: m.user_id == user.id or m.message.to == user.email)
        # What ON DELETE CASCADE and SET NULL do in Postgres.
        sessions: dict[UUID, LoginSession] = table("auth_sessions")
        _drop(sessions, lambda s: s.user_id == user.id)
        tokens: dict[UUID, AccountToken] = table("account_tokens")
        _drop(tokens, lambda t: t.user_id == user.id)
        _drop(table("org_memberships"), lambda m: m.user_id == user.id)
        _drop(table(NOTICES_TABLE), lambda n: n[0] == user.id)
        for invitation in invitations.values():
            if invitation.invited_by == user.id:
                invitation.invited_by = None
        links: dict[UUID, JoinLink] = table("org_join_links")
        for link in links.values():
            if link.created_by == user.id:
                link.created_by = None
        self._users.pop(user.id, None)
        return changed

    def _erase_retro_content(self, user_id: UUID) -> Sequence[RetroVersion]:
        """As the Postgres store: the user's cards, notes, votes and action items go, their
        assignments are emptied, a topic left without cards goes (with what is on it), each
        retro bumped once."""
        table = self._state.table
        cards: dict[UUID, Card] = table("cards")
        notes: dict[UUID, Note] = table("notes")
        votes: dict[UUID, Vote] = table("votes")
        items: dict[UUID, ActionItem] = table("action_items")
        topics: dict[UUID, Topic] = table("topics")
        retros: dict[UUID, Retro] = table("retros")
        touched = (
            {c.retro_id for c in cards.values() if c.author_id == user_id}
            | {n.retro_id for n in notes.values() if n.author_id == user_id}
            | {v.retro_id for v in votes.values() if v.voter_id == user_id}
            | {i.retro_id for i in items.values() if user_id in (i.created_by, i.assignee_id)}
        )
        _drop(items, lambda i: i.created_by == user_id)
        for item in items.values():
            if item.assignee_id == user_id:
                item.assignee_id = None
        _drop(votes, lambda v: v.voter_id == user_id)
        _drop(notes, lambda n: n.author_id == user_id)
        _drop(cards, lambda c: c.author_id == user_id)
        used = {c.topic_id for c in cards.values()}
        _drop(topics, lambda t: t.retro_id in touched and t.id not in used)
        _drop(votes, lambda v: v.topic_id not in topics)
        _drop(notes, lambda n: n.topic_id not in topics)
        for item in items.values():
            if item.topic_id is not None and item.topic_id not in topics:
                item.topic_id = None
        changed = []
        for retro_id in sorted(touched):
            retro = retros.get(retro_id)
            if retro is not None:
                # A new version for live viewers, but not the team's activity: the time of
                # the last change stays, so an erasure does not postpone the auto-close.
                retro.record_change(retro.changed_at)
                changed.append(RetroVersion(retro.id, retro.version))
        return changed


class InMemoryRetentionStore:
    def __init__(self, scope: MemoryScope) -> None:
        self._state = scope.state

    async def delete_expired_sessions(self, now: datetime) -> int:
        sessions: dict[UUID, LoginSession] = self._state.table("auth_sessions")
        return _drop(sessions, lambda s: s.idle_expires_at <= now or s.expires_at <= now)

    async def delete_expired_tokens(self, now: datetime) -> int:
        tokens: dict[UUID, AccountToken] = self._state.table("account_tokens")
        return _drop(tokens, lambda t: t.expires_at <= now)

    async def delete_expired_invitations(self, now: datetime) -> int:
        invitations: dict[UUID, Invitation] = self._state.table("org_invitations")
        return _drop(invitations, lambda i: i.expires_at <= now)


class InMemoryPolicyNoticeStore:
    def __init__(self, scope: MemoryScope) -> None:
        self._users: dict[UUID, User] = scope.state.table("users")
        self._notices: dict[tuple[UUID, str], datetime] = scope.state.table(NOTICES_TABLE)

    async def unnotified(self, version: str, limit: int) -> Sequence[User]:
        found = [
            user
            for user in self._users.values()
            if user.email_verified
            and not user.deletion_pending
            and (user.id, version) not in self._notices
        ]
        return sorted(found, key=lambda user: user.id)[:limit]

    async def record(self, user_id: UUID, version: str, now: datetime) -> bool:
        if (user_id, version) in self._notices:
            return False
        self._notices[(user_id, version)] = now
        return True


class InMemoryMailHistory:
    """Memory keeps no delivery state or times: every message reads as pending."""

    def __init__(self, scope: MemoryScope) -> None:
        self._rows: dict[int, QueuedMessage] = scope.state.table(OUTBOX_TABLE)

    async def of_user(self, user_id: UUID) -> Sequence[SentMail]:
        return [
            SentMail(row.message.category, "pending", None, None)
            for _, row in sorted(self._rows.items())
            if row.user_id == user_id
        ]


def _page(rows: Iterable[T], after: UUID | None, limit: int) -> list[T]:
    found = sorted(
        (row for row in rows if after is None or getattr(row, "id") > after),  # noqa: B009
        key=lambda row: getattr(row, "id"),  # noqa: B009
    )
    return found[:limit]


class InMemoryPersonalContent:
    def __init__(self, scope: MemoryScope) -> None:
        table = scope.state.table
        self._organizations: dict[UUID, Organization] = table("organizations")
        self._boards: dict[UUID, Board] = table("boards")
        self._retros: dict[UUID, Retro] = table("retros")
        self._sections: dict[tuple[UUID, UUID], RetroSection] = table("retro_sections")
        self._history: dict[int, PhaseChange] = table("retro_phase_changes")
        self._cards: dict[UUID, Card] = table("cards")
        self._notes: dict[UUID, Note] = table("notes")
        self._votes: dict[UUID, Vote] = table("votes")
        self._items: dict[UUID, ActionItem] = table("action_items")

    async def boards(self, user_id: UUID, after: UUID | None, limit: int) -> Sequence[OwnBoard]:
        return [
            OwnBoard(b.id, b.name, self._organizations[b.organization_id].slug, b.created_at)
            for b in _page(
                (b for b in self._boards.values() if b.created_by == user_id), after, limit
            )
        ]

    async def cards(self, user_id: UUID, after: UUID | None, limit: int) -> Sequence[OwnCard]:
        mine = (c for c in self._cards.values() if c.author_id == user_id)
        return [
            OwnCard(
                c.id,
                c.retro_id,
                c.topic_id,
                self._sections[(c.retro_id, c.section_id)].title,
                c.body,
                self._retros[c.retro_id].anonymous,
                c.created_at,
                c.updated_at,
            )
            for c in _page(mine, after, limit)
        ]

    async def notes(self, user_id: UUID, after: UUID | None, limit: int) -> Sequence[OwnNote]:
        mine = (n for n in self._notes.values() if n.author_id == user_id)
        return [
            OwnNote(
                n.id,
                n.retro_id,
                n.topic_id,
                n.body,
                self._retros[n.retro_id].anonymous,
                n.created_at,
                n.updated_at,
            )
            for n in _page(mine, after, limit)
        ]

    async def votes(self, user_id: UUID, after: UUID | None, limit: int) -> Sequence[OwnVote]:
        mine = (v for v in self._votes.values() if v.voter_id == user_id)
        return [OwnVote(v.id, v.retro_id, v.topic_id, v.cast_at) for v in _page(mine, after, limit)]

    async def action_items(
        self, user_id: UUID, after: UUID | None, limit: int
    ) -> Sequence[OwnActionItem]:
        mine = (i for i in self._items.values() if user_id in (i.created_by, i.assignee_id))
        return [
            OwnActionItem(
                i.id,
                i.retro_id,
                i.title,
                i.due_on,
                i.done,
                i.created_by == user_id,
                i.assignee_id == user_id,
                i.created_at,
                i.done_at,
            )
            for i in _page(mine, after, limit)
        ]

    async def retros_facilitated(
        self, user_id: UUID, after: UUID | None, limit: int
    ) -> Sequence[FacilitatedRetro]:
        mine = (r for r in self._retros.values() if r.facilitator_id == user_id)
        found = []
        for r in _page(mine, after, limit):
            changes = [c.changed_at for c in self._history.values() if c.retro_id == r.id]
            found.append(
                FacilitatedRetro(
                    r.id,
                    r.title,
                    self._boards[r.board_id].name,
                    r.current_phase.value,
                    r.created_at,
                    max(changes, default=None),
                )
            )
        return found


def register_memory_privacy(repositories: MemoryRepositories) -> None:
    repositories.register(ERASURES, InMemoryErasureStore)
    repositories.register(RETENTION, InMemoryRetentionStore)
    repositories.register(POLICY_NOTICES, InMemoryPolicyNoticeStore)
    repositories.register(MAIL_HISTORY, InMemoryMailHistory)
    repositories.register(PERSONAL_CONTENT, InMemoryPersonalContent)
