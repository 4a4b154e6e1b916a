"""Translate Postgres constraint violations into domain errors.

A unique or foreign-key violation is a business fact ("this email is taken"), not a crash.
Known constraints map to a specific domain error by name; any other unique violation is a
:class:`~aluzio.domain.errors.Conflict` and any other foreign-key violation a
:class:`~aluzio.domain.errors.NotFound`. Other integrity errors are bugs and propagate.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from advanced_alchemy import exceptions as aa_exc
from sqlalchemy import exc as sa_exc

from aluzio.domain.accounts.errors import EmailTaken
from aluzio.domain.errors import Conflict, DomainError, NotFound
from aluzio.domain.organizations.errors import SlugTaken

UNIQUE_VIOLATION = "23505"
FOREIGN_KEY_VIOLATION = "23503"

# Constraint name -> the domain error it means. Features add their constraints here.
CONSTRAINT_ERRORS: dict[str, Callable[[], DomainError]] = {
    "uq_users_email": EmailTaken,
    "uq_organizations_slug": SlugTaken,
}


def _violation(exc: BaseException) -> tuple[str | None, str | None]:
    """Find (sqlstate, constraint name) in the chain of causes of ``exc``.

    SQLAlchemy's wrapper knows the sqlstate; only asyncpg's own error, further down the
    chain, knows the constraint's name.
    """
    sqlstate: str | None = None
    seen: BaseException | None = exc
    while seen is not None:
        sqlstate = sqlstate or _text(getattr(seen, "sqlstate", None))
        constraint = _text(getattr(seen, "constraint_name", None))
        if constraint is not None:
            return sqlstate, constraint
        seen = seen.__cause__ or getattr(seen, "orig", None)
    return sqlstate, None


def _text(value: object) -> str | None:
    return value if isinstance(value, str) and value else None


def translate(exc: BaseException) -> DomainError | None:
    """The domain error ``exc`` stands for, or None when it is not a known kind of violation."""
    if not isinstance(exc, (sa_exc.IntegrityError, aa_exc.IntegrityError)):
        return None
    sqlstate, constraint = _violation(exc)
    if constraint is not None and constraint in CONSTRAINT_ERRORS:
        return CONSTRAINT_ERRORS[constraint]()
    if sqlstate == UNIQUE_VIOLATION:
        return Conflict()
    if sqlstate == FOREIGN_KEY_VIOLATION:
        return NotFound("A record this change refers to does not exist.")
    return None


@contextmanager
def translated_integrity_errors() -> Iterator[None]:
    """Run a block that writes, re-raising constraint violations as domain errors."""
    try:
        yield
    except Exception as exc:
        error = translate(exc)
        if error is None:
            raise
        raise error from exc
