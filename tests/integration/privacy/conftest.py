"""Privacy tests: the real app on a real Postgres (people sign up in browsers of their own,
as in the organization tests), and the privacy use cases over a container of their own on
the same database and the same clock, as the worker and the admin commands run them."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from aluzio.application.privacy.context import PrivacyContext
from aluzio.entrypoints.container import build_container
from aluzio.entrypoints.settings import Settings
from tests.integration.accounts.conftest import fast_hasher
from tests.integration.organizations import conftest as organization_fixtures
from tests.support.clock import MutableClock

clock = organization_fixtures.clock
settings = organization_fixtures.settings
make_app = organization_fixtures.make_app
app = organization_fixtures.app
open_client = organization_fixtures.open_client
sign_up = organization_fixtures.sign_up


@pytest.fixture
async def privacy(settings: Settings, clock: MutableClock) -> AsyncIterator[PrivacyContext]:
    container = build_container(settings, clock=clock, password_hasher=fast_hasher())
    try:
        yield container.privacy
    finally:
        await container.close()
