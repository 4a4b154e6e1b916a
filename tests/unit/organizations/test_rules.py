"""The organization rules as plain functions: roles, slugs, names."""

from __future__ import annotations

import pytest

from aluzio.domain.errors import InvalidInput
from aluzio.domain.organizations.errors import AdminRoleRequired, OwnerRoleRequired
from aluzio.domain.organizations.model import (
    RESERVED_SLUGS,
    OrganizationName,
    Role,
    Slug,
    check_invitation_role,
    check_removal,
    check_role_change,
)

M, A, OW = Role.MEMBER, Role.ADMIN, Role.OWNER


@pytest.mark.parametrize(
    ("actor", "current", "new", "refusal"),
    [
        (M, M, A, AdminRoleRequired),
        (M, A, M, AdminRoleRequired),
        (A, M, A, None),
        (A, A, M, None),
        (A, M, OW, OwnerRoleRequired),
        (A, OW, A, OwnerRoleRequired),
        (A, OW, M, OwnerRoleRequired),
        (OW, M, OW, None),
        (OW, OW, M, None),
        (OW, A, OW, None),
    ],
)
def test_role_changes(
    actor: Role, current: Role, new: Role, refusal: type[Exception] | None
) -> None:
    if refusal is None:
        check_role_change(actor, current, new)
    else:
        with pytest.raises(refusal):
            check_role_change(actor, current, new)


@pytest.mark.parametrize(
    ("actor", "target", "refusal"),
    [
        (M, M, AdminRoleRequired),
        (A, M, None),
        (A, A, None),
        (A, OW, OwnerRoleRequired),
        (OW, OW, None),
    ],
)
def test_removals(actor: Role, target: Role, refusal: type[Exception] | None) -> None:
    if refusal is None:
        check_removal(actor, target)
    else:
        with pytest.raises(refusal):
            check_removal(actor, target)


@pytest.mark.parametrize(
    ("actor", "invited", "refusal"),
    [(M, M, AdminRoleRequired), (A, A, None), (A, OW, OwnerRoleRequired), (OW, OW, None)],
)
def test_invitations(actor: Role, invited: Role, refusal: type[Exception] | None) -> None:
    if refusal is None:
        check_invitation_role(actor, invited)
    else:
        with pytest.raises(refusal):
            check_invitation_role(actor, invited)


def test_the_403_names_the_role() -> None:
    assert AdminRoleRequired.code == "admin-role-required"
    assert OwnerRoleRequired.code == "owner-role-required"


@pytest.mark.parametrize(
    ("name", "slug"),
    [
        ("Acme", "acme"),
        ("  Équipe Café  ", "equipe-cafe"),
        ("Zürich Straße Team", "zurich-strasse-team"),
        ("Ærø & Co.", "aero-co"),
        ("São Paulo -- Dev", "sao-paulo-dev"),
        ("Team 42", "team-42"),
        ("🚀 Rocket 🚀", "rocket"),
        ("x" * 60, "x" * 40),
    ],
)
def test_slug_from_name(name: str, slug: str) -> None:
    assert Slug.from_name(name, "abc123").value == slug


@pytest.mark.parametrize(
    "name", ["🚀🚀🚀", "東京チーム", "Команда", "فريق", "ab", "API", "Settings"]
)
def test_names_without_enough_latin_letters_or_reserved_get_a_random_slug(name: str) -> None:
    assert Slug.from_name(name, "abc123").value == "org-abc123"


@pytest.mark.parametrize("reserved", sorted(RESERVED_SLUGS))
def test_reserved_slugs_are_refused(reserved: str) -> None:
    with pytest.raises(InvalidInput):
        Slug(reserved)


@pytest.mark.parametrize(
    "bad", ["ab", "x" * 41, "Upper", "double--hyphen", "-start", "end-", "under_score", "é-t-é", ""]
)
def test_malformed_slugs_are_refused(bad: str) -> None:
    with pytest.raises(InvalidInput):
        Slug(bad)


def test_suffix_keeps_the_slug_within_bounds() -> None:
    assert Slug("x" * 40).with_suffix("a1b2c3").value == "x" * 33 + "-a1b2c3"
    assert Slug("acme").with_suffix("a1b2c3").value == "acme-a1b2c3"


@pytest.mark.parametrize("bad", ["", "   ", "x" * 101, "tab\there", "new\nline"])
def test_organization_names(bad: str) -> None:
    with pytest.raises(InvalidInput):
        OrganizationName.parse(bad)
    assert OrganizationName.parse("  Acme ").value == "Acme"
