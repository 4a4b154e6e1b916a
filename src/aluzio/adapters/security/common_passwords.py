"""The common-password list: zxcvbn's 30,000 most frequent leaked passwords.

It ships inside the ``zxcvbn`` package, so nothing is fetched over the network.
"""

from __future__ import annotations

from functools import cache

from zxcvbn.frequency_lists import FREQUENCY_LISTS


@cache
def common_passwords() -> frozenset[str]:
    return frozenset(word.lower() for word in FREQUENCY_LISTS["passwords"])
