"""Invitations by email and join links, against Postgres, mail read from the outbox."""

from __future__ import annotations

import asyncpg

from aluzio.adapters.postgres.database import to_asyncpg_dsn
from aluzio.domain.accounts.tokens import token_digest
from tests.integration.accounts.conftest import csrf_of, login
from tests.integration.organizations.conftest import (
    SignUp,
    add_member,
    create_org,
    invitation_token,
)
from tests.support.clock import MutableClock
from tests.support.outbox import enqueued_mail


async def test_invitation_mail_link_accept_once(sign_up: SignUp, database_url: str) -> None:
    ada = await sign_up("ada@example.com", name="Ada")
    bea = await sign_up("bea@example.com")
    slug = await create_org(ada, "Acme")
    invited = await ada.post(f"/api/orgs/{slug}/invitations", {"email": " Bea@Example.com "})
    assert invited.status_code == 201, invited.text
    assert invited.json()["email"] == "bea@example.com"
    (mail,) = await enqueued_mail(database_url, category="org-invitation")
    assert mail.recipient == "bea@example.com"
    assert "Ada invited you to Acme" in mail.subject
    token = mail.link_token("/invitations/accept")
    assert len(token) >= 43  # 256 bits, URL-safe base64
    connection = await asyncpg.connect(to_asyncpg_dsn(database_url))
    try:
        stored = await connection.fetchval("SELECT token_hash FROM org_invitations")
        recipient = await connection.fetchval(
            "SELECT user_id FROM mail_outbox WHERE category = 'org-invitation'"
        )
    finally:
        await connection.close()
    assert stored == token_digest(token)
    assert str(recipient) == bea.id

    listed = (await ada.get(f"/api/orgs/{slug}/invitations")).json()
    assert [i["email"] for i in listed["items"]] == ["bea@example.com"]
    accepted = await bea.post("/api/invitations/accept", {"token": token})
    assert accepted.status_code == 200, accepted.text
    assert accepted.json()["org"]["slug"] == slug
    assert accepted.json()["org"]["role"] == "member"
    reused = await bea.post("/api/invitations/accept", {"token": token})
    assert reused.status_code == 403
    assert reused.json()["type"].endswith("/invalid-invitation")
    again = await ada.post(f"/api/orgs/{slug}/invitations", {"email": "bea@example.com"})
    assert again.status_code == 409
    assert again.json()["type"].endswith("/already-member")


async def test_wrong_address_and_unverified_address_are_refused(
    sign_up: SignUp, database_url: str
) -> None:
    ada = await sign_up("ada@example.com")
    eve = await sign_up("eve@example.com")
    bob = await sign_up("bob@example.com", verified=False)
    slug = await create_org(ada)
    await ada.post(f"/api/orgs/{slug}/invitations", {"email": "bob@example.com"})
    token = await invitation_token(database_url, "bob@example.com")
    wrong = await eve.post("/api/invitations/accept", {"token": token})
    assert wrong.status_code == 403
    assert wrong.json()["type"].endswith("/invitation-email-mismatch")
    unverified = await bob.post("/api/invitations/accept", {"token": token})
    assert unverified.status_code == 403
    assert unverified.json()["type"].endswith("/email-not-verified")
    # Neither refusal used the invitation up.
    assert len((await ada.get(f"/api/orgs/{slug}/invitations")).json()["items"]) == 1


