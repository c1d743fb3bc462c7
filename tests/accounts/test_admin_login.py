"""The admin site has no login of its own: /admin/login/ sends people to the one login page,
so the lockout, the TOTP second factor and the failure count apply to staff too."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.models import AuditEvent, User
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery"  # tests.factories.UserFactory


@pytest.fixture
def staff() -> User:
    return UserFactory(email="staff@example.com", is_staff=True, is_superuser=True)


def _admin_login(client, email: str, password: str, next_url: str = "/admin/"):
    return client.post(
        f"/admin/login/?next={next_url}",
        {"username": email, "password": password, "next": next_url},
    )


def _session_user(client) -> str | None:
    return client.session.get("_auth_user_id")


def test_a_locked_staff_account_gets_no_session_through_the_admin_login(client, staff):
    User.objects.filter(pk=staff.pk).update(locked_until=timezone.now() + timedelta(minutes=15))

    response = _admin_login(client, staff.email, PASSWORD)

    assert response.status_code == 302
    assert response["Location"] == "/login/?next=%2Fadmin%2F"
    assert _session_user(client) is None
    assert client.get("/api/v1/me/").status_code == 401


def test_a_staff_account_with_totp_on_gets_no_session_with_the_password_alone(client, staff):
    User.objects.filter(pk=staff.pk).update(
        totp_confirmed_at=timezone.now(), totp_secret_encrypted="not used here"
    )

    response = _admin_login(client, staff.email, PASSWORD)

    assert response.status_code == 302
    assert response["Location"] == "/login/?next=%2Fadmin%2F"
    assert _session_user(client) is None
    assert client.get("/api/v1/me/").status_code == 401


def test_the_admin_login_checks_no_password_so_guessing_there_gains_nothing(client, staff):
    for _ in range(10):
        response = _admin_login(client, staff.email, "guess")
        assert response["Location"] == "/login/?next=%2Fadmin%2F"

    staff.refresh_from_db()
    assert _session_user(client) is None
    assert staff.failed_login_count == 0
    assert staff.locked_until is None
    assert AuditEvent.objects.count() == 0


def test_wrong_passwords_for_a_staff_account_are_counted_on_the_login_page(client, staff):
    for _ in range(3):
        client.post("/login/", {"email": staff.email, "password": "guess", "next": "/admin/"})

    staff.refresh_from_db()
    assert staff.failed_login_count == 3


def test_the_admin_sends_an_anonymous_visitor_to_the_login_page_and_back(client, staff):
    response = client.get("/admin/", follow=True)

    assert response.redirect_chain == [
        ("/admin/login/?next=/admin/", 302),
        ("/login/?next=%2Fadmin%2F", 302),
    ]
    assert '<input type="hidden" name="next" value="/admin/">' in response.content.decode()

    response = client.post(
        "/login/", {"email": staff.email, "password": PASSWORD, "next": "/admin/"}
    )

    assert response.status_code == 302
    assert response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_a_foreign_next_url_on_the_admin_login_falls_back_to_the_admin(client):
    response = client.get("/admin/login/?next=https://evil.example/")

    assert response["Location"] == "/login/?next=%2Fadmin%2F"


def test_a_logged_in_staff_member_on_the_admin_login_goes_straight_to_the_admin(client, staff):
    client.force_login(staff)

    response = client.get("/admin/login/?next=/admin/accounts/")

    assert response.status_code == 302
    assert response["Location"] == "/admin/accounts/"
