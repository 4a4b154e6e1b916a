"""Board rules at the use-case level, in memory: milliseconds each."""

from __future__ import annotations

import copy
import uuid

import pytest

from aluzio.application.actor import SystemActor, UserActor
from aluzio.application.boards import boards as uc
from aluzio.application.boards.access import require_board
from aluzio.application.boards.boards import SectionFields
from aluzio.application.boards.context import BoardsContext
from aluzio.application.organizations import invitations, members
from aluzio.application.organizations.context import OrganizationsContext
from aluzio.application.organizations.organizations import create_organization, delete_organization
from aluzio.application.pagination import Page
from aluzio.domain.accounts.errors import EmailNotVerified
from aluzio.domain.boards.errors import (
    BoardLimitReached,
    BoardNotFound,
    NotBoardCreator,
    SectionNotFound,
    TemplateOrSections,
    UnknownTemplate,
)
from aluzio.domain.boards.model import MAX_BOARDS_PER_ORGANIZATION, Board, SectionDraft
from aluzio.domain.errors import InvalidInput, NotAuthenticated
from aluzio.domain.organizations.errors import AdminRoleRequired, OrganizationNotFound
from aluzio.domain.organizations.model import Role
from tests.support.clock import MutableClock
from tests.unit.organizations.conftest import SignUp


async def _team(
    orgs: OrganizationsContext, sign_up: SignUp
) -> tuple[str, UserActor, UserActor, UserActor]:
    """An organization with an owner, an admin and a member."""
    owner = await sign_up("owner@example.com")
    slug = (await create_organization(orgs, owner, "Team", "team")).organization.slug
    token = await invitations.rotate_join_link(orgs, owner, slug)
    admin = await sign_up("admin@example.com")
    member = await sign_up("member@example.com")
    for person in (admin, member):
        await invitations.join(orgs, person, token.split("#token=")[1])
    await members.change_role(orgs, owner, slug, admin.user.id, Role.ADMIN)
    return slug, owner, admin, member


def _unverified(actor: UserActor) -> UserActor:
    user = copy.copy(actor.user)
    user.email_verified_at = None
    return UserActor(user, actor.session, actor.token)


async def test_create_from_a_template_and_read_it_back(
    boards: BoardsContext, orgs: OrganizationsContext, sign_up: SignUp
) -> None:
    slug, _, _, member = await _team(orgs, sign_up)
    created = await uc.create_board(boards, member, slug, name=" Weekly ", template_key="four-ls")
    assert created.board.name == "Weekly"
    assert created.board.created_by == member.user.id
    assert created.access.organization.slug == slug
    assert [s.title for s in created.board.sections] == ["Liked", "Learned", "Lacked", "Longed for"]
    read = await uc.get_board(boards, member, created.board.id)
    assert [(s.id, s.title, s.prompt, s.color) for s in read.board.sections] == [
        (s.id, s.title, s.prompt, s.color) for s in created.board.sections
    ]


async def test_create_with_custom_sections(
    boards: BoardsContext, orgs: OrganizationsContext, sign_up: SignUp
) -> None:
    slug, owner, _, _ = await _team(orgs, sign_up)
    created = await uc.create_board(
        boards,
        owner,
        slug,
        name="Custom",
        sections=[SectionFields("Kudos", "Who helped?", "pink"), SectionFields("Ideas")],
    )
    assert [(s.title, s.prompt, s.color) for s in created.board.sections] == [
        ("Kudos", "Who helped?", "pink"),
        ("Ideas", None, None),
    ]


@pytest.mark.parametrize(
    ("template_key", "sections", "refusal"),
    [
        (None, None, TemplateOrSections),
        ("sailboat", [SectionFields("A")], TemplateOrSections),
        ("nope", None, UnknownTemplate),
        (None, [], InvalidInput),
        (None, [SectionFields("A", color="beige")], InvalidInput),
        (None, [SectionFields("A", id=uuid.uuid4())], SectionNotFound),
    ],
)
async def test_create_refusals(
    boards: BoardsContext,
    orgs: OrganizationsContext,
    sign_up: SignUp,
    template_key: str | None,
    sections: list[SectionFields] | None,
    refusal: type[Exception],
) -> None:
    slug, owner, _, _ = await _team(orgs, sign_up)
    with pytest.raises(refusal):
        await uc.create_board(
            boards, owner, slug, name="B", template_key=template_key, sections=sections
        )
    assert (await uc.list_boards(boards, owner, slug)).boards.total == 0


