"""The one cookie the service sets: ``_aluzio_key``, an opaque session token.

HttpOnly, Secure (except in ``aluzio dev`` over plain http), SameSite=Lax, Path=/, no Domain,
and neither Expires nor Max-Age, so the browser drops it when it closes. The server ends it
earlier on idle or absolute timeout.
"""

from __future__ import annotations

from litestar.datastructures import Cookie

SESSION_COOKIE = "_aluzio_key"
# secrets.token_urlsafe(32) is 43 characters; anything much longer is not ours.
MAX_TOKEN_LENGTH = 128


def session_cookie(token: str, *, secure: bool) -> Cookie:
    return Cookie(
        key=SESSION_COOKIE,
        value=token,
        path="/",
        domain=None,
        max_age=None,
        expires=None,
        secure=secure,
        httponly=True,
        samesite="lax",
    )


class SessionCookies:
    """The cookie's attributes, decided once in the composition root: ``Secure`` everywhere
    except under ``aluzio dev``."""

    def __init__(self, *, secure: bool) -> None:
        self.secure = secure

    def issue(self, token: str) -> Cookie:
        return session_cookie(token, secure=self.secure)

    def cleared(self) -> Cookie:
        return cleared_session_cookie(secure=self.secure)


def cleared_session_cookie(*, secure: bool) -> Cookie:
    return Cookie(
        key=SESSION_COOKIE,
        value="",
        path="/",
        domain=None,
        max_age=0,
        expires=0,
        secure=secure,
        httponly=True,
        samesite="lax",
    )
