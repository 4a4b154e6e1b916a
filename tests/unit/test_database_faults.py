"""Which failures mean "the database is unavailable", whatever wraps them."""

from __future__ import annotations

from typing import Any, cast

import asyncpg
from advanced_alchemy import exceptions as aa_exc
from sqlalchemy import exc as sa_exc

from aluzio.adapters.postgres.faults import (
    is_database_unavailable,
    is_lost_connection,
    is_unavailable,
)
from aluzio.entrypoints.http.problems import unexpected_error_to_response


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


# What asyncpg raises on a pooled connection whose server said goodbye (57P01) while it was
# idle, before the end of the socket was read: it is still discarding that goodbye.
ENDED_WHILE_IDLE = "cannot switch to state 11; another operation (2) is in progress"


def _through_sqlalchemy(error: BaseException) -> BaseException:
    """As a unit of work meets it: SQLAlchemy's wrapper, not marked as a disconnect."""
    return _raised(sa_exc.DBAPIError("BEGIN", {}, error), error)


def test_a_connection_the_server_ended_while_idle_is_unavailability() -> None:
    refused = asyncpg.exceptions.InternalClientError(ENDED_WHILE_IDLE)
    assert is_lost_connection(refused)
    assert is_unavailable(refused)
    assert is_database_unavailable(refused)  # as the session lookup outside a unit of work
    assert is_unavailable(_through_sqlalchemy(refused))
    assert is_database_unavailable(_through_sqlalchemy(refused))


def test_met_outside_a_unit_of_work_it_is_answered_503_not_500() -> None:
    refused = asyncpg.exceptions.InternalClientError(ENDED_WHILE_IDLE)
    response = unexpected_error_to_response(cast("Any", None), refused)
    assert response.status_code == 503
    assert response.headers["Retry-After"].isdigit()


def test_other_client_refusals_are_bugs_not_unavailability() -> None:
    used_twice = asyncpg.exceptions.InterfaceError(
        "cannot perform operation: another operation is in progress"
    )
    mid_statement = asyncpg.exceptions.InternalClientError(
        "cannot switch to state 12; another operation (11) is in progress"
    )
    codec = asyncpg.exceptions.InternalClientError("no decoder for OID 16385")
    for error in (used_twice, mid_statement, codec):
        assert not is_unavailable(error), error
        assert not is_unavailable(_through_sqlalchemy(error)), error
        assert not is_database_unavailable(_through_sqlalchemy(error)), error
