"""The composition root: ``create_app(settings)`` wires adapters into a Litestar app."""

from __future__ import annotations

from litestar import Litestar
from litestar.di import Provide

from aluzio.adapters.postgres.readiness import DatabaseReadiness
from aluzio.application.accounts.ports import PasswordHasher
from aluzio.application.boards.context import BoardsContext
from aluzio.application.organizations.context import OrganizationsContext
from aluzio.application.ports.clock import Clock
from aluzio.application.privacy.context import PrivacyContext
from aluzio.application.realtime.hub import LiveLimits
from aluzio.application.realtime.live import LiveContext
from aluzio.application.retros.context import RetrosContext
from aluzio.entrypoints.container import build_container
from aluzio.entrypoints.http.auth.controllers import AuthController, MeController
from aluzio.entrypoints.http.auth.cookies import SessionCookies
from aluzio.entrypoints.http.auth.dependencies import account_dependencies
from aluzio.entrypoints.http.auth.middleware import SessionMiddleware
from aluzio.entrypoints.http.boards.controllers import BoardsController
from aluzio.entrypoints.http.docs import docs_assets_router, openapi_config
from aluzio.entrypoints.http.edge import edge_options, install_edge_middleware
from aluzio.entrypoints.http.health import HealthController
from aluzio.entrypoints.http.openapi import ContractPlugin
from aluzio.entrypoints.http.organizations.controllers import (
    InvitationsController,
    OrganizationsController,
)
from aluzio.entrypoints.http.privacy.controllers import PolicyController
from aluzio.entrypoints.http.problems import EXCEPTION_HANDLERS
from aluzio.entrypoints.http.realtime import retro_live
from aluzio.entrypoints.http.requests import StrictRequest, require_body
from aluzio.entrypoints.http.retros.controllers import (
    BoardRetrosController,
    CardsController,
    RetrosController,
    TopicsController,
)
from aluzio.entrypoints.http.retros.discussion import (
    ActionItemsController,
    BoardActionItemsController,
    MyActionItemsController,
    NotesController,
    RetroDecisionsController,
    TopicNotesController,
)
from aluzio.entrypoints.http.retros.steering import SteeringController
from aluzio.entrypoints.http.retros.votes import VotesController
from aluzio.entrypoints.settings import Settings

API_TITLE = "Aluzio API"
API_VERSION = "0.1.0"
STATE_KEY = "container"


def create_app(
    settings: Settings,
    *,
    clock: Clock | None = None,
    password_hasher: PasswordHasher | None = None,
    live_limits: LiveLimits | None = None,
) -> Litestar:
    """Build the web application for ``settings``; nothing is connected until start-up."""
    container = build_container(
        settings, clock=clock, password_hasher=password_hasher, live_limits=live_limits
    )
    # The cookie's Secure attribute is decided here, once, for every response that sets it.
    cookies = SessionCookies(secure=not settings.dev_mode)
    # Accounts: the Origin check, the actor from the session cookie and the CSRF check run
    # before every /api handler and WebSocket handshake.
    session_middleware = SessionMiddleware(
        container.accounts,
        allowed_origins=settings.allowed_origins,
        base_url=settings.base_url,
        cookies=cookies,
    )

    def provide_readiness() -> DatabaseReadiness:
        return container.readiness

    def provide_organizations() -> OrganizationsContext:
        return container.organizations

    def provide_boards() -> BoardsContext:
        return container.boards

    def provide_retros() -> RetrosContext:
        return container.retros

    def provide_privacy() -> PrivacyContext:
        return container.privacy

    def provide_live() -> LiveContext:
        return container.live

    docs = [docs_assets_router()] if settings.api_docs_ui else []
    app = Litestar(
        route_handlers=[
            HealthController,
            AuthController,
            MeController,
            OrganizationsController,
            InvitationsController,
            BoardsController,
            BoardRetrosController,
            RetrosController,
            CardsController,
            TopicsController,
            VotesController,
            SteeringController,
            TopicNotesController,
            NotesController,
            RetroDecisionsController,
            ActionItemsController,
            BoardActionItemsController,
            MyActionItemsController,
            PolicyController,
            retro_live,
            *docs,
        ],
        middleware=[session_middleware],
        dependencies={
            "readiness": Provide(provide_readiness, sync_to_thread=False),
            "organizations": Provide(provide_organizations, sync_to_thread=False),
            "boards": Provide(provide_boards, sync_to_thread=False),
            "retros": Provide(provide_retros, sync_to_thread=False),
            "privacy": Provide(provide_privacy, sync_to_thread=False),
            "live": Provide(provide_live, sync_to_thread=False),
            **account_dependencies(container.accounts, cookies, trust_proxy=settings.trust_proxy),
        },
        exception_handlers=EXCEPTION_HANDLERS,  # type: ignore[arg-type]
        # The contract plugin documents what every route shares (openapi.py).
        plugins=[ContractPlugin()],
        openapi_config=openapi_config(
            title=API_TITLE, version=API_VERSION, docs_ui=settings.api_docs_ui
        ),
        request_class=StrictRequest,
        before_request=require_body,
        request_max_body_size=settings.max_request_body_bytes,
        on_shutdown=[container.close],
        state={STATE_KEY: container},  # type: ignore[arg-type]
        debug=False,
        **edge_options(settings),
    )
    install_edge_middleware(app, settings)
    return app


def create_app_from_env() -> Litestar:
    """Factory for ASGI servers (``uvicorn --factory``): settings from the environment."""
    return create_app(Settings.from_env())
