"""The baseline for ``bench.retro_paths``: a bare Litestar + asyncpg app serving the three retro
paths of the route contract (docs/retros.md) with no auth layer, domain or unit of work.

- ``POST /api/retros/{id}/cards {sectionId, body}``: the session cookie's lookup (the very
  statement Aluzio sends), the CSRF header checked as Aluzio checks it, then one transaction:
  the retro locked, the caller's membership of its organization, the phase, the card count
  against the limit, the section, a topic of its own and the card inserted, the retro's
  version bumped and announced (``pg_notify``). Answers 201 with the card.
- ``POST /api/topics/{id}/votes``: the same lookup and CSRF check, then one transaction: the
  topic, its retro locked, the membership, the phase (``vote``), the caller's votes in the
  retro against the budget and the per-topic cap, the vote inserted, the version bumped and
  announced. Answers 201 with the caller's votes on the topic and their votes left.
- ``GET /api/retros/{id}``: the same lookup, then one transaction: the retro, the membership,
  the participants with their names (a first read joins them), the phase history, the
  sections, the topics and the cards with their authors' names; answers the retro as a
  member sees it from the ``group`` phase on (every card's text; authors hidden in an
  anonymous retro, ``mine`` for the caller's own), with the hidden-card counts per section.

Every statement is written here in full (``SQL`` below), so comparing it with what Aluzio
sends for the same request is a matter of reading both. Served by uvicorn with one worker:
``BARE_DATABASE_URL=... BARE_SECRET_KEY=... uvicorn --factory bench.bare_retro:create_app``.
"""

from __future__ import annotations

import hashlib
import json
import os
import uuid
from datetime import UTC, datetime
from typing import Annotated, Any
from uuid import UUID

import asyncpg
import msgspec
from litestar import Litestar, Request, get, post
from litestar.exceptions import HTTPException, NotAuthorizedException, NotFoundException

from aluzio.adapters.postgres.accounts import ACTIVE_SESSION_WITH_USER_SQL
from aluzio.adapters.postgres.database import to_asyncpg_dsn
from aluzio.adapters.postgres.tables.accounts import auth_sessions
from aluzio.entrypoints.http.auth.csrf import csrf_token_matches

SESSION_COOKIE = "_aluzio_key"
POOL_SIZE = 10  # Aluzio's default ALUZIO_DB_POOL_SIZE
MAX_CARDS = 500
WRITING_PHASES = ("reflect", "group")
_USER_ID = [column.name for column in auth_sessions.c].index("user_id")

SQL = {
    "retro_for_update": (
        "SELECT id, organization_id, phase, version FROM retros WHERE id = $1 FOR UPDATE"
    ),
    "retro": (
        "SELECT id, board_id, organization_id, title, facilitator_id, vote_budget,"
        " max_votes_per_topic, anonymous, phase, version, created_by, created_at"
        " FROM retros WHERE id = $1"
    ),
    "membership": "SELECT role FROM org_memberships WHERE organization_id = $1 AND user_id = $2",
    "card_count": "SELECT count(*) FROM cards WHERE retro_id = $1",
    "topic": "SELECT retro_id FROM topics WHERE id = $1",
    "vote_retro_for_update": (
        "SELECT organization_id, phase, vote_budget, max_votes_per_topic FROM retros"
        " WHERE id = $1 FOR UPDATE"
    ),
    "my_votes": "SELECT topic_id FROM votes WHERE retro_id = $1 AND voter_id = $2",
    "insert_vote": (
        "INSERT INTO votes (id, retro_id, topic_id, voter_id, cast_at) VALUES ($1, $2, $3, $4, $5)"
    ),
    "section": "SELECT 1 FROM retro_sections WHERE retro_id = $1 AND id = $2",
    "insert_topic": (
        "INSERT INTO topics (id, retro_id, title, created_at) VALUES ($1, $2, NULL, $3)"
    ),
    "insert_card": (
        "INSERT INTO cards (id, retro_id, section_id, topic_id, author_id, body, position,"
        " created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, 0, $7, $7)"
    ),
    "bump_version": "UPDATE retros SET version = version + 1 WHERE id = $1 RETURNING version",
    "notify": "SELECT pg_notify('aluzio_retro', $1)",
    "join": (
        "INSERT INTO retro_participants (retro_id, user_id, joined_at) VALUES ($1, $2, $3)"
        " ON CONFLICT DO NOTHING"
    ),
    "history": (
        "SELECT from_phase, to_phase, changed_by, changed_at FROM retro_phase_changes"
        " WHERE retro_id = $1 ORDER BY seq"
    ),
    "sections": (
        "SELECT id, title, prompt, color, position FROM retro_sections"
        " WHERE retro_id = $1 ORDER BY position"
    ),
    "participants": (
        "SELECT p.user_id, p.joined_at, u.name FROM retro_participants AS p"
        " JOIN users AS u ON u.id = p.user_id WHERE p.retro_id = $1 ORDER BY p.joined_at"
    ),
    "topics": (
        "SELECT id, title, created_at FROM topics WHERE retro_id = $1 ORDER BY created_at, id"
    ),
    "cards": (
        "SELECT c.id, c.section_id, c.topic_id, c.author_id, c.body, c.position, c.created_at,"
        " u.name FROM cards AS c JOIN users AS u ON u.id = c.author_id"
        " WHERE c.retro_id = $1 ORDER BY c.topic_id, c.position, c.id"
    ),
}


