"""Creating, reading, renaming and deleting organizations; slugs; the last-owner rule."""

from __future__ import annotations

import asyncio

import asyncpg

from aluzio.adapters.postgres.database import to_asyncpg_dsn
from tests.integration.organizations.conftest import SignUp, add_member, create_org


async def test_create_list_get_rename(sign_up: SignUp) -> None:
    ada = await sign_up("ada@example.com")
    created = await ada.post("/api/orgs", {"name": "  Équipe Café  "})
    assert created.status_code == 201, created.text
    body = created.json()
    assert set(body) == {"id", "name", "slug", "role", "createdAt"}
    assert (body["name"], body["slug"], body["role"]) == ("Équipe Café", "equipe-cafe", "owner")

    listed = (await ada.get("/api/orgs")).json()
    assert [o["slug"] for o in listed["items"]] == ["equipe-cafe"]
    assert (await ada.get("/api/orgs/equipe-cafe")).json()["role"] == "owner"

    renamed = await ada.send("PATCH", "/api/orgs/equipe-cafe", {"name": "Café", "slug": "cafe"})
    assert renamed.status_code == 200, renamed.text
    assert (await ada.get("/api/orgs/cafe")).json()["name"] == "Café"
    assert (await ada.get("/api/orgs/equipe-cafe")).status_code == 404


async def test_unverified_email_cannot_create(sign_up: SignUp) -> None:
    bob = await sign_up("bob@example.com", verified=False)
    response = await bob.post("/api/orgs", {"name": "Acme"})
    assert response.status_code == 403
    assert response.json()["type"].endswith("/email-not-verified")


async def test_generated_slugs_are_unique_and_given_ones_validated(sign_up: SignUp) -> None:
    ada = await sign_up("ada@example.com")
    first = await create_org(ada, "Acme")
    second = await create_org(ada, "Acme")
    assert first == "acme"
    assert second.startswith("acme-")
    emoji = await create_org(ada, "🚀🚀")
    assert emoji.startswith("org-")
    for bad in ("api", "settings", "ab", "Upper", "double--hyphen", "-edge"):
        response = await ada.post("/api/orgs", {"name": "X", "slug": bad})
        assert response.status_code == 400, (bad, response.text)
    taken = await ada.post("/api/orgs", {"name": "Other", "slug": "acme"})
    assert taken.status_code == 409
    assert taken.json()["type"].endswith("/slug-taken")


async def test_concurrent_creation_with_one_slug(sign_up: SignUp) -> None:
    ada = await sign_up("ada@example.com")
    bea = await sign_up("bea@example.com")
    responses = await asyncio.gather(
        ada.post("/api/orgs", {"name": "Race", "slug": "race"}),
        bea.post("/api/orgs", {"name": "Race", "slug": "race"}),
    )
    assert sorted(r.status_code for r in responses) == [201, 409]
    assert next(r for r in responses if r.status_code == 409).json()["type"].endswith("/slug-taken")


async def test_delete_needs_the_slug_and_removes_everything(
    sign_up: SignUp, database_url: str
) -> None:
    ada = await sign_up("ada@example.com")
    bea = await sign_up("bea@example.com")
    slug = await create_org(ada)
    await add_member(ada, slug, bea, "member", database_url)
    await ada.post(f"/api/orgs/{slug}/invitations", {"email": "cy@example.com"})
    await ada.post(f"/api/orgs/{slug}/join-link")
    wrong = await ada.send("DELETE", f"/api/orgs/{slug}", {"confirmSlug": "nope"})
    assert wrong.status_code == 400
    assert (await bea.send("DELETE", f"/api/orgs/{slug}", {"confirmSlug": slug})).status_code == 403
    deleted = await ada.send("DELETE", f"/api/orgs/{slug}", {"confirmSlug": slug})
    assert deleted.status_code == 204
    assert (await ada.get(f"/api/orgs/{slug}")).status_code == 404
    connection = await asyncpg.connect(to_asyncpg_dsn(database_url))
    try:
        for table in ("organizations", "org_memberships", "org_invitations", "org_join_links"):
            assert await connection.fetchval(f"SELECT count(*) FROM {table}") == 0, table
    finally:
        await connection.close()


async def test_last_owner_cannot_leave_be_demoted_or_removed(
    sign_up: SignUp, database_url: str
) -> None:
    ada = await sign_up("ada@example.com")
    bea = await sign_up("bea@example.com")
    slug = await create_org(ada)
    await add_member(ada, slug, bea, "owner", database_url)
    # Bea demotes Ada: allowed, Bea is still an owner.
    demoted = await bea.send("PATCH", f"/api/orgs/{slug}/members/{ada.id}", {"role": "admin"})
    assert demoted.status_code == 200, demoted.text
    assert (demoted.json()["id"], demoted.json()["role"]) == (ada.id, "admin")
    for response in (
        await bea.post(f"/api/orgs/{slug}/leave"),
        await bea.send("PATCH", f"/api/orgs/{slug}/members/{bea.id}", {"role": "member"}),
        await bea.send("DELETE", f"/api/orgs/{slug}/members/{bea.id}"),
    ):
        assert response.status_code == 409, response.text
        assert response.json()["type"].endswith("/last-owner")
    # An admin may not remove or demote an owner at all.
    refused = await ada.send("DELETE", f"/api/orgs/{slug}/members/{bea.id}")
    assert refused.status_code == 403
    assert refused.json()["type"].endswith("/owner-role-required")


async def test_removed_member_is_refused_on_the_next_request(
    sign_up: SignUp, database_url: str
) -> None:
    ada = await sign_up("ada@example.com")
    bea = await sign_up("bea@example.com")
    slug = await create_org(ada)
    await add_member(ada, slug, bea, "member", database_url)
    assert (await bea.get(f"/api/orgs/{slug}")).status_code == 200
    assert (await ada.send("DELETE", f"/api/orgs/{slug}/members/{bea.id}")).status_code == 204
    assert (await bea.get(f"/api/orgs/{slug}")).status_code == 404
    assert (await bea.get("/api/orgs")).json()["items"] == []
