"""Password normalisation and the predictable-password rules, without I/O."""

from __future__ import annotations

import unicodedata

import pytest

from aluzio.adapters.security.common_passwords import common_passwords
from aluzio.domain.accounts.passwords import (
    DEFAULT_MIN_LENGTH,
    PasswordPolicy,
    normalise_password,
)
from aluzio.domain.accounts.throttling import client_subject
from aluzio.domain.errors import InvalidInput
from aluzio.entrypoints.settings import Settings

POLICY = PasswordPolicy(common_passwords=common_passwords())
EMAIL = "ada.king@example.com"
NAME = "Ada Lovelace"


@pytest.mark.parametrize(
    "password",
    [
        # the examples
        "passwordpassword",
        "aaaaaaaaaaaaaaaa",
        "123456789012345",
        # repeated short words and characters
        "iloveyouiloveyou",
        "abcabcabcabcabcabc",
        "zzzzzzzzzzzzzzzzzzzzzzzzzzzzzz",
        "ababababababababab",
        # sequences: alphabet, digits (wrapping), keyboard rows, either direction
        "abcdefghijklmnop",
        "zyxwvutsrqponmlk",
        "987654321098765",
        "qwertyuiopasdfgh"[:10] + "1234567",
        "123456789987654321",
        # long common passwords, and two common pieces joined
        "1qaz2wsx3edc4rfv",
        "password12345678",
        "qwerty123456789",
        "sunshinesunshine1"[:16],
        # too few distinct characters
        "abbaabbaabbbaaab",
    ],
)
def test_predictable_passwords_are_refused(password: str) -> None:
    with pytest.raises(InvalidInput, match="too common"):
        POLICY.check(password, email=EMAIL, name=NAME)


@pytest.mark.parametrize(
    "password",
    [
        "my aluzio password",  # the service's name
        "Lovelace was first",  # the user's name
        "king of the hill forever",  # a part of the email's local part
        "ada.king@example.com!!",  # the whole address
    ],
)
def test_context_words_are_refused(password: str) -> None:
    with pytest.raises(InvalidInput, match="email address or name"):
        POLICY.check(password, email=EMAIL, name=NAME)


@pytest.mark.parametrize(
    "password",
    [
        "correct horse battery staple",
        "monkeydragonmaster",
        "Tr0ub4dour&3 horses",
        "sunshine sunshine",
        "café crème brûlée!",
    ],
)
def test_unpredictable_passwords_pass(password: str) -> None:
    POLICY.check(password, email=EMAIL, name=NAME)


def test_passwords_are_checked_in_nfkc() -> None:
    nfc = unicodedata.normalize("NFC", "café crème brûlée")
    nfd = unicodedata.normalize("NFD", nfc)
    assert nfc != nfd
    assert normalise_password(nfd) == normalise_password(nfc) == nfc
    # Compatibility forms fold too: full-width letters are the ASCII ones.
    full_width = "".join(chr(0xFEE0 + ord(char)) for char in "password")
    assert normalise_password(full_width) == "password"
    with pytest.raises(InvalidInput, match="too common"):
        POLICY.check(full_width * 2, email=EMAIL, name=NAME)
    # The length is that of the normal form: 15 decomposed characters are fewer composed.
    short = unicodedata.normalize("NFD", "éééééééx")  # 15 code points, 8 characters
    assert len(short) == 15
    with pytest.raises(InvalidInput, match="at least"):
        POLICY.check(short, email=EMAIL, name=NAME)


def test_the_minimum_length_has_one_source() -> None:
    assert DEFAULT_MIN_LENGTH == 15  # NIST SP 800-63B for password-only sign-in; README
    assert PasswordPolicy().min_length == DEFAULT_MIN_LENGTH
    assert Settings().password_min_length == DEFAULT_MIN_LENGTH
    assert Settings.from_env({}).password_min_length == DEFAULT_MIN_LENGTH


@pytest.mark.parametrize(
    ("address", "subject"),
    [
        ("203.0.113.7", "203.0.113.7"),
        (" 203.0.113.7 ", "203.0.113.7"),
        ("2001:db8:1:2::1", "2001:db8:1:2::/64"),
        ("2001:db8:1:2:ffff:ffff:ffff:ffff", "2001:db8:1:2::/64"),
        ("2001:0db8:0001:0002:0000:0000:0000:0001", "2001:db8:1:2::/64"),
        ("2001:db8:1:3::1", "2001:db8:1:3::/64"),
        ("::ffff:203.0.113.7", "203.0.113.7"),
        ("::1", "::/64"),
        ("testclient", "testclient"),
    ],
)
def test_clients_are_keyed_by_ipv4_address_or_ipv6_64(address: str, subject: str) -> None:
    assert client_subject(address) == subject
