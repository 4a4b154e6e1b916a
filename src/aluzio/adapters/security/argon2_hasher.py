"""Argon2id password hashing (argon2-cffi), off the event loop and with bounded concurrency.

Each hash at the RFC 9106 low-memory profile takes 64 MiB and a noticeable slice of a CPU,
so at most ``concurrency`` run at once (in a thread pool of that size); further requests wait
their turn without blocking the event loop. Peak hashing memory is ``concurrency`` x 64 MiB.
"""

from __future__ import annotations

import asyncio
import weakref
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

from argon2 import Parameters
from argon2 import PasswordHasher as _Argon2
from argon2.exceptions import InvalidHashError, VerificationError
from argon2.low_level import Type
from argon2.profiles import RFC_9106_LOW_MEMORY

R = TypeVar("R")

PRODUCTION_PARAMETERS: Parameters = RFC_9106_LOW_MEMORY  # Argon2id, t=3, m=64 MiB, p=4

# Verified against when the email is unknown, so that both answers cost the same time.
_DUMMY_PASSWORD = "aluzio-no-such-account-dummy-password"  # noqa: S105


class Argon2PasswordHasher:
    def __init__(
        self, *, concurrency: int = 2, parameters: Parameters = PRODUCTION_PARAMETERS
    ) -> None:
        if concurrency < 1:
            raise ValueError("concurrency must be at least 1")
        if parameters.type is not Type.ID:
            raise ValueError("only Argon2id is allowed")
        self.parameters = parameters
        self.concurrency = concurrency
        self._argon2 = _Argon2.from_parameters(parameters)
        self._executor: ThreadPoolExecutor | None = None
        self._semaphores: weakref.WeakKeyDictionary[
            asyncio.AbstractEventLoop, asyncio.Semaphore
        ] = weakref.WeakKeyDictionary()
        self._dummy_hash: str | None = None

    async def hash(self, password: str) -> str:
        return await self._in_pool(lambda: self._argon2.hash(password))

    async def verify(self, password_hash: str, password: str) -> bool:
        return await self._in_pool(lambda: self._verify_sync(password_hash, password))

    async def verify_dummy(self, password: str) -> None:
        if self._dummy_hash is None:
            self._dummy_hash = await self.hash(_DUMMY_PASSWORD)
        await self.verify(self._dummy_hash, password)

    def needs_rehash(self, password_hash: str) -> bool:
        try:
            return self._argon2.check_needs_rehash(password_hash)
        except InvalidHashError:
            return True

    def close(self) -> None:
        """Stop the worker threads (a later hash starts new ones)."""
        executor, self._executor = self._executor, None
        if executor is not None:
            executor.shutdown(wait=False, cancel_futures=True)

    def _verify_sync(self, password_hash: str, password: str) -> bool:
        try:
            return self._argon2.verify(password_hash, password)
        except (VerificationError, InvalidHashError):
            return False

    async def _in_pool(self, work: Callable[[], R]) -> R:
        loop = asyncio.get_running_loop()
        semaphore = self._semaphores.get(loop)
        if semaphore is None:
            semaphore = self._semaphores.setdefault(loop, asyncio.Semaphore(self.concurrency))
        async with semaphore:
            if self._executor is None:
                self._executor = ThreadPoolExecutor(
                    max_workers=self.concurrency, thread_name_prefix="argon2"
                )
            return await loop.run_in_executor(self._executor, work)
