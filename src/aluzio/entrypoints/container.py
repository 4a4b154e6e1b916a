"""The object graph of one running service, built from settings in one place."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from aluzio.adapters.clock import SystemClock
from aluzio.adapters.mail.templates import FileMailTemplates
from aluzio.adapters.postgres.database import create_engine, create_session_factory
from aluzio.adapters.postgres.mappers import configure_mappers
from aluzio.adapters.postgres.migrator import head_revisions
from aluzio.adapters.postgres.readiness import DatabaseReadiness
from aluzio.adapters.postgres.unit_of_work import PostgresUnitOfWork
from aluzio.application.ports.clock import Clock
from aluzio.application.ports.mail import MailTemplates
from aluzio.entrypoints.settings import Settings


@dataclass(frozen=True, slots=True)
class Container:
    settings: Settings
    engine: AsyncEngine
    session_factory: async_sessionmaker[AsyncSession]
    clock: Clock
    mail_templates: MailTemplates
    readiness: DatabaseReadiness

    def unit_of_work(self) -> PostgresUnitOfWork:
        return PostgresUnitOfWork(self.session_factory)

    async def close(self) -> None:
        await self.engine.dispose()


def build_container(settings: Settings, *, clock: Clock | None = None) -> Container:
    configure_mappers()
    engine = create_engine(
        settings.require_database_url(),
        pool_size=settings.db_pool_size,
        max_overflow=settings.db_max_overflow,
    )
    return Container(
        settings=settings,
        engine=engine,
        session_factory=create_session_factory(engine),
        clock=clock or SystemClock(),
        mail_templates=FileMailTemplates(settings.base_url),
        readiness=DatabaseReadiness(engine, head_revisions()),
    )
