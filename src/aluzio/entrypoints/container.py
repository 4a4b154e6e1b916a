"""The object graph of one running service, built from settings in one place."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from aluzio.adapters.clock import SystemClock
from aluzio.adapters.mail.templates import FileMailTemplates
from aluzio.adapters.postgres.database import create_engine, create_session_factory
from aluzio.adapters.postgres.mappers import configure_mappers
from aluzio.adapters.postgres.migrator import head_revisions
from aluzio.adapters.postgres.readiness import DatabaseReadiness
from aluzio.adapters.postgres.unit_of_work import PostgresUnitOfWork
from aluzio.adapters.security.argon2_hasher import Argon2PasswordHasher
from aluzio.adapters.security.common_passwords import common_passwords
from aluzio.adapters.security.tokens import SecretsTokenGenerator
from aluzio.application.accounts.context import AccountsContext
from aluzio.application.accounts.ports import PasswordHasher
from aluzio.application.ports.clock import Clock
from aluzio.application.ports.mail import MailTemplates
from aluzio.domain.accounts.passwords import PasswordPolicy
from aluzio.domain.accounts.sessions import SessionTimeouts
from aluzio.entrypoints.settings import Settings


@dataclass(frozen=True, slots=True)
class Container:
    settings: Settings
    engine: AsyncEngine
    session_factory: async_sessionmaker[AsyncSession]
    clock: Clock
    mail_templates: MailTemplates
    readiness: DatabaseReadiness
    password_hasher: PasswordHasher
    accounts: AccountsContext

    def unit_of_work(self) -> PostgresUnitOfWork:
        return PostgresUnitOfWork(self.session_factory)

    async def close(self) -> None:
        close_hasher = getattr(self.password_hasher, "close", None)
        if close_hasher is not None:
            close_hasher()
        await self.engine.dispose()


def build_container(
    settings: Settings,
    *,
    clock: Clock | None = None,
    password_hasher: PasswordHasher | None = None,
) -> Container:
    """``password_hasher`` replaces the production Argon2id hasher (tests lower its cost)."""
    configure_mappers()
    engine = create_engine(
        settings.require_database_url(),
        pool_size=settings.db_pool_size,
        max_overflow=settings.db_max_overflow,
        connect_timeout=settings.db_connect_timeout_seconds,
        statement_timeout=settings.db_statement_timeout_seconds,
        pool_timeout=settings.db_pool_timeout_seconds,
    )
    session_factory = create_session_factory(engine)
    clock = clock or SystemClock()
    mail_templates = FileMailTemplates(settings.base_url)
    hasher = password_hasher or Argon2PasswordHasher(concurrency=settings.password_hash_concurrency)
    accounts = AccountsContext(
        unit_of_work=lambda: PostgresUnitOfWork(session_factory),
        hasher=hasher,
        tokens=SecretsTokenGenerator(),
        clock=clock,
        mail=mail_templates,
        policy=PasswordPolicy(
            min_length=settings.password_min_length, common_passwords=common_passwords()
        ),
        timeouts=SessionTimeouts(
            idle=timedelta(minutes=settings.session_idle_timeout_minutes),
            absolute=timedelta(minutes=settings.session_absolute_timeout_minutes),
        ),
        secret_key=_secret_key(settings),
    )
    return Container(
        settings=settings,
        engine=engine,
        session_factory=session_factory,
        clock=clock,
        mail_templates=mail_templates,
        readiness=DatabaseReadiness(engine, head_revisions()),
        password_hasher=hasher,
        accounts=accounts,
    )


def _secret_key(settings: Settings) -> bytes:
    """The configured secret. ``serve`` and ``dev`` never run without one; an app built
    without (in some tests) gets a throwaway key, so its sessions die with the process."""
    if settings.secret_key:
        return settings.require_secret_key()
    return secrets.token_bytes(32)
