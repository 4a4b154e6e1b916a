"""Which failures mean "the database is unavailable", whatever wraps them."""

from __future__ import annotations

import asyncpg
from advanced_alchemy import exceptions as aa_exc
from sqlalchemy import exc as sa_exc

from aluzio.adapters.postgres.faults import is_database_unavailable, is_unavailable


def _raised(outer: BaseException, cause: BaseException) -> BaseException:
    try:
        raise outer from cause
    except BaseException as exc:
        return exc


def _lost_mid_statement() -> BaseException:
    """What advanced-alchemy raises when the connection drops under a repository call."""
    lost = asyncpg.exceptions.ConnectionDoesNotExistError("connection was closed")
    statement = sa_exc.DBAPIError("UPDATE users ...", {}, lost)
    return _raised(aa_exc.IntegrityError(detail="There was an issue"), statement)


def test_a_connection_lost_mid_transaction_is_unavailability_not_integrity() -> None:
    assert is_unavailable(_lost_mid_statement())
    assert is_database_unavailable(_lost_mid_statement())


def test_refused_connections_timeouts_and_pool_waits_are_unavailability() -> None:
    assert is_unavailable(ConnectionRefusedError())
    assert is_unavailable(TimeoutError())
    assert is_unavailable(asyncpg.exceptions.CannotConnectNowError("starting up"))
    assert is_database_unavailable(sa_exc.TimeoutError("QueuePool limit reached"))


def test_constraint_violations_and_other_errors_are_not() -> None:
    unique = asyncpg.exceptions.UniqueViolationError("duplicate key")
    wrapped = _raised(aa_exc.IntegrityError(detail="dup"), sa_exc.IntegrityError("", {}, unique))
    assert not is_unavailable(wrapped)
    assert not is_unavailable(ValueError("bug"))
    # A socket error from elsewhere is not the database's, outside a unit of work.
    assert not is_database_unavailable(ConnectionRefusedError())
