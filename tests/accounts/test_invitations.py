"""Invitations: created by admins and emailed, accepted once (API or web page, with or without
an account), refused when expired, revoked, used or meant for someone else."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from accounts.models import AuditEvent, Invitation, Membership, User
from accounts.roles import Role
from core.crypto import sha256_hex
from core.jobs import job_execute
from core.models import Job
from tests.factories import InvitationFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

INVITATIONS_URL = "/api/v1/orgs/acme-steel/invitations/"
ACCEPT_URL = "/api/v1/invitations/accept/"
STRONG_PASSWORD = "Vanadium-Slab-42!"
SITE = "https://cbam.example"


@pytest.fixture(autouse=True)
def _site_url(settings) -> None:
    settings.SITE_URL = SITE


def _invite(api, email: str = "new.person@example.com", role: str = "preparer"):
    return api.post(INVITATIONS_URL, {"email": email, "role": role}, format="json")


def _token_of(response) -> str:
    url = response.json()["accept_url"]
    prefix = f"{SITE}/accounts/invitations/"
    assert url.startswith(prefix)
    assert url.endswith("/")
    return url[len(prefix) : -1]


@pytest.fixture
def pending(organisation, admin_user) -> tuple[Invitation, str]:
    """A pending invitation of new.person@example.com as preparer, and its raw token."""
    raw = "raw-invitation-token-for-tests-0123456789ab"
    invitation = InvitationFactory(
        organisation=organisation,
        email="new.person@example.com",
        role=Role.PREPARER,
        token_hash=sha256_hex(raw),
        invited_by=admin_user,
    )
    return invitation, raw


@pytest.fixture
def invitee() -> User:
    return UserFactory(email="new.person@example.com", full_name="New Person")


# --- inviting -------------------------------------------------------------------------------


def test_an_admin_invites_and_the_email_carries_the_accept_url(admin_api, admin_user, organisation):
    response = _invite(admin_api, email="New.Person@Example.com")
    # The email is work for a worker: run the job row in-process.
    job = Job.objects.get(kind="accounts.send_invitation_email")
    assert mail.outbox == []
    assert job_execute(job_id=job.pk).status == "succeeded"

    assert response.status_code == 201
    body = response.json()
    raw = _token_of(response)
    invitation = Invitation.objects.get()
    assert body == {
        "id": str(invitation.pk),
        "email": "new.person@example.com",
        "role": "preparer",
        "status": "pending",
        "invited_by": admin_user.email,
        "created_at": body["created_at"],
        "expires_at": body["expires_at"],
        "accept_url": f"{SITE}/accounts/invitations/{raw}/",
    }
    assert invitation.token_hash == sha256_hex(raw)
    assert (
        timedelta(days=6, hours=23, minutes=59)
        < invitation.expires_at - timezone.now()
        <= timedelta(days=7)
    )
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["new.person@example.com"]
    # No account yet: both languages, Chinese first (the organisation is in China).
    assert message.subject == (
        "加入 CBAM Exchange 上的 阿克米钢铁 (Acme Steel) / "
        "Join 阿克米钢铁 (Acme Steel) on CBAM Exchange"
    )
    assert message.body.count(f"{SITE}/accounts/invitations/{raw}/") == 2
    assert (
        f"{admin_user.email} invites you to join 阿克米钢铁 (Acme Steel) on CBAM Exchange as "
        "preparer." in message.body
    )
    event = AuditEvent.objects.get()
    assert event.action == "invitation.created"
    assert event.after == {
        "email": "new.person@example.com",
        "role": "preparer",
        "expires_at": invitation.expires_at.isoformat(),
    }
    assert raw not in str(event.after)
    assert raw not in str(job.payload)
    assert job.organisation_id == organisation.pk


def test_a_revoked_invitation_is_not_emailed_when_the_worker_gets_to_it(admin_api):
    response = _invite(admin_api)
    admin_api.delete(f"{INVITATIONS_URL}{response.json()['id']}/")

    job = Job.objects.get(kind="accounts.send_invitation_email")
    outcome = job_execute(job_id=job.pk)

    assert outcome.status == "succeeded"
    job.refresh_from_db()
    assert job.result == {"sent": False}
    assert mail.outbox == []


def test_no_email_is_queued_when_the_invitation_is_refused(admin_api, pending):
    response = _invite(admin_api)

    assert response.status_code == 409
    assert not Job.objects.filter(kind="accounts.send_invitation_email").exists()


def test_a_second_pending_invitation_of_the_same_person_is_refused(admin_api, pending):
    response = _invite(admin_api, email="NEW.PERSON@example.com")

    assert response.status_code == 409
    assert response.json() == {
        "code": "conflict",
        "message": (
            "new.person@example.com already has a pending invitation; revoke it to send a new one."
        ),
        "extra": {
            "fields": {
                "email": [
                    "new.person@example.com already has a pending invitation; revoke it to "
                    "send a new one."
                ]
            }
        },
    }
    assert Invitation.objects.count() == 1
    assert AuditEvent.objects.count() == 0


def test_an_expired_invitation_does_not_block_a_new_one(admin_api, pending):
    invitation, _ = pending
    Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now())

    response = _invite(admin_api)

    assert response.status_code == 201
    assert Invitation.objects.count() == 2


def test_inviting_an_existing_member_is_refused(admin_api, organisation):
    MembershipFactory(organisation=organisation, user__email="member@acme.example")

    response = _invite(admin_api, email="Member@Acme.example")

    assert response.status_code == 409
    assert response.json() == {
        "code": "conflict",
        "message": "member@acme.example is already a member.",
        "extra": {"fields": {"email": ["member@acme.example is already a member."]}},
    }
    assert Invitation.objects.count() == 0
    assert AuditEvent.objects.count() == 0


def test_an_admin_cannot_invite_an_owner(admin_api):
    response = _invite(admin_api, role="owner")

    assert response.status_code == 403
    assert response.json() == {
        "code": "permission_denied",
        "message": "Only an owner can invite another owner.",
        "extra": {},
    }
    assert Invitation.objects.count() == 0
    assert AuditEvent.objects.count() == 0


def test_an_owner_can_invite_an_owner(client_as, owner_user):
    response = _invite(client_as(owner_user), role="owner")

    assert response.status_code == 201
    assert response.json()["role"] == "owner"


def test_a_preparer_cannot_invite(client_as, organisation):
    preparer = MembershipFactory(organisation=organisation, role=Role.PREPARER).user

    response = _invite(client_as(preparer))

    assert response.status_code == 403
    assert Invitation.objects.count() == 0


def test_admins_list_invitations_with_their_status(admin_api, pending, organisation):
    InvitationFactory(
        organisation=organisation,
        email="late@example.com",
        expires_at=timezone.now() - timedelta(minutes=1),
    )

    response = admin_api.get(INVITATIONS_URL)

    assert response.status_code == 200
    assert response.json()["count"] == 2
    assert [(r["email"], r["status"]) for r in response.json()["results"]] == [
        ("late@example.com", "expired"),
        ("new.person@example.com", "pending"),
    ]


# --- accepting through the API ---------------------------------------------------------------


def test_the_invited_person_accepts_and_becomes_a_member(client_as, pending, invitee, organisation):
    invitation, raw = pending

    response = client_as(invitee).post(ACCEPT_URL, {"token": raw}, format="json")

    assert response.status_code == 201
    membership = Membership.objects.get(user=invitee)
    assert response.json() == {
        "id": str(membership.pk),
        "email": "new.person@example.com",
        "full_name": "New Person",
        "role": "preparer",
        "created_at": response.json()["created_at"],
    }
    assert membership.organisation == organisation
    invitation.refresh_from_db()
    assert invitation.accepted_by == invitee
    assert invitation.status_at(timezone.now()) == "accepted"
    assert list(AuditEvent.objects.order_by("id").values_list("action", "actor_label")) == [
        ("membership.created", "new.person@example.com"),
        ("invitation.accepted", "new.person@example.com"),
    ]
    assert client_as(invitee).get("/api/v1/orgs/acme-steel/").status_code == 200


def test_someone_with_another_email_cannot_accept(client_as, pending):
    _, raw = pending
    stranger = UserFactory(email="stranger@example.com")

    response = client_as(stranger).post(ACCEPT_URL, {"token": raw}, format="json")

    assert response.status_code == 403
    assert response.json()["message"] == (
        "This invitation was sent to new.person@example.com; "
        "you are logged in as stranger@example.com."
    )
    assert Membership.objects.filter(user=stranger).count() == 0
    assert AuditEvent.objects.count() == 0


@pytest.mark.parametrize(
    ("state", "change"),
    [
        ("expired", {"expires_at": timezone.now() - timedelta(seconds=1)}),
        ("revoked", {"revoked_at": timezone.now()}),
    ],
)
def test_an_expired_or_revoked_invitation_cannot_be_accepted(
    client_as, pending, invitee, state, change
):
    invitation, raw = pending
    Invitation.objects.filter(pk=invitation.pk).update(**change)

    response = client_as(invitee).post(ACCEPT_URL, {"token": raw}, format="json")

    assert response.status_code == 409
    assert response.json() == {
        "code": "conflict",
        "message": f"This invitation is {state}; ask for a new one.",
        "extra": {},
    }
    assert Membership.objects.filter(user=invitee).count() == 0
    assert AuditEvent.objects.count() == 0


def test_an_invitation_is_accepted_only_once(client_as, pending, invitee, organisation):
    _, raw = pending
    api = client_as(invitee)
    assert api.post(ACCEPT_URL, {"token": raw}, format="json").status_code == 201
    Membership.objects.filter(user=invitee).delete()  # even after leaving, the link is spent

    response = api.post(ACCEPT_URL, {"token": raw}, format="json")

    assert response.status_code == 409
    assert response.json()["message"] == "This invitation is accepted; ask for a new one."
    assert Membership.objects.filter(user=invitee).count() == 0
    assert AuditEvent.objects.count() == 2


def test_an_unknown_token_is_not_found(client_as, invitee):
    response = client_as(invitee).post(ACCEPT_URL, {"token": "no-such-token"}, format="json")

    assert response.status_code == 404
    assert response.json()["message"] == "This invitation link is not valid."


def test_accepting_needs_a_logged_in_person(api, pending):
    _, raw = pending

    response = api.post(ACCEPT_URL, {"token": raw}, format="json")

    assert response.status_code == 401
    assert Membership.objects.count() == 1  # the admin's


# --- revoking -------------------------------------------------------------------------------


def test_an_admin_revokes_a_pending_invitation(admin_api, pending, client_as, invitee):
    invitation, raw = pending

    response = admin_api.delete(f"{INVITATIONS_URL}{invitation.pk}/")

    assert response.status_code == 204
    invitation.refresh_from_db()
    assert invitation.status_at(timezone.now()) == "revoked"
    event = AuditEvent.objects.get()
    assert event.action == "invitation.revoked"
    assert (event.before, event.after) == ({"status": "pending"}, {"status": "revoked"})
    accept = client_as(invitee).post(ACCEPT_URL, {"token": raw}, format="json")
    assert accept.status_code == 409

    again = admin_api.delete(f"{INVITATIONS_URL}{invitation.pk}/")

    assert again.status_code == 409
    assert again.json()["message"] == (
        "This invitation is revoked; only a pending one can be revoked."
    )
    assert AuditEvent.objects.count() == 1


def test_an_invitation_of_another_organisation_cannot_be_revoked(admin_api):
    foreign = InvitationFactory()

    response = admin_api.delete(f"{INVITATIONS_URL}{foreign.pk}/")

    assert response.status_code == 404
    foreign.refresh_from_db()
    assert foreign.revoked_at is None


# --- the web page -----------------------------------------------------------------------------


def test_the_page_offers_a_person_without_an_account_to_create_one(client, pending):
    _, raw = pending

    response = client.get(f"/accounts/invitations/{raw}/")

    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>Join 阿克米钢铁</h1>" in html  # the name in its own script, then in Latin
    assert '<p class="muted">Acme Steel</p>' in html
    assert "new.person@example.com" in html
    assert 'name="full_name"' in html
    assert 'name="password"' in html


def test_a_new_person_creates_an_account_and_joins(client, pending, organisation):
    invitation, raw = pending

    response = client.post(
        f"/accounts/invitations/{raw}/", {"full_name": "Wang Fang", "password": STRONG_PASSWORD}
    )

    assert response.status_code == 302
    assert response["Location"] == "/dashboard/"
    user = User.objects.get(email="new.person@example.com")
    assert user.full_name == "Wang Fang"
    assert user.check_password(STRONG_PASSWORD)
    assert client.session["_auth_user_id"] == str(user.pk)
    assert Membership.objects.get(user=user).role == "preparer"
    invitation.refresh_from_db()
    assert invitation.accepted_by == user
    assert "You joined 阿克米钢铁." in client.get("/dashboard/", follow=True).content.decode()


def test_a_weak_password_is_refused_under_the_password_field(client, pending):
    invitation, raw = pending

    response = client.post(
        f"/accounts/invitations/{raw}/", {"full_name": "Wang", "password": "123"}
    )

    assert response.status_code == 400
    form = response.context["form"]
    assert list(form.errors) == ["password"]
    assert form.errors["password"] == [
        "This password is too short. It must contain at least 8 characters.",
        "This password is too common.",
        "This password is entirely numeric.",
    ]
    html = response.content.decode()
    password_input = html.index('name="password"')
    assert html.index("This password is too short.") > password_input
    assert User.objects.filter(email="new.person@example.com").count() == 0
    assert Membership.objects.count() == 1  # the admin's
    invitation.refresh_from_db()
    assert invitation.status_at(timezone.now()) == "pending"
    assert AuditEvent.objects.count() == 0


def test_a_password_like_the_email_is_refused(client, pending):
    _, raw = pending

    response = client.post(
        f"/accounts/invitations/{raw}/", {"full_name": "Wang", "password": "new.person@example"}
    )

    assert response.status_code == 400
    assert response.context["form"].errors["password"] == [
        "The password is too similar to the email."
    ]


def test_an_expired_invitation_creates_no_account_from_the_page(client, pending):
    invitation, raw = pending
    Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now())

    response = client.post(
        f"/accounts/invitations/{raw}/", {"full_name": "Wang", "password": STRONG_PASSWORD}
    )

    assert response.status_code == 409
    assert (
        "This invitation is expired; ask the organisation for a new one."
        in response.content.decode()
    )
    assert User.objects.filter(email="new.person@example.com").count() == 0
    assert AuditEvent.objects.count() == 0


def test_a_person_with_an_account_is_asked_to_log_in_first(client, pending, invitee):
    _, raw = pending

    page = client.get(f"/accounts/invitations/{raw}/")
    post = client.post(
        f"/accounts/invitations/{raw}/", {"full_name": "Imposter", "password": STRONG_PASSWORD}
    )

    assert "You already have an account." in page.content.decode()
    assert f'href="/login/?next=/accounts/invitations/{raw}/"' in page.content.decode()
    assert post.status_code == 400
    assert not invitee.memberships.exists()
    invitee.refresh_from_db()
    assert invitee.full_name == "New Person"
    assert not invitee.check_password(STRONG_PASSWORD)


def test_a_logged_in_invitee_accepts_on_the_page(client, pending, invitee):
    _, raw = pending
    client.force_login(invitee)

    response = client.post(f"/accounts/invitations/{raw}/")

    assert response.status_code == 302
    assert invitee.memberships.get().role == "preparer"


def test_an_unknown_link_shows_not_found(client):
    response = client.get("/accounts/invitations/nope/")

    assert response.status_code == 404
    assert "This invitation link is not valid." in response.content.decode()


@pytest.mark.parametrize("state", ["expired", "revoked", "accepted"])
def test_the_invitation_page_says_when_an_invitation_can_no_longer_be_used(api, pending, state):
    invitation, raw = pending
    now = timezone.now()
    if state == "expired":
        invitation.expires_at = now - timedelta(seconds=1)
    elif state == "revoked":
        invitation.revoked_at = now
    else:
        invitation.accepted_at = now
    invitation.save()

    response = api.get(f"/accounts/invitations/{raw}/")

    assert response.status_code == 409
    assert f"This invitation is {state}; ask the organisation for a new one." in (
        response.content.decode()
    )
    assert "Create account and join" not in response.content.decode()
