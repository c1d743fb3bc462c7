"""The members page: who is in, with which role, who is invited; owners and admins change
roles, remove, invite (the e-mail in the invitee's language) and revoke, through the API's
services and role sets. The services' refusals are said beside the row they concern."""

from __future__ import annotations

from datetime import UTC, timedelta

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from accounts.models import AuditEvent, Invitation, Membership
from accounts.roles import Role
from core.jobs import job_execute
from core.models import Job
from tests.factories import InvitationFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

SITE = "https://cbam.example"
ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-CN"}


@pytest.fixture(autouse=True)
def _site_url(settings) -> None:
    settings.SITE_URL = SITE


@pytest.fixture
def team(organisation) -> dict[str, Membership]:
    """One member per role of 阿克米钢铁 (acme-steel), joined in the order of ``Role``."""
    return {
        role: MembershipFactory(
            organisation=organisation,
            role=role,
            user__email=f"{role}@acme.example",
            user__full_name=f"{role.title()} Person",
        )
        for role in Role.values
    }


def _client(membership: Membership) -> Client:
    client = Client()
    client.force_login(membership.user)
    return client


def _url(path: str = "") -> str:
    return f"/o/acme-steel/{path}"


def test_the_list_shows_each_member_and_invitation_in_a_pinned_number_of_queries(
    team, organisation, django_assert_num_queries
):
    owner = team[Role.OWNER]
    for n in range(3):
        InvitationFactory(
            organisation=organisation, email=f"new{n}@acme.example", invited_by=owner.user
        )
    InvitationFactory(
        organisation=organisation,
        email="late@acme.example",
        expires_at=timezone.now() - timedelta(days=1),
    )
    client = _client(owner)

    with django_assert_num_queries(5):
        page = client.get(_url("members/"))

    assert page.status_code == 200
    rows = page.context["rows"]
    assert [(r.membership.user.email, r.membership.role) for r in rows] == [
        ("owner@acme.example", "owner"),
        ("admin@acme.example", "admin"),
        ("preparer@acme.example", "preparer"),
        ("reviewer@acme.example", "reviewer"),
        ("viewer@acme.example", "viewer"),
    ]
    assert [(r.is_me, r.can_change_role, r.can_remove) for r in rows] == [
        (True, False, True),
        (False, True, True),
        (False, True, True),
        (False, True, True),
        (False, True, True),
    ]
    assert [(i.invitation.email, i.status) for i in page.context["invitations"]] == [
        ("late@acme.example", "expired"),
        ("new2@acme.example", "pending"),
        ("new1@acme.example", "pending"),
        ("new0@acme.example", "pending"),
    ]
    html = page.content.decode()
    assert html.count('action="/o/acme-steel/invitations/') == 3  # revoke the pending ones
    assert "Admin Person" in html


def test_an_admin_may_not_touch_an_owner_nor_offer_the_owner_role(team):
    page = _client(team[Role.ADMIN]).get(_url("members/"))

    rows = {r.membership.role: r for r in page.context["rows"]}
    assert (rows["owner"].can_change_role, rows["owner"].can_remove) == (False, False)
    assert [value for value, _ in page.context["roles"]] == [
        "admin",
        "preparer",
        "reviewer",
        "viewer",
    ]


def test_a_viewer_sees_the_members_but_no_invitation_and_no_action(team):
    page = _client(team[Role.VIEWER]).get(_url("members/"))

    assert page.status_code == 200
    assert page.context["invitations"] == []
    assert not any(r.can_change_role or r.can_remove for r in page.context["rows"])
    assert "/invitations/" not in page.content.decode()
    assert 'name="email"' not in page.content.decode()


def test_an_admin_changes_a_role_through_the_service(team):
    preparer = team[Role.PREPARER]

    answer = _client(team[Role.ADMIN]).post(
        _url(f"members/{preparer.pk}/role/"), {"role": "reviewer"}
    )

    assert answer.status_code == 302
    assert answer["Location"] == "/o/acme-steel/members/"
    preparer.refresh_from_db()
    assert preparer.role == "reviewer"
    event = AuditEvent.objects.get(action="membership.role_changed")
    assert (event.actor_user_id, event.before, event.after) == (
        team[Role.ADMIN].user_id,
        {"role": "preparer"},
        {"role": "reviewer", "user": "preparer@acme.example"},
    )


@pytest.mark.parametrize("role", [Role.PREPARER, Role.REVIEWER, Role.VIEWER])
def test_a_role_change_is_refused_to_a_non_admin(team, role):
    target = team[Role.VIEWER if role != Role.VIEWER else Role.REVIEWER]

    answer = _client(team[role]).post(_url(f"members/{target.pk}/role/"), {"role": "admin"})

    assert answer.status_code == 403
    target.refresh_from_db()
    assert target.role != "admin"
    assert not AuditEvent.objects.exists()


def test_an_admin_changing_an_owner_is_told_why_not_in_chinese(team):
    owner = team[Role.OWNER]

    answer = _client(team[Role.ADMIN]).post(
        _url(f"members/{owner.pk}/role/"), {"role": "viewer"}, **ZH
    )

    assert answer.status_code == 200
    row = next(r for r in answer.context["rows"] if r.membership.pk == owner.pk)
    assert row.error == "只有所有者才能授予、更改或移除所有者角色。"
    assert "只有所有者才能授予、更改或移除所有者角色。" in answer.content.decode()
    owner.refresh_from_db()
    assert owner.role == "owner"


def test_nobody_changes_their_own_role(team):
    admin = team[Role.ADMIN]
    answer = _client(admin).post(_url(f"members/{admin.pk}/role/"), {"role": "viewer"})
    assert answer.status_code == 200
    row = next(r for r in answer.context["rows"] if r.membership.pk == admin.pk)
    assert row.error == "You cannot change your own role; ask another admin or owner."


