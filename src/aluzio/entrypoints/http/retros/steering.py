"""Steering routes: the discussion cursor and the facilitator's countdown."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated
from uuid import UUID

import msgspec
from litestar import Controller, delete, post, put
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody
from litestar.status_codes import HTTP_204_NO_CONTENT

from aluzio.application.actor import UserActor
from aluzio.application.retros import steering
from aluzio.application.retros.context import RetrosContext
from aluzio.application.retros.steering import Steered
from aluzio.domain.accounts.errors import EmailNotVerified
from aluzio.domain.errors import InvalidInput
from aluzio.domain.retros.errors import (
    NotFacilitator,
    PhaseNotAllowed,
    RetroClosed,
    RetroNotFound,
    TopicNotFound,
)
from aluzio.domain.retros.timer import MAX_TIMER_SECONDS, MIN_TIMER_SECONDS
from aluzio.entrypoints.http.openapi import problems
from aluzio.entrypoints.http.retros.controllers import NO_STORE
from aluzio.entrypoints.http.schema import WireStruct

Retros = NamedDependency[RetrosContext]
Auth = NamedDependency[UserActor]
_STEERING = (RetroNotFound, EmailNotVerified, RetroClosed, PhaseNotAllowed, NotFacilitator)
TimerSeconds = Annotated[int, msgspec.Meta(ge=MIN_TIMER_SECONDS, le=MAX_TIMER_SECONDS)]


class DiscussionRequest(WireStruct):
    topic_id: UUID


class TimerRequest(WireStruct):
    seconds: TimerSeconds


class SteeredBody(WireStruct):
    """Where the retro stands: its new version, the topic under discussion, and when the
    countdown ends (server time; null when none runs)."""

    version: int
    discussion_topic_id: UUID | None
    timer_ends_at: datetime | None

    @classmethod
    def of(cls, steered: Steered) -> SteeredBody:
        return cls(
            version=steered.version,
            discussion_topic_id=steered.discussion_topic_id,
            timer_ends_at=steered.timer_ends_at,
        )


class SteeringController(Controller):
    path = "/api/retros/{retro_id:uuid}"
    tags = ["retros"]  # noqa: RUF012  (Litestar declares it as an instance attribute)
    cache_control = NO_STORE

    @post(
        "/discussion",
        operation_id="moveDiscussion",
        responses=problems(TopicNotFound, *_STEERING),
        status_code=200,
        summary="Point everyone at a topic, in discuss (facilitator, admins, owners).",
    )
    async def move_discussion(
        self,
        retro_id: FromPath[UUID],
        data: JSONBody[DiscussionRequest],
        retros: Retros,
        auth: Auth,
    ) -> SteeredBody:
        moved = await steering.move_discussion(retros, auth, retro_id, data.topic_id)
        return SteeredBody.of(moved)

    @put(
        "/timer",
        operation_id="setTimer",
        responses=problems(InvalidInput, *_STEERING),
        summary="Start or restart a countdown of 10 to 3600 seconds (facilitator, admins, owners).",
    )
    async def set_timer(
        self,
        retro_id: FromPath[UUID],
        data: JSONBody[TimerRequest],
        retros: Retros,
        auth: Auth,
    ) -> SteeredBody:
        return SteeredBody.of(await steering.set_timer(retros, auth, retro_id, data.seconds))

    @delete(
        "/timer",
        operation_id="clearTimer",
        responses=problems(*_STEERING),
        status_code=HTTP_204_NO_CONTENT,
        summary="Stop the countdown (facilitator, admins, owners).",
    )
    async def clear_timer(self, retro_id: FromPath[UUID], retros: Retros, auth: Auth) -> None:
        await steering.clear_timer(retros, auth, retro_id)
