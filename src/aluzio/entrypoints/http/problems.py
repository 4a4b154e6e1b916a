"""The one place where errors become HTTP responses: RFC 9457 problem details.

Use cases raise domain errors; Litestar raises its own for routing, decoding and validation;
anything else is a bug, logged here with its traceback and answered with a bare 500.
"""

from __future__ import annotations

import logging
from typing import Any

import msgspec
from litestar import Request, Response
from litestar.exceptions import HTTPException, ValidationException
from litestar.status_codes import HTTP_500_INTERNAL_SERVER_ERROR

from aluzio.domain.errors import (
    Conflict,
    DomainError,
    InvalidInput,
    NotAuthenticated,
    NotFound,
    PermissionDenied,
    TooManyAttempts,
)

PROBLEM_MEDIA_TYPE = "application/problem+json"
PROBLEM_TYPE_BASE = "https://aluzio.ai/problems/"

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


def problem_response(
    status: int,
    code: str,
    detail: str | None = None,
    *,
    errors: list[FieldError] | None = None,
    headers: dict[str, str] | None = None,
) -> Response[Problem]:
    title = code.replace("-", " ").capitalize()
    return Response(
        Problem(
            type=PROBLEM_TYPE_BASE + code,
            title=title,
            status=status,
            detail=detail,
            errors=errors,
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
    return problem_response(status, exc.code, exc.message, errors=errors, headers=headers)


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


def unexpected_error_to_response(_: Request[Any, Any, Any], exc: Exception) -> Response[Problem]:
    logger.error("unhandled exception", exc_info=exc)
    return problem_response(500, "internal-error", "An unexpected error occurred.")


EXCEPTION_HANDLERS = {
    DomainError: domain_error_to_response,
    ValidationException: validation_error_to_response,
    HTTPException: http_error_to_response,
    Exception: unexpected_error_to_response,
}
