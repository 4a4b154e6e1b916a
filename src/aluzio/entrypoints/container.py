"""The composition root: the object graphs of the web app and of the mail worker, built
from settings in one place. Adding a feature means one registration line per storage
below (``POSTGRES_FEATURES``, ``MEMORY_FEATURES``)."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from aluzio.adapters.clock import SystemClock
from aluzio.adapters.mail.console import ConsoleMailTransport
from aluzio.adapters.mail.memory import InMemoryMailTransport
from aluzio.adapters.mail.smtp import SmtpMailTransport
from aluzio.adapters.mail.templates import FileMailTemplates
from aluzio.adapters.memory.accounts import register_memory_accounts
from aluzio.adapters.memory.boards import register_memory_boards
from aluzio.adapters.memory.discussion import register_memory_discussion
from aluzio.adapters.memory.mail import register_memory_mail
from aluzio.adapters.memory.organizations import register_memory_organizations
from aluzio.adapters.memory.privacy import register_memory_privacy
from aluzio.adapters.memory.retros import register_memory_retros
from aluzio.adapters.memory.unit_of_work import MemoryRepositories, MemoryStore, MemoryUnitOfWork
from aluzio.adapters.postgres.accounts import PostgresSessionLookup, register_postgres_accounts
from aluzio.adapters.postgres.boards import register_postgres_boards
from aluzio.adapters.postgres.database import create_engine, create_session_factory
from aluzio.adapters.postgres.discussion import register_postgres_discussion
from aluzio.adapters.postgres.listener import PostgresListener
from aluzio.adapters.postgres.mail_outbox import (
    MailWakeups,
    PostgresMailQueue,
    register_postgres_mail,
)
from aluzio.adapters.postgres.mappers import configure_mappers
from aluzio.adapters.postgres.migrator import head_revisions
from aluzio.adapters.postgres.organizations import register_postgres_organizations
from aluzio.adapters.postgres.privacy import register_postgres_privacy
from aluzio.adapters.postgres.readiness import DatabaseReadiness
from aluzio.adapters.postgres.retros import register_postgres_retros
from aluzio.adapters.postgres.unit_of_work import PostgresRepositories, PostgresUnitOfWork
from aluzio.adapters.security.argon2_hasher import Argon2PasswordHasher
from aluzio.adapters.security.common_passwords import common_passwords
from aluzio.adapters.security.tokens import SecretsTokenGenerator
from aluzio.application.accounts.context import AccountsContext
from aluzio.application.accounts.ports import AccountsUnitOfWork, PasswordHasher, SessionLookup
from aluzio.application.accounts.sessions import SessionLookupInUnitOfWork
from aluzio.application.boards.context import BoardsContext
from aluzio.application.boards.ports import BoardsUnitOfWork
from aluzio.application.mail.delivery import MailDelivery, MailRetention, RetryPolicy
from aluzio.application.organizations.context import OrganizationsContext
from aluzio.application.organizations.ports import OrganizationsUnitOfWork
from aluzio.application.ports.clock import Clock
from aluzio.application.ports.mail import MailTemplates, MailTransport, MailUnitOfWork
from aluzio.application.ports.unit_of_work import UnitOfWork
from aluzio.application.privacy.context import PrivacyContext
from aluzio.application.privacy.ports import PrivacyUnitOfWork
from aluzio.application.privacy.retention import HOURLY, Job, Scheduler, retention_jobs
from aluzio.application.realtime.hub import LiveHub, LiveLimits
from aluzio.application.realtime.live import LiveContext, SharedReads, people_names
from aluzio.application.realtime.presence import PRESENCE_CHANNEL
from aluzio.application.retros.closing import close_idle_retros
from aluzio.application.retros.context import RetrosContext
from aluzio.application.retros.events import RETRO_CHANNEL
from aluzio.application.retros.ports import RetrosUnitOfWork
from aluzio.domain.accounts.passwords import PasswordPolicy
from aluzio.domain.accounts.sessions import SessionTimeouts
from aluzio.domain.privacy.policy import PolicyVersion
from aluzio.domain.retros.closing import DEFAULT_IDLE_DAYS
from aluzio.entrypoints.settings import MAX_SMTP_TIMEOUT_SECONDS, Settings

# One line per feature: how its repositories are built on a Postgres session, and in
# memory (for use-case tests; the same contract suite runs over both).
POSTGRES_FEATURES = (
    register_postgres_mail,
    register_postgres_accounts,
    register_postgres_organizations,
    register_postgres_boards,
    register_postgres_retros,
    register_postgres_discussion,
    register_postgres_privacy,
)
MEMORY_FEATURES = (
    register_memory_mail,
    register_memory_accounts,
    register_memory_organizations,
    register_memory_boards,
    register_memory_retros,
    register_memory_discussion,
    register_memory_privacy,
)


def postgres_repositories() -> PostgresRepositories:
    repositories = PostgresRepositories()
    for register in POSTGRES_FEATURES:
        register(repositories)
    return repositories


def postgres_unit_of_work(
    session_factory: async_sessionmaker[AsyncSession],
) -> Callable[[], PostgresUnitOfWork]:
    """A factory of Postgres units of work that reach every feature's repositories."""
    repositories = postgres_repositories()
    return lambda: PostgresUnitOfWork(session_factory, repositories)


