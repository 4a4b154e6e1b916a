"""Retro, card and topic routes: thin translations between HTTP and the retro use cases.

Every route reaches its use case, which checks membership of the retro's organization first
(``application/retros/access.py``) and answers what the caller may see through the
visibility rule; nothing here decides who may do or see what.
"""

from __future__ import annotations

from uuid import UUID

from litestar import Controller, delete, get, patch, post
from litestar.datastructures import CacheControlHeader
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody
from litestar.status_codes import HTTP_204_NO_CONTENT

from aluzio.application.actor import UserActor
from aluzio.application.pagination import Page
from aluzio.application.retros import cards, reading
from aluzio.application.retros import retros as _retros
from aluzio.application.retros.context import RetrosContext
from aluzio.application.retros.retros import KEEP
from aluzio.domain.accounts.errors import EmailNotVerified
from aluzio.domain.boards.errors import BoardNotFound, SectionNotFound
from aluzio.domain.errors import InvalidInput
from aluzio.domain.organizations.errors import MemberNotFound
from aluzio.domain.retros.errors import (
    CardNotFound,
    NotCardAuthor,
    NotFacilitator,
    PhaseNotAllowed,
    RetroCardLimit,
    RetroClosed,
    RetroNotFound,
    TopicNotFound,
)
from aluzio.domain.retros.model import Phase
from aluzio.entrypoints.http.openapi import problems
from aluzio.entrypoints.http.pagination import Limit, Offset
from aluzio.entrypoints.http.retros.schemas import (
    AddCardRequest,
    CardBody,
    CreateRetroRequest,
    EditCardRequest,
    FacilitatorRequest,
    MoveCardRequest,
    PhaseRequest,
    RetroBody,
    RetroList,
    RetroSummaryBody,
    TopicBody,
    TopicRequest,
    UpdateRetroRequest,
)

NO_STORE = CacheControlHeader(no_store=True)
Retros = NamedDependency[RetrosContext]
Auth = NamedDependency[UserActor]
RETRO = "/{retro_id:uuid}"
# What steering a retro may meet, besides its own refusals.
_STEERING = (RetroNotFound, EmailNotVerified, RetroClosed, NotFacilitator)
_WRITING = (CardNotFound, EmailNotVerified, RetroClosed, PhaseNotAllowed)


class BoardRetrosController(Controller):
    path = "/api/boards/{board_id:uuid}/retros"
    tags = ["retros"]  # noqa: RUF012  (Litestar declares it as an instance attribute)
    cache_control = NO_STORE

    @post(
        operation_id="createRetro",
        responses=problems(InvalidInput, BoardNotFound, EmailNotVerified),
        status_code=201,
        summary="Open a retro on the board, in draft; the caller facilitates it.",
    )
    async def create(
        self,
        board_id: FromPath[UUID],
        data: JSONBody[CreateRetroRequest],
        retros: Retros,
        auth: Auth,
    ) -> RetroSummaryBody:
        created = await _retros.create_retro(
            retros,
            auth,
            board_id,
            title=data.title,
            vote_budget=data.vote_budget,
            max_votes_per_topic=data.max_votes_per_topic,
            anonymous=data.anonymous,
        )
        return RetroSummaryBody.of(created)

    @get(
        operation_id="listRetros",
        responses=problems(BoardNotFound),
        summary="The board's retros, newest first, with their phases' times.",
    )
    async def list_of_board(
        self,
        board_id: FromPath[UUID],
        retros: Retros,
        auth: Auth,
        limit: Limit = Page.DEFAULT_LIMIT,
        offset: Offset = 0,
    ) -> RetroList:
        found = await _retros.list_retros(retros, auth, board_id, Page(limit=limit, offset=offset))
        return RetroList(
            items=[RetroSummaryBody.of(s) for s in found.items],
            total=found.total,
            limit=limit,
            offset=offset,
        )


