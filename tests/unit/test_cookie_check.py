"""The suite-wide cookie check itself can fail."""

from __future__ import annotations

import httpx
import pytest

from tests.support.cookies import check_cookies


def response_with(cookie: str) -> httpx.Response:
    request = httpx.Request("GET", "https://aluzio.test/")
    return httpx.Response(200, headers=[("set-cookie", cookie)], request=request)


def test_our_cookie_passes() -> None:
    check_cookies(response_with("_aluzio_key=abc; HttpOnly; Path=/"))


def test_any_other_cookie_fails() -> None:
    with pytest.raises(AssertionError, match="csrftoken"):
        check_cookies(response_with("csrftoken=abc; Path=/"))