async def test_expired_revoked_and_replaced_invitations(
    sign_up: SignUp, database_url: str, clock: MutableClock
) -> None:
    ada = await sign_up("ada@example.com")
    bea = await sign_up("bea@example.com")
    slug = await create_org(ada)
    await ada.post(f"/api/orgs/{slug}/invitations", {"email": "bea@example.com"})
    first = await invitation_token(database_url, "bea@example.com")
    # Re-inviting replaces the pending invitation: the first link stops working.
    await ada.post(f"/api/orgs/{slug}/invitations", {"email": "bea@example.com", "role": "admin"})
    second = await invitation_token(database_url, "bea@example.com")
    assert (await bea.post("/api/invitations/accept", {"token": first})).status_code == 403
    pending = (await ada.get(f"/api/orgs/{slug}/invitations")).json()["items"]
    assert [i["role"] for i in pending] == ["admin"]
    revoked = await ada.send("DELETE", f"/api/orgs/{slug}/invitations/{pending[0]['id']}")
    assert revoked.status_code == 204
    assert (await bea.post("/api/invitations/accept", {"token": second})).status_code == 403

    await ada.post(f"/api/orgs/{slug}/invitations", {"email": "bea@example.com"})
    third = await invitation_token(database_url, "bea@example.com")
    clock.advance(days=7)
    # Sessions have expired too: sign in again.
    assert (await login(bea.client, "bea@example.com")).status_code == 200
    bea.csrf = await csrf_of(bea.client)
    expired = await bea.post("/api/invitations/accept", {"token": third})
    assert expired.status_code == 403
    assert expired.json()["type"].endswith("/invalid-invitation")


async def test_registering_after_the_invitation_shows_it_pending(
    sign_up: SignUp, database_url: str
) -> None:
    ada = await sign_up("ada@example.com")
    slug = await create_org(ada, "Acme")
    await ada.post(f"/api/orgs/{slug}/invitations", {"email": "new@example.com"})
    (mail,) = await enqueued_mail(database_url, category="org-invitation")
    newcomer = await sign_up("new@example.com")
    pending = (await newcomer.get("/api/invitations/pending")).json()["items"]
    assert [(p["organization"]["slug"], p["role"]) for p in pending] == [(slug, "member")]
    other = await sign_up("other@example.com")
    assert (await other.post(f"/api/invitations/{pending[0]['id']}/accept")).status_code == 404
    accepted = await newcomer.post(f"/api/invitations/{pending[0]['id']}/accept")
    assert accepted.status_code == 200, accepted.text
    assert (await newcomer.get("/api/invitations/pending")).json()["items"] == []
    assert mail.recipient == "new@example.com"


async def test_only_owners_invite_owners_and_invitations_are_throttled(
    sign_up: SignUp, database_url: str
) -> None:
    ada = await sign_up("ada@example.com")
    adm = await sign_up("adm@example.com")
    slug = await create_org(ada)
    await add_member(ada, slug, adm, "admin", database_url)
    refused = await adm.post(
        f"/api/orgs/{slug}/invitations", {"email": "x@example.com", "role": "owner"}
    )
    assert refused.status_code == 403
    assert refused.json()["type"].endswith("/owner-role-required")
    statuses = [
        (
            await ada.post(f"/api/orgs/{slug}/invitations", {"email": f"p{n}@example.com"})
        ).status_code
        for n in range(50)
    ]
    # The admin's invitation above counted too.
    assert statuses.count(201) == 49
    assert statuses[-1] == 429


async def test_join_link_rotation(sign_up: SignUp) -> None:
    ada = await sign_up("ada@example.com")
    bea = await sign_up("bea@example.com")
    cy = await sign_up("cy@example.com")
    dan = await sign_up("dan@example.com", verified=False)
    slug = await create_org(ada)
    old = (await ada.post(f"/api/orgs/{slug}/join-link")).json()["url"]
    assert old.startswith("https://aluzio.test/join#token=")
    new = (await ada.post(f"/api/orgs/{slug}/join-link")).json()["url"]
    old_token, new_token = old.split("#token=")[1], new.split("#token=")[1]
    stale = await bea.post("/api/join", {"token": old_token})
    assert stale.status_code == 403
    assert stale.json()["type"].endswith("/invalid-invitation")
    joined = await bea.post("/api/join", {"token": new_token})
    assert joined.status_code == 200, joined.text
    assert joined.json()["org"]["role"] == "member"
    unverified = await dan.post("/api/join", {"token": new_token})
    assert unverified.status_code == 403
    assert unverified.json()["type"].endswith("/email-not-verified")
    assert (await ada.send("DELETE", f"/api/orgs/{slug}/join-link")).status_code == 204
    assert (await cy.post("/api/join", {"token": new_token})).status_code == 403
