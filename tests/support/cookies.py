"""The service sets one cookie only, ``_aluzio_key``: every HTTP response the suite sees is
checked (installed for every test by ``tests/conftest.py``)."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

ALLOWED_COOKIES = frozenset({"_aluzio_key"})


def check_cookies(response: httpx.Response) -> None:
    for header in response.headers.get_list("set-cookie"):
        name = header.split("=", 1)[0].strip()
        assert name in ALLOWED_COOKIES, f"{response.request.url} set cookie {name!r}"


def install_cookie_check(monkeypatch: pytest.MonkeyPatch) -> None:
    async_send = httpx.AsyncClient.send
    sync_send = httpx.Client.send

    async def checked_async_send(self: httpx.AsyncClient, *args: Any, **kwargs: Any) -> Any:
        response = await async_send(self, *args, **kwargs)
        check_cookies(response)
        return response

    def checked_sync_send(self: httpx.Client, *args: Any, **kwargs: Any) -> Any:
        response = sync_send(self, *args, **kwargs)
        check_cookies(response)
        return response

    monkeypatch.setattr(httpx.AsyncClient, "send", checked_async_send)
    monkeypatch.setattr(httpx.Client, "send", checked_sync_send)
