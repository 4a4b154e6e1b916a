"""Organization tests: the real app on a real Postgres, each person in a browser (client and
app instance) of their own, signed in with a verified email address, mail read from the
outbox."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AsyncExitStack
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from tests.integration.accounts import conftest as accounts_fixtures
from tests.integration.accounts.conftest import PASSWORD, csrf_of
from tests.support.outbox import enqueued_mail

# The account tests' app: Postgres, a clock the test moves, Argon2 at the test cost.
clock = accounts_fixtures.clock
settings = accounts_fixtures.settings
make_app = accounts_fixtures.make_app
app = accounts_fixtures.app
open_client = accounts_fixtures.open_client


@dataclass
class Person:
    """A signed-in user in a browser of their own."""

    client: AsyncTestClient[Litestar]
    email: str
    id: str
    csrf: str

    async def get(self, path: str, **kwargs: Any) -> httpx.Response:
        return await self.client.get(path, **kwargs)

    async def send(self, method: str, path: str, json: Any = None) -> httpx.Response:
        return await self.client.request(
            method, path, json=json, headers={"X-CSRF-Token": self.csrf}
        )

    async def post(self, path: str, json: Any = None) -> httpx.Response:
        return await self.send("POST", path, json)


SignUp = Callable[..., Awaitable[Person]]


@pytest.fixture
async def sign_up(
    open_client: Callable[..., AsyncTestClient[Litestar]], database_url: str
) -> AsyncIterator[SignUp]:
    """``await sign_up("bea@example.com")``: a new account, verified unless told not."""
    async with AsyncExitStack() as stack:

        async def sign_up_(email: str, *, name: str = "Someone", verified: bool = True) -> Person:
            client = await stack.enter_async_context(open_client())
            response = await client.post(
                "/api/auth/register",
                json={"name": name, "email": email, "password": PASSWORD, "confirmsAdult": True},
            )
            assert response.status_code == 201, response.text
            user_id = response.json()["user"]["id"]
            csrf = await csrf_of(client)
            if verified:
                mail = [
                    m
                    for m in await enqueued_mail(database_url, category="verify-email")
                    if m.recipient == email
                ]
                token = mail[-1].link_token("/auth/verify-email")
                verified_response = await client.post(
                    "/api/auth/verify-email",
                    json={"token": token},
                    headers={"X-CSRF-Token": csrf},
                )
                assert verified_response.status_code == 200, verified_response.text
            return Person(client=client, email=email, id=user_id, csrf=csrf)

        yield sign_up_


async def create_org(person: Person, name: str = "Acme", slug: str | None = None) -> str:
    body: dict[str, Any] = {"name": name}
    if slug is not None:
        body["slug"] = slug
    response = await person.post("/api/orgs", body)
    assert response.status_code == 201, response.text
    return str(response.json()["slug"])


async def invitation_token(database_url: str, email: str) -> str:
    mail = [
        m
        for m in await enqueued_mail(database_url, category="org-invitation")
        if m.recipient == email
    ]
    assert mail, f"no invitation mail to {email}"
    return mail[-1].link_token("/invitations/accept")


async def add_member(
    owner: Person, slug: str, person: Person, role: str, database_url: str
) -> None:
    """Invite ``person`` with ``role`` and accept from the mailed link."""
    invited = await owner.post(
        f"/api/orgs/{slug}/invitations", {"email": person.email, "role": role}
    )
    assert invited.status_code == 201, invited.text
    token = await invitation_token(database_url, person.email)
    accepted = await person.post("/api/invitations/accept", {"token": token})
    assert accepted.status_code == 200, accepted.text
    assert accepted.json()["org"]["role"] == role
