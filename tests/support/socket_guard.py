"""A pytest plugin: the service opens no network connection except to its database and its
SMTP server. Every ``connect`` in the test process is checked: loopback (where the test
Postgres, SMTP servers and apps listen), Unix sockets (Docker), and the hosts of an external
test database or Docker daemon pass; anything else is refused and fails the test that made
it, even when the code under test swallowed the error."""

from __future__ import annotations

import ipaddress
import os
import socket
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import pytest

LOOPBACK_NAMES = frozenset({"localhost", "localhost.localdomain"})


class SocketGuardError(ConnectionRefusedError):
    """A connection the tests do not allow: the service talks only to its database and
    its SMTP server."""


def _configured_hosts() -> set[str]:
    """The hosts of an external test database, Testcontainers' and Docker's, if any."""
    hosts = set()
    for name in ("ALUZIO_TEST_DATABASE_URL", "DOCKER_HOST"):
        host = urlsplit(os.environ.get(name, "")).hostname
        if host:
            hosts.add(host)
    if os.environ.get("TC_HOST"):
        hosts.add(os.environ["TC_HOST"])
    resolved = set(hosts)
    for host in hosts:
        try:
            resolved.update(str(info[4][0]) for info in socket.getaddrinfo(host, None))
        except OSError:
            continue
    return resolved


class SocketGuard:
    def __init__(self) -> None:
        self.allowed = _configured_hosts()
        self.violations: list[str] = []
        self._original_connect = socket.socket.connect
        self._original_connect_ex = socket.socket.connect_ex

    def allows(self, family: int, address: Any) -> bool:
        if family == getattr(socket, "AF_UNIX", None) or not isinstance(address, tuple):
            return True
        host = str(address[0]).lower()
        if host in LOOPBACK_NAMES or host in self.allowed:
            return True
        try:
            parsed = ipaddress.ip_address(host.split("%")[0])
        except ValueError:
            return False
        if isinstance(parsed, ipaddress.IPv6Address) and parsed.ipv4_mapped is not None:
            parsed = parsed.ipv4_mapped
        return parsed.is_loopback

    def check(self, sock: socket.socket, address: Any) -> None:
        if not self.allows(sock.family, address):
            self.violations.append(f"connection to {address!r}")
            raise SocketGuardError(f"socket guard: the tests allow no connection to {address!r}")

    def install(self) -> None:
        guard = self
        original_connect = self._original_connect
        original_connect_ex = self._original_connect_ex

        def connect(sock: socket.socket, address: Any) -> None:
            guard.check(sock, address)
            original_connect(sock, address)

        def connect_ex(sock: socket.socket, address: Any) -> int:
            guard.check(sock, address)
            return original_connect_ex(sock, address)

        socket.socket.connect = connect  # type: ignore[method-assign,assignment]
        socket.socket.connect_ex = connect_ex  # type: ignore[method-assign,assignment]

    def uninstall(self) -> None:
        socket.socket.connect = self._original_connect  # type: ignore[method-assign]
        socket.socket.connect_ex = self._original_connect_ex  # type: ignore[method-assign]


_guard_key = pytest.StashKey[SocketGuard]()


def pytest_configure(config: pytest.Config) -> None:
    guard = SocketGuard()
    guard.install()
    config.stash[_guard_key] = guard


def pytest_unconfigure(config: pytest.Config) -> None:
    config.stash[_guard_key].uninstall()


@pytest.fixture
def socket_guard(pytestconfig: pytest.Config) -> SocketGuard:
    return pytestconfig.stash[_guard_key]


@pytest.fixture(autouse=True)
def _no_forbidden_connection(pytestconfig: pytest.Config) -> Iterator[None]:
    guard = pytestconfig.stash[_guard_key]
    before = len(guard.violations)
    yield
    made = guard.violations[before:]
    if made:
        del guard.violations[before:]
        pytest.fail("socket guard: " + "; ".join(made), pytrace=False)


def pytest_sessionfinish(session: pytest.Session) -> None:
    guard = session.config.stash.get(_guard_key, None)
    if guard is not None and guard.violations:  # made outside any test (a session fixture)
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
