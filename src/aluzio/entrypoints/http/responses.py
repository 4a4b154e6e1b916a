"""Responses with no body: no content type is claimed for nothing."""

from __future__ import annotations

from typing import Any

from litestar import Response
from litestar.response.base import ASGIResponse
from litestar.status_codes import HTTP_202_ACCEPTED


class EmptyResponse(Response[bytes]):
    """A response with an empty body and no ``Content-Type`` (202 Accepted by default)."""

    def __init__(self, status_code: int = HTTP_202_ACCEPTED, **kwargs: Any) -> None:
        super().__init__(b"", status_code=status_code, **kwargs)

    def to_asgi_response(self, *args: Any, **kwargs: Any) -> ASGIResponse:
        response = super().to_asgi_response(*args, **kwargs)
        del response.headers["content-type"]
        return response
