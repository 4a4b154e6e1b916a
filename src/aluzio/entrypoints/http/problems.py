"""The one place where errors become HTTP responses: RFC 9457 problem details.

Use cases raise domain errors; Litestar raises its own for routing, decoding and validation;
a database that cannot be reached is a 503 with ``Retry-After`` (logged once per outage by the
Postgres adapter, not here); anything else is a bug, logged here with its traceback and
answered with a bare 500.
"""

from __future__ import annotations

import logging
from typing import Any

import msgspec
from litestar import Request, Response
from litestar.exceptions import HTTPException, ValidationException
from litestar.status_codes import HTTP_500_INTERNAL_SERVER_ERROR

from aluzio.adapters.postgres.faults import is_database_unavailable
from aluzio.application.ports.unit_of_work import DatabaseUnavailable
from aluzio.domain.errors import (
    Conflict,
    DomainError,
    InvalidInput,
    NotAuthenticated,
    NotFound,
    PermissionDenied,
    TooManyAttempts,
)
from aluzio.domain.privacy.erasure import SoleOwnerMustHandOver
from aluzio.entrypoints.http.refusals import HttpRefusal

PROBLEM_MEDIA_TYPE = "application/problem+json"
PROBLEM_TYPE_BASE = "https://aluzio.ai/problems/"
# How long a client should wait before trying again while the database is unavailable: the
# pool renews its connections on the first request after the database is back.
DATABASE_RETRY_AFTER_SECONDS = 5

logger = logging.getLogger(__name__)

# Most specific first: the first matching class decides the status.
DOMAIN_STATUS: tuple[tuple[type[DomainError], int], ...] = (
    (InvalidInput, 400),
    (NotAuthenticated, 401),
    (PermissionDenied, 403),
    (NotFound, 404),
    (Conflict, 409),
    (TooManyAttempts, 429),
)

_HTTP_CODES = {
    400: "bad-request",
    401: "not-authenticated",
    403: "forbidden",
    404: "not-found",
    405: "method-not-allowed",
    413: "request-too-large",
    415: "unsupported-media-type",
    429: "too-many-requests",
    503: "service-unavailable",
}


class FieldError(msgspec.Struct):
    field: str
    message: str


class Problem(msgspec.Struct, omit_defaults=True):
    type: str
    title: str
    status: int
    detail: str | None = None
    errors: list[FieldError] | None = None
    # sole-owner-must-hand-over: the slugs of the organizations to hand over first.
    organizations: list[str] | None = None


def problem_response(
    status: int,
    code: str,
    detail: str | None = None,
    *,
    errors: list[FieldError] | None = None,
    headers: dict[str, str] | None = None,
    organizations: list[str] | None = None,
) -> Response[Problem]:
    title = code.replace("-", " ").capitalize()
    return Response(
        Problem(
            type=PROBLEM_TYPE_BASE + code,
            title=title,
            status=status,
            detail=detail,
            errors=errors,
            organizations=organizations,
        ),
        status_code=status,
        media_type=PROBLEM_MEDIA_TYPE,
        headers=headers,
    )


def status_of(error: type[DomainError]) -> int:
    """The HTTP status of a domain error class; a test proves every class has one."""
    return next((code for kind, code in DOMAIN_STATUS if issubclass(error, kind)), 400)


def domain_error_to_response(_: Request[Any, Any, Any], exc: DomainError) -> Response[Problem]:
    status = status_of(type(exc))
    headers: dict[str, str] = {}
    errors = None
    if isinstance(exc, TooManyAttempts):
        headers["Retry-After"] = str(exc.retry_after_seconds)
    if isinstance(exc, InvalidInput) and exc.field is not None:
        errors = [FieldError(field=exc.field, message=exc.message)]
    organizations = None
    if isinstance(exc, SoleOwnerMustHandOver):
        organizations = list(exc.organizations)
    return problem_response(
        status, exc.code, exc.message, errors=errors, headers=headers, organizations=organizations
    )


def refusal_to_response(_: Request[Any, Any, Any], exc: HttpRefusal) -> Response[Problem]:
    return problem_response(exc.status, exc.code, exc.message)


def validation_error_to_response(
    _: Request[Any, Any, Any], exc: ValidationException
) -> Response[Problem]:
    errors = [
        FieldError(
            field=str(item.get("key") or item.get("source") or "body"),
            message=str(item.get("message", "")),
        )
        for item in (exc.extra if isinstance(exc.extra, list) else [])
        if isinstance(item, dict)
    ]
    return problem_response(400, "invalid-request", exc.detail, errors=errors or None)


def http_error_to_response(_: Request[Any, Any, Any], exc: HTTPException) -> Response[Problem]:
    status = exc.status_code
    if status >= HTTP_500_INTERNAL_SERVER_ERROR:
        if status == HTTP_500_INTERNAL_SERVER_ERROR:
            logger.error("internal error", exc_info=exc)
            return problem_response(500, "internal-error", "An unexpected error occurred.")
        return problem_response(status, _HTTP_CODES.get(status, "server-error"), exc.detail)
    return problem_response(
        status,
        _HTTP_CODES.get(status, "client-error"),
        exc.detail,
        headers=dict(exc.headers or {}),
    )


def database_unavailable_to_response(
    _: Request[Any, Any, Any], exc: DatabaseUnavailable
) -> Response[Problem]:
    # Not logged per request: the Postgres adapter logs one line per outage (adapters/postgres/
    # faults.py), instead of a traceback for every request while it lasts.
    return problem_response(
        503,
        "database-unavailable",
        "The service cannot reach its database right now. Try again in a few seconds.",
        headers={"Retry-After": str(DATABASE_RETRY_AFTER_SECONDS)},
    )


def unexpected_error_to_response(
    request: Request[Any, Any, Any], exc: Exception
) -> Response[Problem]:
    if is_database_unavailable(exc):  # met outside a unit of work, e.g. by a pool wait
        return database_unavailable_to_response(request, DatabaseUnavailable())
    logger.error("unhandled exception", exc_info=exc)
    return problem_response(500, "internal-error", "An unexpected error occurred.")


EXCEPTION_HANDLERS = {
    DomainError: domain_error_to_response,
    HttpRefusal: refusal_to_response,
    DatabaseUnavailable: database_unavailable_to_response,
    ValidationException: validation_error_to_response,
    HTTPException: http_error_to_response,
    Exception: unexpected_error_to_response,
}
