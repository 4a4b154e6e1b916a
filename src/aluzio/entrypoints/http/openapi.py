"""The published API contract: every status an operation can answer, from one place.

Controllers declare only what their use case may refuse (``responses=problems(...)`` with the
domain errors, mapped to statuses by :mod:`aluzio.entrypoints.http.problems`). Everything
routes share is added to every operation as it is registered, by :class:`ContractPlugin`:

- every operation may fail with 500; every route under ``/api`` reads the session table, so
  it may answer 503 (database unavailable) and 403 (a foreign ``Origin``);
- an operation with a body or parameters may answer 400 (malformed or invalid input), one
  with a body 413 (larger than ``ALUZIO_MAX_REQUEST_BODY_BYTES``);
- an operation that depends on ``auth`` may answer 401 and needs the session cookie; when
  it changes something (POST, PUT, PATCH, DELETE) it also needs the ``X-CSRF-Token`` header
  (403 without it); ``verified_auth`` adds 403 ``email-not-verified``;
- 202 and 204 are documented with no body and no content type when the handler sends none
  (a 202 that answers with a document keeps its schema);
- an operation open to anonymous callers says so (``security: [{}]``), so every operation
  states its security requirement.

Every error is the one :class:`~aluzio.entrypoints.http.problems.Problem` schema with the
content type ``application/problem+json``; the description lists its problem types.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from types import NoneType

from litestar import Response
from litestar.handlers import HTTPRouteHandler
from litestar.openapi.datastructures import ResponseSpec
from litestar.openapi.spec import (
    Components,
    OpenAPIHeader,
    OpenAPIResponse,
    OpenAPIType,
    Operation,
    Schema,
    SecurityRequirement,
    SecurityScheme,
)
from litestar.plugins import ReceiveRoutePlugin
from litestar.routes import BaseRoute, HTTPRoute

from aluzio.domain.accounts.errors import EmailNotVerified
from aluzio.domain.errors import DomainError, NotAuthenticated, TooManyAttempts
from aluzio.entrypoints.http.problems import (
    PROBLEM_MEDIA_TYPE,
    PROBLEM_TYPE_BASE,
    Problem,
    status_of,
)
from aluzio.entrypoints.http.refusals import CsrfRejected, OriginNotAllowed

API_PREFIX = "/api"
SESSION_SCHEME = "sessionCookie"
CSRF_SCHEME = "csrfHeader"
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
EMPTY_STATUSES = frozenset({202, 204})

SECURITY_SCHEMES: dict[str, SecurityScheme] = {
    SESSION_SCHEME: SecurityScheme(
        type="apiKey",
        name="_aluzio_key",
        security_scheme_in="cookie",
        description="The session cookie set by register and login (HttpOnly; a browser "
        "sends it by itself).",
    ),
    CSRF_SCHEME: SecurityScheme(
        type="apiKey",
        name="X-CSRF-Token",
        security_scheme_in="header",
        description="The `csrfToken` from login or `GET /api/auth/session`; required on every "
        "POST, PUT, PATCH and DELETE of a signed-in session.",
    ),
}

# Problem types the HTTP layer itself produces, by status (see problems.py).
_SHARED_TYPES: Mapping[int, tuple[str, ...]] = {
    400: ("invalid-request", "bad-request"),
    401: (NotAuthenticated.code,),
    403: (OriginNotAllowed.code,),
    413: ("request-too-large",),
    429: (TooManyAttempts.code,),
    500: ("internal-error",),
    503: ("service-unavailable",),
}

_DESCRIPTIONS: Mapping[int, str] = {
    400: "The request is malformed or breaks a rule.",
    401: "Sign in first.",
    403: "Refused.",
    404: "Not found.",
    409: "Conflicts with existing data.",
    413: "The request body is too large.",
    429: "Too many attempts; retry after `Retry-After` seconds.",
    500: "An unexpected error.",
    503: "A dependency (the database) is unavailable; retry, after `Retry-After` seconds when "
    "it is sent.",
}


def _problem_spec(status: int, codes: Iterable[str]) -> ResponseSpec:
    listed = ", ".join(f"`{PROBLEM_TYPE_BASE}{code}`" for code in sorted(set(codes)))
    return ResponseSpec(
        data_container=Problem,
        media_type=PROBLEM_MEDIA_TYPE,
        description=f"{_DESCRIPTIONS.get(status, 'Refused.')} Problem types: {listed}.",
        generate_examples=False,
    )


def _empty_spec(status: int) -> ResponseSpec:
    text = "Accepted: the work happens later." if status == 202 else "Done; no content."
    return ResponseSpec(data_container=None, description=text, generate_examples=False)


class _Problems(dict[int, ResponseSpec]):
    """``responses=`` of an operation, remembering the problem types behind each status."""

    def __init__(self, codes: Mapping[int, Iterable[str]]) -> None:
        self.codes: dict[int, set[str]] = {status: set(found) for status, found in codes.items()}
        super().__init__({status: _problem_spec(status, found) for status, found in codes.items()})


def problems(*errors: type[DomainError]) -> dict[int, ResponseSpec]:
    """The ``responses=`` of an operation whose use case may raise ``errors``."""
    codes: dict[int, set[str]] = {}
    for error in errors:
        codes.setdefault(status_of(error), set()).add(error.code)
    return _Problems(codes)


def shared_problem_codes(handler: HTTPRouteHandler, path: str) -> dict[int, set[str]]:
    """The statuses (and problem types) every operation like ``handler`` at ``path`` shares."""
    methods = {method.upper() for method in handler.http_methods}
    parameters = handler.parsed_fn_signature.parameters
    codes: dict[int, set[str]] = {500: set(_SHARED_TYPES[500])}

    def add(status: int, *found: str) -> None:
        codes.setdefault(status, set()).update(found or _SHARED_TYPES[status])

    api = path == API_PREFIX or path.startswith(API_PREFIX + "/")
    if api:
        add(403)
        add(503)
        if methods & UNSAFE_METHODS:
            # A signed-in browser must send the CSRF header on every unsafe API request.
            add(403, CsrfRejected.code)
    if "readiness" in parameters:
        add(503)
    if "data" in parameters:
        add(400)
        add(413)
    elif set(parameters) - _RESERVED_KWARGS - set(handler.resolve_dependencies()):
        # Path, query or header parameters can be malformed too.
        add(400, "invalid-request")
    if _needs_session(handler):
        add(401)
    if "verified_auth" in parameters:
        add(403, EmailNotVerified.code)
    return codes


_RESERVED_KWARGS = frozenset({"request", "scope", "state", "headers", "cookies", "query", "body"})


def _needs_session(handler: HTTPRouteHandler) -> bool:
    parameters = handler.parsed_fn_signature.parameters
    return "auth" in parameters or "verified_auth" in parameters


def _sends_a_body(handler: HTTPRouteHandler) -> bool:
    """Whether the handler answers with a document (``Response[bytes]`` is how an empty
    answer with headers of its own is written)."""
    returned = handler.parsed_fn_signature.return_type
    if returned.is_subclass_of(Response) and returned.inner_types:
        returned = returned.inner_types[0]
    return returned.annotation not in (None, NoneType, bytes)


def document(handler: HTTPRouteHandler, path: str) -> None:
    """Complete ``handler``'s documented responses and security requirements."""
    if not handler.include_in_schema:
        return
    declared = handler.responses or {}
    codes = shared_problem_codes(handler, path)
    for status, found in getattr(declared, "codes", {}).items():
        codes.setdefault(status, set()).update(found)
    responses: dict[int, ResponseSpec] = dict(declared)
    for status, found in codes.items():
        responses[status] = _problem_spec(status, found)
    if handler.status_code in EMPTY_STATUSES and not _sends_a_body(handler):
        responses[handler.status_code] = _empty_spec(handler.status_code)
    handler.responses = responses
    if not issubclass(handler.operation_class, ProblemOperation):
        handler.operation_class = ProblemOperation
    unsafe = bool({method.upper() for method in handler.http_methods} & UNSAFE_METHODS)
    signed_in: SecurityRequirement = (
        {SESSION_SCHEME: [], CSRF_SCHEME: []} if unsafe else {SESSION_SCHEME: []}
    )
    if _needs_session(handler):
        handler.security = [signed_in]
    elif unsafe and (path == API_PREFIX or path.startswith(API_PREFIX + "/")):
        # Anonymous, or signed in with the CSRF header.
        handler.security = [{}, signed_in]
    else:
        handler.security = [{}]


# 429 always says how long to wait; 503 says it when the wait is known.
_RETRY_AFTER_REQUIRED = {"429": True, "503": False}


@dataclass
class ProblemOperation(Operation):
    """An operation whose 429 and 503 responses document the ``Retry-After`` header."""

    def __post_init__(self) -> None:
        for status, required in _RETRY_AFTER_REQUIRED.items():
            response = (self.responses or {}).get(status)
            if isinstance(response, OpenAPIResponse):
                response.headers = {
                    **(response.headers or {}),
                    "Retry-After": OpenAPIHeader(
                        schema=Schema(type=OpenAPIType.INTEGER, minimum=1),
                        description="Seconds to wait before trying again.",
                        required=required,
                    ),
                }


class ContractPlugin(ReceiveRoutePlugin):
    """Documents the shared statuses of every route as the app registers it, so a new route
    cannot forget them."""

    __slots__ = ()

    def receive_route(self, route: BaseRoute) -> None:
        if not isinstance(route, HTTPRoute):
            return
        for handler in route.route_handlers:
            document(handler, route.path)


def openapi_components() -> Components:
    return Components(security_schemes=dict(SECURITY_SCHEMES))
