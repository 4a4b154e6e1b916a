"""The log guard watches the whole run: what production would print is checked."""

from __future__ import annotations

import logging

from tests.integration.accounts.conftest import PASSWORD
from tests.support.log_guard import LogGuard

logger = logging.getLogger("aluzio.log-guard-check")


def test_a_password_in_a_log_line_is_caught_and_an_address_is_redacted(
    log_guard: LogGuard,
) -> None:
    # An earlier test's logging config may have silenced this logger.
    logger.setLevel(logging.INFO)
    logger.disabled = False
    logger.propagate = True
    before = len(log_guard.leaks)
    logger.info("signing in ada@example.com")  # redacted before printing: no leak
    assert log_guard.leaks[before:] == []
    logger.info("the password was %s", PASSWORD)  # no redaction rule knows a bare password
    assert len(log_guard.leaks[before:]) == 1
    assert PASSWORD in log_guard.leaks[-1]
    del log_guard.leaks[before:]  # expected here: the test must not fail for it
