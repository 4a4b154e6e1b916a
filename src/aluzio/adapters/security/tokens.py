from __future__ import annotations

import secrets

from aluzio.domain.accounts.tokens import TOKEN_BYTES


class SecretsTokenGenerator:
    """URL-safe tokens from the operating system's CSPRNG."""

    def new_token(self) -> str:
        return secrets.token_urlsafe(TOKEN_BYTES)
