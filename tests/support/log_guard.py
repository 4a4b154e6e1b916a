"""A pytest plugin: over the whole run, every log record is printed as production prints it
(the request-context and redaction filters, then the JSON formatter), and a line that still
holds an email address or one of the suite's passwords fails the test that logged it."""

from __future__ import annotations

import copy
import logging
import re
from collections.abc import Iterator

import pytest

from aluzio.entrypoints.logging import JsonFormatter, RedactionFilter, RequestContextFilter
from tests.integration.accounts.conftest import PASSWORD
from tests.integration.accounts.test_privacy import NEW_SECRET, RESET_SECRET, SECRET

EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")
PASSWORDS = (PASSWORD, SECRET, NEW_SECRET, RESET_SECRET)


class LogGuard(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.DEBUG)
        self._filters = (RequestContextFilter(), RedactionFilter())
        self.setFormatter(JsonFormatter())
        self.leaks: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        printed = copy.copy(record)  # the filters rewrite the record: others see the original
        for log_filter in self._filters:
            log_filter.filter(printed)
        try:
            line = self.format(printed)
        except Exception:  # a record that cannot be formatted is not this check's concern
            return
        if EMAIL.search(line) or any(secret in line for secret in PASSWORDS):
            self.leaks.append(f"{record.name}: {line[:300]}")


_guard_key = pytest.StashKey[LogGuard]()


def pytest_configure(config: pytest.Config) -> None:
    guard = LogGuard()
    logging.getLogger().addHandler(guard)
    config.stash[_guard_key] = guard


def pytest_unconfigure(config: pytest.Config) -> None:
    logging.getLogger().removeHandler(config.stash[_guard_key])


@pytest.fixture(autouse=True)
def _no_secret_in_the_log(pytestconfig: pytest.Config) -> Iterator[None]:
    guard = pytestconfig.stash[_guard_key]
    root = logging.getLogger()
    if guard not in root.handlers:  # a logging config applied by an earlier test replaced it
        root.addHandler(guard)
    before = len(guard.leaks)
    yield
    leaked = guard.leaks[before:]
    if leaked:
        del guard.leaks[before:]
        pytest.fail("log lines with an address or a password: " + " | ".join(leaked))


@pytest.fixture
def log_guard(pytestconfig: pytest.Config) -> LogGuard:
    return pytestconfig.stash[_guard_key]
