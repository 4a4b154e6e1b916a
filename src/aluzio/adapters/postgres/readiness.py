from __future__ import annotations

import asyncio
import logging

from sqlalchemy.ext.asyncio import AsyncEngine

from aluzio.adapters.postgres.migrator import current_revisions

logger = logging.getLogger(__name__)


class DatabaseReadiness:
    """Answers whether the database is reachable and migrated to the code's head revisions."""

    def __init__(self, engine: AsyncEngine, heads: frozenset[str], timeout: float = 3.0) -> None:
        self._engine = engine
        self._heads = heads
        self._timeout = timeout

    async def problem(self) -> str | None:
        """None when ready, else a short reason safe to show to an operator."""
        try:
            async with asyncio.timeout(self._timeout):
                current = await current_revisions(self._engine)
        except Exception as exc:  # any failure to reach the database means "not ready"
            logger.warning("readiness: database unreachable: %s", type(exc).__name__)
            return "The database is unreachable."
        if current != self._heads:
            return "The database schema is not at the latest migration."
        return None