async def test_non_members_and_other_tenants_meet_not_found(
    boards: BoardsContext, orgs: OrganizationsContext, sign_up: SignUp
) -> None:
    slug, owner, _, _ = await _team(orgs, sign_up)
    board = (await uc.create_board(boards, owner, slug, name="B", template_key="sailboat")).board
    eve = await sign_up("eve@example.com")
    await create_organization(orgs, eve, "Other", "other")
    with pytest.raises(OrganizationNotFound):
        await uc.create_board(boards, eve, slug, name="B", template_key="sailboat")
    with pytest.raises(OrganizationNotFound):
        await uc.list_boards(boards, eve, slug)
    for attempt in (
        uc.get_board(boards, eve, board.id),
        uc.rename_board(boards, eve, board.id, "Mine"),
        uc.replace_sections(boards, eve, board.id, [SectionFields("X")]),
        uc.delete_board(boards, eve, board.id),
        uc.get_board(boards, owner, uuid.uuid4()),
    ):
        with pytest.raises(BoardNotFound):
            await attempt
    assert (await uc.get_board(boards, owner, board.id)).board.name == "B"


async def test_the_system_actor_has_no_membership(
    boards: BoardsContext, orgs: OrganizationsContext, sign_up: SignUp
) -> None:
    slug, owner, _, _ = await _team(orgs, sign_up)
    board = (await uc.create_board(boards, owner, slug, name="B", template_key="sailboat")).board
    with pytest.raises(NotAuthenticated):
        await uc.get_board(boards, SystemActor("cli"), board.id)


async def test_changes_need_a_verified_email_reads_do_not(
    boards: BoardsContext, orgs: OrganizationsContext, sign_up: SignUp
) -> None:
    slug, _, _, member = await _team(orgs, sign_up)
    board = (await uc.create_board(boards, member, slug, name="B", template_key="sailboat")).board
    unverified = _unverified(member)
    for attempt in (
        uc.create_board(boards, unverified, slug, name="B", template_key="sailboat"),
        uc.rename_board(boards, unverified, board.id, "C"),
        uc.replace_sections(boards, unverified, board.id, [SectionFields("X")]),
        uc.delete_board(boards, unverified, board.id),
    ):
        with pytest.raises(EmailNotVerified):
            await attempt
    assert (await uc.get_board(boards, unverified, board.id)).board.name == "B"
    assert (await uc.list_boards(boards, unverified, slug)).boards.total == 1


async def test_any_member_renames(
    boards: BoardsContext, orgs: OrganizationsContext, sign_up: SignUp
) -> None:
    slug, owner, _, member = await _team(orgs, sign_up)
    board = (await uc.create_board(boards, owner, slug, name="B", template_key="sailboat")).board
    renamed = await uc.rename_board(boards, member, board.id, "  Renamed ")
    assert renamed.board.name == "Renamed"
    assert (await uc.get_board(boards, owner, board.id)).board.name == "Renamed"
    with pytest.raises(InvalidInput):
        await uc.rename_board(boards, member, board.id, "x" * 101)


@pytest.mark.parametrize(
    ("creator", "deleter", "allowed"),
    [
        ("member", "member", True),
        ("owner", "member", False),
        ("admin", "member", False),
        ("member", "admin", True),
        ("member", "owner", True),
        ("owner", "admin", True),
    ],
)
async def test_who_deletes_a_board(
    boards: BoardsContext,
    orgs: OrganizationsContext,
    sign_up: SignUp,
    creator: str,
    deleter: str,
    allowed: bool,
) -> None:
    slug, owner, admin, member = await _team(orgs, sign_up)
    cast = {"owner": owner, "admin": admin, "member": member}
    board = (
        await uc.create_board(boards, cast[creator], slug, name="B", template_key="sailboat")
    ).board
    if allowed:
        await uc.delete_board(boards, cast[deleter], board.id)
        with pytest.raises(BoardNotFound):
            await uc.get_board(boards, owner, board.id)
    else:
        with pytest.raises(NotBoardCreator):
            await uc.delete_board(boards, cast[deleter], board.id)
        assert (await uc.get_board(boards, owner, board.id)).board.id == board.id


