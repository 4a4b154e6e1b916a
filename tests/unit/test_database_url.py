from __future__ import annotations

import pytest

from aluzio.adapters.postgres.database import to_asyncpg_dsn, to_sqlalchemy_url


def test_fly_style_url_is_translated_for_asyncpg() -> None:
    url = to_sqlalchemy_url("postgres://user:pw@app-db.flycast:5432/app?sslmode=disable")
    assert url == "postgresql+asyncpg://user:pw@app-db.flycast:5432/app?ssl=disable"
    assert to_asyncpg_dsn(url).startswith("postgresql://user:pw@")


def test_non_postgres_url_is_refused() -> None:
    with pytest.raises(ValueError, match="postgres"):
        to_sqlalchemy_url("mysql://x/y")