def memory_unit_of_work(store: MemoryStore) -> Callable[[], MemoryUnitOfWork]:
    """A factory of in-memory units of work over ``store``, with every feature's
    repositories."""
    repositories = MemoryRepositories()
    for register in MEMORY_FEATURES:
        register(repositories)
    return lambda: MemoryUnitOfWork(store, repositories)


def accounts_context(
    settings: Settings,
    unit_of_work: Callable[[], UnitOfWork],
    *,
    clock: Clock,
    hasher: PasswordHasher,
    mail_templates: MailTemplates,
    session_lookup: SessionLookup | None = None,
) -> AccountsContext:
    """The account use cases' dependencies, over any unit of work (Postgres or memory).
    Without a ``session_lookup``, requests find their session in a unit of work of its own."""

    def accounts_work() -> AccountsUnitOfWork:
        return AccountsUnitOfWork(unit_of_work())

    return AccountsContext(
        unit_of_work=accounts_work,
        session_lookup=session_lookup or SessionLookupInUnitOfWork(accounts_work),
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
        policy_version=settings.policy_version,
    )


def privacy_context(
    settings: Settings, unit_of_work: Callable[[], UnitOfWork], *, accounts: AccountsContext
) -> PrivacyContext:
    """The privacy use cases' dependencies, over any unit of work (Postgres or memory)."""
    return PrivacyContext(
        unit_of_work=lambda: PrivacyUnitOfWork(unit_of_work()),
        accounts=accounts,
        grace=timedelta(days=settings.erasure_grace_days),
        policy=PolicyVersion(settings.policy_version, settings.policy_last_updated),
    )


def organizations_context(
    settings: Settings,
    unit_of_work: Callable[[], UnitOfWork],
    *,
    clock: Clock,
    mail_templates: MailTemplates,
) -> OrganizationsContext:
    """The organization use cases' dependencies, over any unit of work (Postgres or memory)."""
    return OrganizationsContext(
        unit_of_work=lambda: OrganizationsUnitOfWork(unit_of_work()),
        tokens=SecretsTokenGenerator(),
        clock=clock,
        mail=mail_templates,
        base_url=settings.base_url.rstrip("/"),
    )


def boards_context(unit_of_work: Callable[[], UnitOfWork], *, clock: Clock) -> BoardsContext:
    """The board use cases' dependencies, over any unit of work (Postgres or memory)."""
    return BoardsContext(unit_of_work=lambda: BoardsUnitOfWork(unit_of_work()), clock=clock)


def retros_context(
    unit_of_work: Callable[[], UnitOfWork],
    *,
    clock: Clock,
    idle_close_after: timedelta = timedelta(days=DEFAULT_IDLE_DAYS),
) -> RetrosContext:
    """The retro use cases' dependencies, over any unit of work (Postgres or memory)."""
    return RetrosContext(
        unit_of_work=lambda: RetrosUnitOfWork(unit_of_work()),
        clock=clock,
        idle_close_after=idle_close_after,
    )


def idle_retros_job(retros: RetrosContext) -> Job:
    """Started retros unchanged for ``ALUZIO_RETRO_IDLE_CLOSE_DAYS``, closed by the system."""
    return Job("retro-auto-close", HOURLY, lambda: close_idle_retros(retros))


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
    organizations: OrganizationsContext
    boards: BoardsContext
    retros: RetrosContext
    privacy: PrivacyContext
    live: LiveContext
    new_unit_of_work: Callable[[], PostgresUnitOfWork]

    def mail_unit_of_work(self) -> MailUnitOfWork:
        return MailUnitOfWork(self.new_unit_of_work())

    async def close(self) -> None:
        # Live connections first: they are told to go away while the database still answers.
        await self.live.hub.close()
        close_hasher = getattr(self.password_hasher, "close", None)
        if close_hasher is not None:
            close_hasher()
        await self.engine.dispose()


def live_limits_of(settings: Settings) -> LiveLimits:
    return LiveLimits(
        queue_size=settings.live_queue_size,
        connections_per_user=settings.live_connections_per_user,
        max_inbound_bytes=settings.live_max_message_bytes,
        recheck_seconds=settings.live_recheck_seconds,
        send_timeout_seconds=settings.live_send_timeout_seconds,
        presence_seconds=settings.live_presence_seconds,
    )