class CardIn(msgspec.Struct, rename="camel"):
    section_id: UUID
    body: Annotated[str, msgspec.Meta(min_length=1, max_length=2000)]


def create_app() -> Litestar:
    dsn = to_asyncpg_dsn(os.environ["BARE_DATABASE_URL"])
    secret_key = os.environ["BARE_SECRET_KEY"].encode()
    pools: list[asyncpg.Pool] = []

    async def open_pool() -> None:
        pools.append(await asyncpg.create_pool(dsn, min_size=POOL_SIZE, max_size=POOL_SIZE))

    async def close_pool() -> None:
        for pool in pools:
            await pool.close()

    async def signed_in(request: Request[Any, Any, Any]) -> tuple[str, UUID]:
        token = request.cookies.get(SESSION_COOKIE)
        if not token:
            raise NotAuthorizedException()
        digest = hashlib.sha256(token.encode()).hexdigest()
        async with pools[0].acquire() as connection:
            row = await connection.fetchrow(ACTIVE_SESSION_WITH_USER_SQL, digest, datetime.now(UTC))
        if row is None:
            raise NotAuthorizedException()
        return token, row[_USER_ID]

    @post("/api/retros/{retro_id:uuid}/cards", status_code=201)
    async def add_card(request: Request[Any, Any, Any], retro_id: UUID) -> dict[str, Any]:
        token, user_id = await signed_in(request)
        if not csrf_token_matches(secret_key, token, request.headers.get("x-csrf-token")):
            raise HTTPException(status_code=403, detail="csrf-rejected")
        data = msgspec.json.decode(await request.body(), type=CardIn, strict=True)
        now = datetime.now(UTC)
        async with pools[0].acquire() as connection, connection.transaction():
            retro = await connection.fetchrow(SQL["retro_for_update"], retro_id)
            if retro is None:
                raise NotFoundException()
            if (
                await connection.fetchval(SQL["membership"], retro["organization_id"], user_id)
                is None
            ):
                raise NotFoundException()
            if retro["phase"] not in WRITING_PHASES:
                raise HTTPException(status_code=409, detail="phase-not-allowed")
            if await connection.fetchval(SQL["card_count"], retro_id) >= MAX_CARDS:
                raise HTTPException(status_code=409, detail="retro-card-limit")
            if await connection.fetchval(SQL["section"], retro_id, data.section_id) is None:
                raise NotFoundException()
            topic_id, card_id = uuid.uuid4(), uuid.uuid4()
            await connection.execute(SQL["insert_topic"], topic_id, retro_id, now)
            await connection.execute(
                SQL["insert_card"],
                card_id,
                retro_id,
                data.section_id,
                topic_id,
                user_id,
                data.body,
                now,
            )
            version = await connection.fetchval(SQL["bump_version"], retro_id)
            event = {"retroId": str(retro_id), "version": version, "type": "card-added"}
            await connection.execute(SQL["notify"], json.dumps(event, separators=(",", ":")))
        return {
            "id": card_id,
            "sectionId": data.section_id,
            "topicId": topic_id,
            "body": data.body,
            "position": 0,
            "mine": True,
            "createdAt": now,
            "updatedAt": now,
        }

    @post("/api/topics/{topic_id:uuid}/votes", status_code=201)
    async def cast_vote(request: Request[Any, Any, Any], topic_id: UUID) -> dict[str, Any]:
        token, user_id = await signed_in(request)
        if not csrf_token_matches(secret_key, token, request.headers.get("x-csrf-token")):
            raise HTTPException(status_code=403, detail="csrf-rejected")
        now = datetime.now(UTC)
        async with pools[0].acquire() as connection, connection.transaction():
            retro_id = await connection.fetchval(SQL["topic"], topic_id)
            if retro_id is None:
                raise NotFoundException()
            retro = await connection.fetchrow(SQL["vote_retro_for_update"], retro_id)
            if retro is None:
                raise NotFoundException()
            if (
                await connection.fetchval(SQL["membership"], retro["organization_id"], user_id)
                is None
            ):
                raise NotFoundException()
            if retro["phase"] != "vote":
                raise HTTPException(status_code=409, detail="phase-not-allowed")
            mine = [
                row["topic_id"]
                for row in await connection.fetch(SQL["my_votes"], retro_id, user_id)
            ]
            if len(mine) >= retro["vote_budget"]:
                raise HTTPException(status_code=409, detail="vote-budget-exhausted")
            on_topic = mine.count(topic_id)
            if on_topic >= retro["max_votes_per_topic"]:
                raise HTTPException(status_code=409, detail="topic-vote-cap")
            await connection.execute(
                SQL["insert_vote"], uuid.uuid4(), retro_id, topic_id, user_id, now
            )
            version = await connection.fetchval(SQL["bump_version"], retro_id)
            event = {"retroId": str(retro_id), "version": version, "type": "vote-cast"}
            await connection.execute(SQL["notify"], json.dumps(event, separators=(",", ":")))
        return {
            "topicId": topic_id,
            "myVotes": on_topic + 1,
            "remainingVotes": retro["vote_budget"] - len(mine) - 1,
        }

    @get("/api/retros/{retro_id:uuid}")
    async def read_retro(request: Request[Any, Any, Any], retro_id: UUID) -> dict[str, Any]:
        _, user_id = await signed_in(request)
        now = datetime.now(UTC)
        async with pools[0].acquire() as connection, connection.transaction():
            retro = await connection.fetchrow(SQL["retro"], retro_id)
            if retro is None:
                raise NotFoundException()
            role = await connection.fetchval(SQL["membership"], retro["organization_id"], user_id)
            if role is None:
                raise NotFoundException()
            participants = await connection.fetch(SQL["participants"], retro_id)
            if all(p["user_id"] != user_id for p in participants):  # a first read joins
                await connection.execute(SQL["join"], retro_id, user_id, now)
                participants = await connection.fetch(SQL["participants"], retro_id)
            history = await connection.fetch(SQL["history"], retro_id)
            sections = await connection.fetch(SQL["sections"], retro_id)
            topics = await connection.fetch(SQL["topics"], retro_id)
            cards = await connection.fetch(SQL["cards"], retro_id)
        return _retro_view(retro, role, user_id, history, sections, participants, topics, cards)

    return Litestar(
        route_handlers=[add_card, cast_vote, read_retro],
        on_startup=[open_pool],
        on_shutdown=[close_pool],
    )


