"""How a JSON request body is read: strictly, and never with a crash.

Litestar decodes the body, then converts it to the handler's ``data`` type with msgspec's lax
rules (``"true"`` becomes ``True``, ``"1"`` becomes ``1``), and lets a body that is not UTF-8
or nests too deeply escape as a 500. :class:`StrictRequest` decodes the body once against the
handler's ``data`` type with msgspec's strict rules, so every one of these is a 400 problem
document with a message that names the field:

- no body at all: "A JSON body is required.";
- bytes that are not UTF-8, or JSON nested deeper than the decoder's recursion limit;
- a value of the wrong type (a string where a boolean belongs), a missing field, a broken
  length or pattern constraint.
"""

from __future__ import annotations

import re
from typing import Any, NoReturn

import msgspec
from litestar import Request
from litestar.exceptions import ClientException, ValidationException
from litestar.serialization import decode_json
from litestar.types import Empty

BODY_REQUIRED = "A JSON body is required."
_MISSING = object()


class StrictRequest(Request[Any, Any, Any]):
    async def json(self) -> Any:
        if self._json is not Empty:
            return self._json
        cached = self._connection_state.json
        if cached is not Empty:
            self._json = cached
            return cached
        body = await self.body()
        target = _data_type(self)
        if target is not _MISSING and not body.strip():
            _body_required()
        try:
            if target is not _MISSING:
                # Strict first: the lax conversion Litestar applies afterwards then changes
                # nothing.
                msgspec.json.decode(body, type=target, strict=True)
            value = decode_json(
                body or b"null", type_decoders=self.route_handler.resolve_type_decoders()
            )
        except msgspec.ValidationError as exc:
            field = _field_of(str(exc))
            message = _plain(str(exc), field)
            raise ValidationException(message, extra=[{"key": field, "message": message}]) from None
        except msgspec.DecodeError as exc:
            raise ClientException(f"JSON is malformed: {exc}") from None
        except UnicodeDecodeError:
            raise ClientException("The request body is not valid UTF-8.") from None
        except RecursionError:
            raise ClientException("The JSON body is nested too deeply.") from None
        self._json = self._connection_state.json = value
        return value


async def require_body(request: Request[Any, Any, Any]) -> None:
    """``before_request`` hook: Litestar skips decoding an empty body, so a route that takes
    one says here that it is missing."""
    if _data_type(request) is not _MISSING and not (await request.body()).strip():
        _body_required()


def _body_required() -> NoReturn:
    raise ValidationException(BODY_REQUIRED, extra=[{"key": "body", "message": BODY_REQUIRED}])


def _data_type(request: Request[Any, Any, Any]) -> Any:
    field = request.route_handler.parsed_data_field
    if field is None:
        return _MISSING
    return field.annotation


_AT_LEAST = re.compile(r"^Expected `str` of length >= (\d+)")
_AT_MOST = re.compile(r"^Expected `str` of length <= (\d+)")
_PATTERN = re.compile(r"^Expected `str` matching regex")


def _plain(message: str, field: str) -> str:
    """msgspec's constraint messages in the words the domain rules use."""
    if found := _AT_LEAST.match(message):
        return f"The {field} must be at least {found[1]} characters long."
    if found := _AT_MOST.match(message):
        return f"The {field} must be at most {found[1]} characters long."
    if message.startswith("Invalid enum value"):
        return f"The {field} does not have an accepted value."
    if _PATTERN.match(message):
        return f"The {field} contains characters that are not allowed."
    return message


def _field_of(message: str) -> str:
    """The camelCase path msgspec names, e.g. ``$.confirmsAdult`` -> ``confirmsAdult``."""
    marker = " - at `$."
    if marker in message:
        return message.split(marker, 1)[1].rstrip("`")
    return "body"
