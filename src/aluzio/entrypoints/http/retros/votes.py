"""Vote routes: cast and take back one vote on a topic, in vote."""

from __future__ import annotations

from uuid import UUID

from litestar import Controller, delete, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.status_codes import HTTP_204_NO_CONTENT

from aluzio.application.actor import UserActor
from aluzio.application.retros import votes
from aluzio.application.retros.context import RetrosContext
from aluzio.application.retros.votes import MyVotes
from aluzio.domain.accounts.errors import EmailNotVerified
from aluzio.domain.retros.errors import (
    NoVoteToWithdraw,
    PhaseNotAllowed,
    RetroClosed,
    TopicNotFound,
    TopicVoteCap,
    VoteBudgetExhausted,
)
from aluzio.entrypoints.http.openapi import problems
from aluzio.entrypoints.http.retros.controllers import NO_STORE
from aluzio.entrypoints.http.schema import WireStruct

Retros = NamedDependency[RetrosContext]
Auth = NamedDependency[UserActor]
_VOTING = (TopicNotFound, EmailNotVerified, RetroClosed, PhaseNotAllowed)


class MyVotesBody(WireStruct):
    """The caller's votes on the topic and their votes left in the retro (never anyone
    else's)."""

    topic_id: UUID
    my_votes: int
    remaining_votes: int

    @classmethod
    def of(cls, mine: MyVotes) -> MyVotesBody:
        return cls(
            topic_id=mine.topic_id,
            my_votes=mine.my_votes,
            remaining_votes=mine.remaining_votes,
        )


class VotesController(Controller):
    path = "/api/topics/{topic_id:uuid}/votes"
    tags = ["retros"]  # noqa: RUF012  (Litestar declares it as an instance attribute)
    cache_control = NO_STORE

    @post(
        operation_id="castVote",
        responses=problems(*_VOTING, VoteBudgetExhausted, TopicVoteCap),
        status_code=201,
        summary="Put one of your votes on the topic, in vote (within budget and cap).",
    )
    async def cast(self, topic_id: FromPath[UUID], retros: Retros, auth: Auth) -> MyVotesBody:
        return MyVotesBody.of(await votes.cast_vote(retros, auth, topic_id))

    @delete(
        operation_id="withdrawVote",
        responses=problems(*_VOTING, NoVoteToWithdraw),
        status_code=HTTP_204_NO_CONTENT,
        summary="Take back one of your votes on the topic (the latest), in vote.",
    )
    async def withdraw(self, topic_id: FromPath[UUID], retros: Retros, auth: Auth) -> None:
        await votes.withdraw_vote(retros, auth, topic_id)