class RetrosController(Controller):
    path = "/api/retros"
    tags = ["retros"]  # noqa: RUF012
    cache_control = NO_STORE

    @get(
        RETRO,
        operation_id="getRetro",
        responses=problems(RetroNotFound),
        summary="The retro as the caller may see it; the first read makes them a participant.",
    )
    async def get_one(self, retro_id: FromPath[UUID], retros: Retros, auth: Auth) -> RetroBody:
        return RetroBody.of(await reading.get_retro(retros, auth, retro_id))

    @patch(
        RETRO,
        operation_id="updateRetro",
        responses=problems(InvalidInput, PhaseNotAllowed, *_STEERING),
        summary="Change the title and settings, in draft (facilitator, admins, owners).",
    )
    async def update(
        self,
        retro_id: FromPath[UUID],
        data: JSONBody[UpdateRetroRequest],
        retros: Retros,
        auth: Auth,
    ) -> RetroSummaryBody:
        changed = await _retros.update_retro(
            retros,
            auth,
            retro_id,
            title=KEEP if data.title is None else data.title,
            vote_budget=KEEP if data.vote_budget is None else data.vote_budget,
            max_votes_per_topic=(
                KEEP if data.max_votes_per_topic is None else data.max_votes_per_topic
            ),
            anonymous=KEEP if data.anonymous is None else data.anonymous,
        )
        return RetroSummaryBody.of(changed)

    @delete(
        RETRO,
        operation_id="deleteRetro",
        responses=problems(*_STEERING),
        status_code=HTTP_204_NO_CONTENT,
        summary="Delete the retro and everything in it (facilitator, admins, owners).",
    )
    async def delete_one(self, retro_id: FromPath[UUID], retros: Retros, auth: Auth) -> None:
        await _retros.delete_retro(retros, auth, retro_id)

    @post(
        RETRO + "/phase",
        operation_id="changeRetroPhase",
        responses=problems(PhaseNotAllowed, *_STEERING),
        status_code=200,
        summary="Move the retro one phase forward, or back one from group, vote or discuss.",
    )
    async def change_phase(
        self, retro_id: FromPath[UUID], data: JSONBody[PhaseRequest], retros: Retros, auth: Auth
    ) -> RetroSummaryBody:
        changed = await _retros.change_phase(retros, auth, retro_id, Phase(data.to))
        return RetroSummaryBody.of(changed)

    @post(
        RETRO + "/facilitator",
        operation_id="handOverFacilitation",
        responses=problems(MemberNotFound, *_STEERING),
        status_code=200,
        summary="Make another member of the organization the facilitator.",
    )
    async def hand_over(
        self,
        retro_id: FromPath[UUID],
        data: JSONBody[FacilitatorRequest],
        retros: Retros,
        auth: Auth,
    ) -> RetroSummaryBody:
        changed = await _retros.hand_over(retros, auth, retro_id, data.user_id)
        return RetroSummaryBody.of(changed)

    @post(
        RETRO + "/cards",
        operation_id="addCard",
        responses=problems(
            InvalidInput,
            RetroNotFound,
            SectionNotFound,
            EmailNotVerified,
            RetroClosed,
            PhaseNotAllowed,
            RetroCardLimit,
        ),
        status_code=201,
        summary="Write a card, in reflect or group; it starts in a topic of its own.",
    )
    async def add_card(
        self,
        retro_id: FromPath[UUID],
        data: JSONBody[AddCardRequest],
        retros: Retros,
        auth: Auth,
    ) -> CardBody:
        card = await cards.add_card(retros, auth, retro_id, data.section_id, data.body)
        return CardBody.of(card)


class CardsController(Controller):
    path = "/api/cards/{card_id:uuid}"
    tags = ["retros"]  # noqa: RUF012
    cache_control = NO_STORE

    @patch(
        operation_id="editCard",
        responses=problems(InvalidInput, NotCardAuthor, *_WRITING),
        summary="Rewrite a card (its author, in reflect or group).",
    )
    async def edit(
        self,
        card_id: FromPath[UUID],
        data: JSONBody[EditCardRequest],
        retros: Retros,
        auth: Auth,
    ) -> CardBody:
        return CardBody.of(await cards.edit_card(retros, auth, card_id, data.body))

    @delete(
        operation_id="deleteCard",
        responses=problems(NotCardAuthor, *_WRITING),
        status_code=HTTP_204_NO_CONTENT,
        summary="Delete a card (its author, in reflect or group).",
    )
    async def delete_one(self, card_id: FromPath[UUID], retros: Retros, auth: Auth) -> None:
        await cards.delete_card(retros, auth, card_id)

    @post(
        "/move",
        operation_id="moveCard",
        responses=problems(TopicNotFound, *_WRITING),
        status_code=200,
        summary="Move a card into a topic, or (topicId null) into one of its own; in group.",
    )
    async def move(
        self,
        card_id: FromPath[UUID],
        data: JSONBody[MoveCardRequest],
        retros: Retros,
        auth: Auth,
    ) -> CardBody:
        moved = await cards.move_card(retros, auth, card_id, data.topic_id, data.position)
        return CardBody.of(moved)


class TopicsController(Controller):
    path = "/api/topics/{topic_id:uuid}"
    tags = ["retros"]  # noqa: RUF012
    cache_control = NO_STORE

    @patch(
        operation_id="renameTopic",
        responses=problems(
            InvalidInput, TopicNotFound, EmailNotVerified, RetroClosed, PhaseNotAllowed
        ),
        summary="Name a topic (any participant, in group); a blank title clears it.",
    )
    async def rename(
        self,
        topic_id: FromPath[UUID],
        data: JSONBody[TopicRequest],
        retros: Retros,
        auth: Auth,
    ) -> TopicBody:
        return TopicBody.of(await cards.rename_topic(retros, auth, topic_id, data.title))
