"""Whoever builds a session factory can use the domain's entities with it at once, without
relying on something else (the container, another test) having mapped them first."""

from __future__ import annotations

import subprocess
import sys

_PROBE = """
from sqlalchemy import inspect
from aluzio.adapters.postgres.database import create_engine, create_session_factory
from aluzio.adapters.postgres.accounts import UserRecord
create_session_factory(create_engine("postgresql://nobody@127.0.0.1:9/none"))
print(inspect(UserRecord).local_table.name)
"""


def test_a_new_session_factory_maps_the_domain_entities() -> None:
    # A fresh interpreter: in this one, earlier tests may have mapped everything already.
    result = subprocess.run(
        [sys.executable, "-c", _PROBE], capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "users"
