"""The Argon2id adapter: production parameters, off the event loop, bounded concurrency."""

from __future__ import annotations

import asyncio
import threading
import time

from aluzio.adapters.security.argon2_hasher import Argon2PasswordHasher
from aluzio.entrypoints.container import build_container
from aluzio.entrypoints.settings import Settings
from tests.integration.accounts.conftest import FAST_ARGON2


async def test_production_uses_rfc_9106_low_memory_argon2id() -> None:
    container = build_container(
        Settings(database_url="postgresql://nobody@127.0.0.1:1/none", secret_key="k" * 32)
    )
    try:
        hasher = container.password_hasher
        assert isinstance(hasher, Argon2PasswordHasher)
        assert hasher.concurrency == 2
        encoded = await hasher.hash("correct horse battery staple")
        assert encoded.startswith("$argon2id$v=19$m=65536,t=3,p=4$")
        assert await hasher.verify(encoded, "correct horse battery staple")
        assert not await hasher.verify(encoded, "correct horse battery stapl")
        assert not hasher.needs_rehash(encoded)
    finally:
        await container.close()


def test_hash_concurrency_is_a_setting() -> None:
    settings = Settings.from_env(
        {"ALUZIO_PASSWORD_HASH_CONCURRENCY": "3", "ALUZIO_DATABASE_URL": "postgresql://x@h/db"}
    )
    assert build_container(settings).password_hasher.concurrency == 3  # type: ignore[attr-defined]


async def test_hashing_runs_off_the_event_loop_with_bounded_concurrency() -> None:
    hasher = Argon2PasswordHasher(concurrency=2, parameters=FAST_ARGON2)
    running = 0
    peak = 0
    lock = threading.Lock()
    loop_thread = threading.get_ident()
    threads: set[int] = set()
    original = hasher._argon2.hash

    def slow_hash(password: str) -> str:
        nonlocal running, peak
        with lock:
            running += 1
            peak = max(peak, running)
            threads.add(threading.get_ident())
        time.sleep(0.05)
        with lock:
            running -= 1
        return original(password)

    class SlowArgon2:
        hash = staticmethod(slow_hash)

    hasher._argon2 = SlowArgon2()  # type: ignore[assignment]
    ticks = 0

    async def ticker() -> None:
        nonlocal ticks
        while True:
            ticks += 1
            await asyncio.sleep(0.005)

    tick_task = asyncio.create_task(ticker())
    try:
        await asyncio.wait_for(
            asyncio.gather(*(hasher.hash(f"password number {n}") for n in range(8))), timeout=10
        )
    finally:
        tick_task.cancel()
        hasher.close()
    assert peak == 2
    assert loop_thread not in threads
    assert ticks >= 10  # the event loop kept running while hashes were computed


async def test_a_garbage_hash_never_verifies() -> None:
    hasher = Argon2PasswordHasher(parameters=FAST_ARGON2)
    assert not await hasher.verify("not-a-hash", "anything at all here")
    assert hasher.needs_rehash("not-a-hash")
    hasher.close()