async def test_replacing_sections_keeps_ids_of_kept_sections(
    boards: BoardsContext, orgs: OrganizationsContext, sign_up: SignUp
) -> None:
    slug, owner, _, member = await _team(orgs, sign_up)
    board = (
        await uc.create_board(boards, owner, slug, name="B", template_key="start-stop-continue")
    ).board
    start, stop, keep_going = board.sections
    replaced = await uc.replace_sections(
        boards,
        member,
        board.id,
        [
            SectionFields("Continue", "Still good?", "teal", id=keep_going.id),
            SectionFields("Start", id=start.id),
            SectionFields("Shout-outs", color="pink"),
        ],
    )
    sections = (await uc.get_board(boards, owner, board.id)).board.sections
    assert [s.id for s in sections] == [s.id for s in replaced.board.sections]
    assert [s.id for s in sections][:2] == [keep_going.id, start.id]
    assert sections[2].id not in {start.id, stop.id, keep_going.id}
    assert [(s.title, s.prompt, s.color) for s in sections] == [
        ("Continue", "Still good?", "teal"),
        ("Start", None, None),
        ("Shout-outs", None, "pink"),
    ]


async def test_another_boards_section_id_is_not_found(
    boards: BoardsContext, orgs: OrganizationsContext, sign_up: SignUp
) -> None:
    slug, owner, _, _ = await _team(orgs, sign_up)
    mine = (await uc.create_board(boards, owner, slug, name="A", template_key="sailboat")).board
    other = (await uc.create_board(boards, owner, slug, name="B", template_key="four-ls")).board
    with pytest.raises(SectionNotFound):
        await uc.replace_sections(
            boards, owner, mine.id, [SectionFields("Stolen", id=other.sections[0].id)]
        )
    after = (await uc.get_board(boards, owner, mine.id)).board
    assert [s.title for s in after.sections] == ["Wind", "Anchors", "Rocks", "Island"]


async def test_lists_newest_first_at_most_50_a_page(
    boards: BoardsContext, orgs: OrganizationsContext, sign_up: SignUp, clock: MutableClock
) -> None:
    slug, owner, _, member = await _team(orgs, sign_up)
    for number in range(55):
        clock.advance(seconds=1)
        await uc.create_board(boards, owner, slug, name=f"B{number}", template_key="sailboat")
    first = await uc.list_boards(boards, member, slug, Page(limit=100))
    assert (first.page.limit, first.boards.total, len(first.boards.items)) == (50, 55, 50)
    assert first.boards.items[0].name == "B54"
    rest = await uc.list_boards(boards, member, slug, Page(limit=50, offset=50))
    assert [b.name for b in rest.boards.items] == ["B4", "B3", "B2", "B1", "B0"]


async def test_an_organization_holds_at_most_200_boards(
    boards: BoardsContext, orgs: OrganizationsContext, sign_up: SignUp
) -> None:
    slug, owner, _, _ = await _team(orgs, sign_up)
    first = await uc.create_board(boards, owner, slug, name="First", template_key="sailboat")
    async with boards.unit_of_work() as uow:  # the others, at once
        for number in range(1, MAX_BOARDS_PER_ORGANIZATION):
            await uow.boards.add(
                Board.create(
                    id=uuid.uuid4(),
                    organization_id=first.access.organization.id,
                    name=f"B{number}",
                    sections=[SectionDraft("S")],
                    created_by=owner.user.id,
                    now=first.board.created_at,
                    new_id=uuid.uuid4,
                )
            )
        await uow.commit()
    with pytest.raises(BoardLimitReached):
        await uc.create_board(boards, owner, slug, name="One too many", template_key="sailboat")
    assert (await uc.list_boards(boards, owner, slug)).boards.total == MAX_BOARDS_PER_ORGANIZATION
    await uc.delete_board(boards, owner, first.board.id)
    await uc.create_board(boards, owner, slug, name="Room again", template_key="sailboat")


async def test_deleting_the_organization_deletes_its_boards(
    boards: BoardsContext, orgs: OrganizationsContext, sign_up: SignUp
) -> None:
    slug, owner, _, _ = await _team(orgs, sign_up)
    board = (await uc.create_board(boards, owner, slug, name="B", template_key="sailboat")).board
    await delete_organization(orgs, owner, slug, slug)
    with pytest.raises(BoardNotFound):
        await uc.get_board(boards, owner, board.id)


async def test_require_board_passes_the_role_rule_on(
    boards: BoardsContext, orgs: OrganizationsContext, sign_up: SignUp
) -> None:
    slug, owner, _, member = await _team(orgs, sign_up)
    board = (await uc.create_board(boards, owner, slug, name="B", template_key="sailboat")).board
    async with boards.unit_of_work() as uow:
        reached = await require_board(uow, owner, board.id, at_least=Role.OWNER)
        assert reached.access.role is Role.OWNER
        with pytest.raises(AdminRoleRequired):
            await require_board(uow, member, board.id, at_least=Role.ADMIN)
