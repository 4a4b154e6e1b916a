"""The socket guard is active in the whole run: a connection anywhere but loopback fails."""

from __future__ import annotations

import socket

import pytest

from tests.support.socket_guard import SocketGuard, SocketGuardError


def test_a_connection_to_another_host_is_refused(socket_guard: SocketGuard) -> None:
    before = len(socket_guard.violations)
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock, pytest.raises(SocketGuardError):
        sock.connect(("192.0.2.1", 443))  # TEST-NET-1: never routed
    assert socket_guard.violations[before:] == ["connection to ('192.0.2.1', 443)"]
    del socket_guard.violations[before:]  # expected here: the test must not fail for it


@pytest.mark.parametrize(
    ("family", "address", "allowed"),
    [
        (socket.AF_INET, ("127.0.0.1", 5432), True),
        (socket.AF_INET6, ("::1", 25, 0, 0), True),
        (socket.AF_INET6, ("::ffff:127.0.0.1", 25, 0, 0), True),
        (socket.AF_INET, ("localhost", 8000), True),
        (socket.AF_INET, ("93.184.216.34", 443), False),
        (socket.AF_INET, ("smtp.mailgun.org", 587), False),
        (socket.AF_INET6, ("2001:db8::1", 443, 0, 0), False),
    ],
)
def test_only_loopback_and_the_configured_hosts_pass(
    socket_guard: SocketGuard, family: int, address: tuple[object, ...], allowed: bool
) -> None:
    assert socket_guard.allows(family, address) is allowed


def test_unix_sockets_pass(socket_guard: SocketGuard) -> None:
    assert socket_guard.allows(socket.AF_UNIX, "/var/run/docker.sock")