def test_an_unknown_role_is_said_beside_the_row(team):
    viewer = team[Role.VIEWER]
    answer = _client(team[Role.OWNER]).post(_url(f"members/{viewer.pk}/role/"), {"role": "god"})
    assert answer.status_code == 200
    row = next(r for r in answer.context["rows"] if r.membership.pk == viewer.pk)
    assert row.error == "Choose one of the roles."


def test_an_owner_removes_a_member(team):
    viewer = team[Role.VIEWER]

    answer = _client(team[Role.OWNER]).post(_url(f"members/{viewer.pk}/remove/"))

    assert answer.status_code == 302
    assert not Membership.objects.filter(pk=viewer.pk).exists()
    event = AuditEvent.objects.get(action="membership.removed")
    assert event.before == {"user": "viewer@acme.example", "role": "viewer"}


def test_the_last_owner_cannot_be_removed_and_the_page_says_so(team):
    owner = team[Role.OWNER]

    answer = _client(owner).post(_url(f"members/{owner.pk}/remove/"), **ZH)

    assert answer.status_code == 200
    row = next(r for r in answer.context["rows"] if r.membership.pk == owner.pk)
    assert row.error == "组织必须至少保留一名所有者：请先将其他人设为所有者。"
    assert Membership.objects.filter(pk=owner.pk).exists()
    assert not AuditEvent.objects.exists()


def test_one_of_two_owners_may_leave(team, organisation):
    second = MembershipFactory(organisation=organisation, role=Role.OWNER)

    answer = _client(second).post(_url(f"members/{second.pk}/remove/"))

    assert answer.status_code == 302
    assert answer["Location"] == "/dashboard/"
    assert not Membership.objects.filter(pk=second.pk).exists()


def test_an_invitation_to_someone_without_an_account_is_e_mailed_in_chinese_then_english(
    team, organisation
):
    answer = _client(team[Role.ADMIN]).post(
        _url("members/"), {"email": "New.Person@Example.com", "role": "preparer"}
    )

    assert answer.status_code == 302
    invitation = Invitation.objects.get()
    assert (invitation.email, invitation.role) == ("new.person@example.com", "preparer")
    job = Job.objects.get(kind="accounts.send_invitation_email")
    assert job_execute(job_id=job.pk).status == "succeeded"
    message = mail.outbox[0]
    assert message.to == ["new.person@example.com"]
    assert message.subject == (
        "加入 CBAM Exchange 上的 阿克米钢铁 (Acme Steel) / "
        "Join 阿克米钢铁 (Acme Steel) on CBAM Exchange"
    )
    chinese, english = message.body.split("\n----\n\n")
    until = f"{invitation.expires_at.astimezone(UTC):%Y-%m-%d %H:%M} UTC"
    assert chinese.startswith(
        "admin@acme.example 邀请您以填报人身份加入 CBAM Exchange 上的 阿克米钢铁 (Acme Steel)。\n\n"
        f"请在 {until} 之前接受：\n{SITE}/accounts/invitations/"
    )
    assert english.startswith(
        "admin@acme.example invites you to join 阿克米钢铁 (Acme Steel) on CBAM Exchange as "
        f"preparer.\n\nAccept before {until}:\n{SITE}/accounts/invitations/"
    )


def test_an_invitation_is_e_mailed_in_the_invitee_s_own_language(team):
    UserFactory(email="known@example.com", language="en")

    _client(team[Role.OWNER]).post(
        _url("members/"), {"email": "known@example.com", "role": "viewer"}
    )
    job_execute(job_id=Job.objects.get(kind="accounts.send_invitation_email").pk)

    message = mail.outbox[0]
    assert message.subject == "Join 阿克米钢铁 (Acme Steel) on CBAM Exchange"
    assert "邀请" not in message.body


def test_an_invitation_of_a_member_is_refused_at_the_email_field_in_chinese(team):
    answer = _client(team[Role.ADMIN]).post(
        _url("members/"), {"email": "viewer@acme.example", "role": "viewer"}, **ZH
    )

    assert answer.status_code == 200
    assert answer.context["invite_form"].errors == {"email": ["viewer@acme.example 已是成员。"]}
    assert not Invitation.objects.exists()


def test_an_admin_cannot_invite_an_owner(team):
    answer = _client(team[Role.ADMIN]).post(
        _url("members/"), {"email": "boss@example.com", "role": "owner"}
    )
    assert answer.status_code == 200
    assert answer.context["invite_form"].errors == {
        "__all__": ["Only an owner can invite another owner."]
    }
    assert not Invitation.objects.exists()


def test_a_pending_invitation_is_revoked(team, organisation):
    invitation = InvitationFactory(organisation=organisation, email="x@example.com")

    answer = _client(team[Role.ADMIN]).post(_url(f"invitations/{invitation.pk}/revoke/"))

    assert answer.status_code == 302
    invitation.refresh_from_db()
    assert invitation.revoked_at is not None
    assert AuditEvent.objects.get().action == "invitation.revoked"


def test_revoking_a_revoked_invitation_is_said_beside_it(team, organisation):
    invitation = InvitationFactory(
        organisation=organisation, email="x@example.com", revoked_at=timezone.now()
    )
    answer = _client(team[Role.ADMIN]).post(_url(f"invitations/{invitation.pk}/revoke/"), **ZH)
    assert answer.status_code == 200
    row = next(r for r in answer.context["invitations"] if r.invitation.pk == invitation.pk)
    assert row.error == "此邀请状态为“已撤销”；只能撤销待接受的邀请。"
