"""CSRF tokens derived from the session: HMAC-SHA256 of the session token under the secret
key. Nothing extra is stored or set; the client reads the token from the sign-in or session
response and sends it back in ``X-CSRF-Token`` on every unsafe request."""

from __future__ import annotations

import base64
import hashlib
import hmac

CSRF_HEADER = "x-csrf-token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
_CONTEXT = b"aluzio-csrf\x00"


def csrf_token(secret_key: bytes, session_token: str) -> str:
    digest = hmac.new(secret_key, _CONTEXT + session_token.encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def csrf_token_matches(secret_key: bytes, session_token: str, presented: str | None) -> bool:
    if not presented:
        return False
    expected = csrf_token(secret_key, session_token)
    return hmac.compare_digest(expected.encode(), presented.encode())