def build_container(
    settings: Settings,
    *,
    clock: Clock | None = None,
    password_hasher: PasswordHasher | None = None,
    live_limits: LiveLimits | None = None,
) -> Container:
    """``password_hasher`` replaces the production Argon2id hasher (tests lower its cost);
    ``live_limits`` the bounds on live connections."""
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
    new_unit_of_work = postgres_unit_of_work(session_factory)
    accounts = accounts_context(
        settings,
        new_unit_of_work,
        clock=clock,
        hasher=hasher,
        mail_templates=mail_templates,
        session_lookup=PostgresSessionLookup(engine),
    )
    retros = retros_context(
        new_unit_of_work,
        clock=clock,
        idle_close_after=timedelta(days=settings.retro_idle_close_days),
    )
    # One listening connection per instance, opened when the first live connection arrives.
    listener = PostgresListener(settings.require_database_url(), (RETRO_CHANNEL, PRESENCE_CHANNEL))
    hub = LiveHub(listener, live_limits or live_limits_of(settings), people_names(retros))
    live = LiveContext(accounts=accounts, retros=retros, hub=hub, reads=SharedReads(retros, hub))
    return Container(
        settings=settings,
        engine=engine,
        session_factory=session_factory,
        clock=clock,
        mail_templates=mail_templates,
        readiness=DatabaseReadiness(engine, head_revisions()),
        password_hasher=hasher,
        accounts=accounts,
        organizations=organizations_context(
            settings, new_unit_of_work, clock=clock, mail_templates=mail_templates
        ),
        boards=boards_context(new_unit_of_work, clock=clock),
        retros=retros,
        privacy=privacy_context(settings, new_unit_of_work, accounts=accounts),
        live=live,
        new_unit_of_work=new_unit_of_work,
    )


def build_transport(settings: Settings) -> MailTransport:
    """The transport the settings choose; smtp refuses to be built without a login."""
    if settings.mail_transport == "console":
        return ConsoleMailTransport()
    if settings.mail_transport == "memory":
        return InMemoryMailTransport()
    username, password = settings.require_smtp_login()
    return SmtpMailTransport(
        sender=settings.mail_from,
        username=username,
        password=password,
        host=settings.smtp_host,
        port=settings.smtp_port,
        timeout=float(settings.smtp_timeout_seconds),
        deadline=float(MAX_SMTP_TIMEOUT_SECONDS),
    )


@dataclass(frozen=True, slots=True)
class MailServices:
    """What a worker runs on its own small pool: mail delivery, wake-ups, and the
    scheduler of every retention job (the account purge among them)."""

    delivery: MailDelivery
    scheduler: Scheduler
    wakeups: MailWakeups
    engine: AsyncEngine
    hasher: PasswordHasher

    async def close(self) -> None:
        close_hasher = getattr(self.hasher, "close", None)
        if close_hasher is not None:
            close_hasher()
        await self.engine.dispose()


def build_mail_services(
    settings: Settings,
    *,
    transport: MailTransport | None = None,
    clock: Clock | None = None,
    policy: RetryPolicy | None = None,
) -> MailServices:
    """The worker's object graph (``aluzio worker`` and the worker inside ``aluzio dev``)."""
    database_url = settings.require_database_url()
    transport = transport or build_transport(settings)
    clock = clock or SystemClock()
    configure_mappers()
    engine = create_engine(database_url, pool_size=2, max_overflow=0)
    queue = PostgresMailQueue(engine)
    # The purge reaches the account rules (throttle keys, link tokens), never a password.
    hasher = Argon2PasswordHasher(concurrency=1)
    unit_of_work = postgres_unit_of_work(create_session_factory(engine))
    accounts = accounts_context(
        settings,
        unit_of_work,
        clock=clock,
        hasher=hasher,
        mail_templates=FileMailTemplates(settings.base_url),
    )
    privacy = privacy_context(settings, unit_of_work, accounts=accounts)
    retros = retros_context(
        unit_of_work,
        clock=clock,
        idle_close_after=timedelta(days=settings.retro_idle_close_days),
    )
    mail_retention = MailRetention(
        queue, clock, keep_for=timedelta(days=settings.mail_retention_days)
    )
    return MailServices(
        delivery=MailDelivery(
            queue,
            transport,
            clock,
            policy=policy,
            lease=timedelta(seconds=settings.mail_lease_seconds),
        ),
        scheduler=Scheduler(
            [*retention_jobs(privacy, mail_retention), idle_retros_job(retros)], clock
        ),
        wakeups=MailWakeups(database_url),
        engine=engine,
        hasher=hasher,
    )


def _secret_key(settings: Settings) -> bytes:
    """The configured secret. ``serve`` and ``dev`` never run without one; an app built
    without (in some tests) gets a throwaway key, so its sessions die with the process."""
    if settings.secret_key:
        return settings.require_secret_key()
    return secrets.token_bytes(32)