def _retro_view(
    retro: asyncpg.Record,
    role: str,
    viewer: UUID,
    history: list[asyncpg.Record],
    sections: list[asyncpg.Record],
    participants: list[asyncpg.Record],
    topics: list[asyncpg.Record],
    cards: list[asyncpg.Record],
) -> dict[str, Any]:
    """The read as a member sees it once cards are revealed (``group`` and later)."""
    anonymous = retro["anonymous"]
    by_topic: dict[UUID, list[dict[str, Any]]] = {}
    for card in cards:
        shown: dict[str, Any] = {
            "id": card["id"],
            "sectionId": card["section_id"],
            "body": card["body"],
            "position": card["position"],
            "mine": card["author_id"] == viewer,
            "createdAt": card["created_at"],
        }
        if not anonymous:
            shown["author"] = {"id": card["author_id"], "name": card["name"]}
        by_topic.setdefault(card["topic_id"], []).append(shown)
    steers = retro["facilitator_id"] == viewer or role in ("admin", "owner")
    return {
        "id": retro["id"],
        "boardId": retro["board_id"],
        "title": retro["title"],
        "phase": retro["phase"],
        "version": retro["version"],
        "settings": {
            "voteBudget": retro["vote_budget"],
            "maxVotesPerTopic": retro["max_votes_per_topic"],
            "anonymous": anonymous,
        },
        "facilitatorId": retro["facilitator_id"],
        "youFacilitate": retro["facilitator_id"] == viewer,
        "youMaySteer": steers,
        "phaseHistory": [
            {
                "from": change["from_phase"],
                "to": change["to_phase"],
                "by": change["changed_by"],
                "at": change["changed_at"],
            }
            for change in history
        ],
        "participants": [
            {"id": p["user_id"], "name": p["name"], "joinedAt": p["joined_at"]}
            for p in participants
        ],
        "sections": [
            {
                "id": s["id"],
                "title": s["title"],
                "prompt": s["prompt"],
                "color": s["color"],
                "hiddenCards": 0,
            }
            for s in sections
        ],
        "topics": [
            {"id": t["id"], "title": t["title"], "cards": by_topic.get(t["id"], [])}
            for t in topics
            if t["id"] in by_topic
        ],
    }
