"""Passwords are Unicode-normalised (NFKC): typed in another form they still match, and a
hash stored from the raw form before normalisation keeps working and is replaced."""

from __future__ import annotations

import unicodedata

import asyncpg

from aluzio.adapters.postgres.database import to_asyncpg_dsn
from tests.integration.accounts.conftest import fast_hasher, login

NFC = unicodedata.normalize("NFC", "café crème brûlée au soleil")
NFD = unicodedata.normalize("NFD", NFC)


async def _stored_hash(database_url: str) -> str:
    connection = await asyncpg.connect(to_asyncpg_dsn(database_url))
    try:
        return str(await connection.fetchval("SELECT password_hash FROM users"))
    finally:
        await connection.close()


async def _store_hash(database_url: str, password_hash: str) -> None:
    connection = await asyncpg.connect(to_asyncpg_dsn(database_url))
    try:
        await connection.execute("UPDATE users SET password_hash = $1", password_hash)
    finally:
        await connection.close()


async def test_a_password_registered_in_nfc_signs_in_typed_in_nfd(register, open_client) -> None:
    assert NFC != NFD
    assert (await register(password=NFC)).status_code == 201
    async with open_client() as mac:
        assert (await login(mac, password=NFD)).status_code == 200
    async with open_client() as other:
        assert (await login(other, password=NFC)).status_code == 200


async def test_a_hash_of_the_raw_form_still_works_and_is_replaced(
    register, open_client, database_url
) -> None:
    await register(password=NFC)
    hasher = fast_hasher()
    # As stored before normalisation: the hash of the decomposed form the user typed.
    await _store_hash(database_url, await hasher.hash(NFD))
    async with open_client() as mac:
        assert (await login(mac, password=NFD)).status_code == 200
    upgraded = await _stored_hash(database_url)
    assert await hasher.verify(upgraded, NFC)
    async with open_client() as other:
        assert (await login(other, password=NFC)).status_code == 200
