"""The web login: password, lockout after repeated failures, and the TOTP second factor
(enrolled, confirmed and disabled through the API)."""

from __future__ import annotations

import html
import re
from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.auth.hashers import MD5PasswordHasher
from django.utils import timezone
from rest_framework.test import APIClient

from accounts import totp
from accounts.models import AuditEvent, User
from core.crypto import decrypt
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery"  # tests.factories.UserFactory
# One answer for a wrong password, an unknown e-mail, a locked or a throttled account.
WRONG_PASSWORD_MESSAGE = (
    "Email or password is wrong, or there were too many attempts: "
    "wait a few minutes or reset your password."
)
# Only at the code step, which only someone who knows the password reaches.
LOCKED_MESSAGE = "Too many failed logins: this account is locked for 15 more minutes."
WRONG_CODE_MESSAGE = "The code is wrong, expired or already used."
# 5 seconds into a 30-second step, so that "the next step" is a whole step away.
T0 = 56_666_667 * totp.STEP_SECONDS + 5


class Clock:
    """Stands in for the ``time`` module of accounts.services.auth."""

    def __init__(self) -> None:
        self.now = float(T0)

    def time(self) -> float:
        return self.now

    def next_step(self) -> None:
        self.now += totp.STEP_SECONDS


@pytest.fixture
def clock(monkeypatch) -> Clock:
    fake = Clock()
    monkeypatch.setattr("accounts.services.auth.time", fake)
    return fake


@pytest.fixture
def alice() -> User:
    return UserFactory(email="alice@example.com", full_name="Alice")


def _secret(user: User) -> bytes:
    user.refresh_from_db()
    return decrypt(user.totp_secret_encrypted)


def _code(user: User, clock: Clock) -> str:
    return totp.totp_at(_secret(user), clock.now)


def _wrong_code(user: User, clock: Clock) -> str:
    """A well-formed code that matches none of the steps in the window."""
    secret = _secret(user)
    valid = {totp.totp_at(secret, clock.now + d * totp.STEP_SECONDS) for d in (-1, 0, 1)}
    return next(c for c in ("000000", "111111", "222222", "333333") if c not in valid)


def _login(client, email: str, password: str, **extra):
    return client.post("/login/", {"email": email, "password": password, **extra})


def _logged_in_as(client) -> str | None:
    return client.session.get("_auth_user_id")


def _errors(response) -> list[str]:
    """The form-wide errors of a login page, unescaped."""
    return [html.unescape(m) for m in ERROR.findall(response.content.decode())]


ERROR = re.compile(r'<p class="errors" role="alert">(.*?)</p>')


@pytest.fixture
def hashes(monkeypatch) -> list[str]:
    """Counts runs of the password hasher (the slow part of a login)."""
    ran: list[str] = []
    original = MD5PasswordHasher.encode

    def counting(hasher, password, salt):
        ran.append(password)
        return original(hasher, password, salt)

    monkeypatch.setattr(MD5PasswordHasher, "encode", counting)
    return ran


@pytest.fixture
def totp_alice(alice: User, clock: Clock) -> User:
    """Alice with TOTP enrolled and confirmed at step T0 (that step's code is now used)."""
    api = APIClient()
    api.force_login(alice)
    assert api.post("/api/v1/me/totp/enrolment/").status_code == 200
    assert api.post("/api/v1/me/totp/confirmation/", {"code": _code(alice, clock)}).status_code == (
        200
    )
    alice.refresh_from_db()
    assert alice.totp_enabled
    return alice


# --- password -----------------------------------------------------------------------------


def test_the_login_page_shows_a_form(client):
    response = client.get("/login/")

    assert response.status_code == 200
    html = response.content.decode()
    assert '<form method="post">' in html
    assert 'name="email"' in html
    assert 'name="password"' in html
    assert 'name="csrfmiddlewaretoken"' in html
    assert '<input type="hidden" name="next" value="/dashboard/">' in html


def test_the_right_password_logs_in_and_redirects_to_the_dashboard(client, alice):
    response = _login(client, "Alice@Example.com", PASSWORD)

    assert response.status_code == 302
    assert response["Location"] == "/dashboard/"
    assert _logged_in_as(client) == str(alice.pk)
    assert client.get("/dashboard/", follow=True).status_code == 200


def test_a_safe_next_url_is_followed_and_a_foreign_one_is_not(client, alice):
    response = _login(client, alice.email, PASSWORD, next="/api/docs/")
    assert response["Location"] == "/api/docs/"

    client.post("/logout/")
    response = _login(client, alice.email, PASSWORD, next="https://evil.example/phish")
    assert response["Location"] == "/dashboard/"


def test_a_wrong_password_is_refused_with_a_message_and_counted(client, alice):
    response = _login(client, alice.email, "not the password")

    assert response.status_code == 200
    assert WRONG_PASSWORD_MESSAGE in response.content.decode()
    assert _logged_in_as(client) is None
    alice.refresh_from_db()
    assert alice.failed_login_count == 1
    assert alice.locked_until is None
    assert AuditEvent.objects.count() == 0


def test_an_unknown_email_gets_the_same_message_and_writes_nothing(client, alice):
    response = _login(client, "nobody@example.com", PASSWORD)

    assert response.status_code == 200
    assert WRONG_PASSWORD_MESSAGE in response.content.decode()
    alice.refresh_from_db()
    assert alice.failed_login_count == 0
    assert AuditEvent.objects.count() == 0


def test_the_account_locks_after_the_maximum_failures_and_refuses_even_the_right_password(
    client, alice
):
    assert settings.LOGIN_MAX_FAILURES == 5
    for _ in range(settings.LOGIN_MAX_FAILURES):
        response = _login(client, alice.email, "guess")
        assert WRONG_PASSWORD_MESSAGE in response.content.decode()

    response = _login(client, alice.email, PASSWORD)

    assert response.status_code == 200
    assert _errors(response) == [WRONG_PASSWORD_MESSAGE]
    assert _logged_in_as(client) is None
    alice.refresh_from_db()
    assert alice.locked_until is not None
    assert (
        timedelta(minutes=14, seconds=59)
        < alice.locked_until - timezone.now()
        <= timedelta(minutes=15)
    )
    event = AuditEvent.objects.get()
    assert event.action == "user.locked_out"
    assert event.organisation is None
    assert event.actor_label == "system:login"
    assert event.object_type == "accounts.user"
    assert event.object_id == str(alice.pk)
    assert event.after == {"locked_until": alice.locked_until.isoformat(), "failures": 5}


def test_four_failures_do_not_lock(client, alice):
    for _ in range(settings.LOGIN_MAX_FAILURES - 1):
        _login(client, alice.email, "guess")

    response = _login(client, alice.email, PASSWORD)

    assert response.status_code == 302
    assert _logged_in_as(client) == str(alice.pk)


def test_wrong_passwords_during_a_lockout_do_not_extend_it(client, alice):
    until = timezone.now() + timedelta(minutes=10)
    User.objects.filter(pk=alice.pk).update(locked_until=until)

    response = _login(client, alice.email, "guess")

    assert _errors(response) == [WRONG_PASSWORD_MESSAGE]
    alice.refresh_from_db()
    assert alice.locked_until == until
    assert alice.failed_login_count == 0
    assert AuditEvent.objects.count() == 0


def test_unknown_inactive_locked_and_wrong_get_one_answer_after_one_hash_each(
    client, alice, hashes
):
    UserFactory(email="gone@example.com", is_active=False)
    UserFactory(email="locked@example.com", locked_until=timezone.now() + timedelta(minutes=9))
    attempts = [
        ("nobody@example.com", PASSWORD),
        ("gone@example.com", PASSWORD),
        ("locked@example.com", PASSWORD),
        (alice.email, "not the password"),
    ]

    answers = []
    for email, password in attempts:
        hashes.clear()
        response = _login(client, email, password)
        answers.append((response.status_code, _errors(response), len(hashes)))

    assert answers == [(200, [WRONG_PASSWORD_MESSAGE], 1)] * 4
    assert _logged_in_as(client) is None
    assert AuditEvent.objects.count() == 0


def test_the_lockout_expires(client, alice):
    User.objects.filter(pk=alice.pk).update(
        locked_until=timezone.now() - timedelta(seconds=1), failed_login_count=0
    )

    response = _login(client, alice.email, PASSWORD)

    assert response.status_code == 302
    assert _logged_in_as(client) == str(alice.pk)
    alice.refresh_from_db()
    assert alice.locked_until is None


def test_a_success_resets_the_failure_count(client, alice):
    for _ in range(4):
        _login(client, alice.email, "guess")

    _login(client, alice.email, PASSWORD)
    alice.refresh_from_db()
    assert alice.failed_login_count == 0

    client.post("/logout/")
    for _ in range(4):
        _login(client, alice.email, "guess")
    alice.refresh_from_db()
    assert alice.failed_login_count == 4
    assert alice.locked_until is None


def test_logging_out_ends_the_session(client, alice):
    _login(client, alice.email, PASSWORD)

    response = client.post("/logout/")

    assert response.status_code == 302
    assert response["Location"] == "/login/"
    assert _logged_in_as(client) is None
    assert client.get("/dashboard/")["Location"] == "/login/?next=/dashboard/"


# --- TOTP ---------------------------------------------------------------------------------


def test_enrolment_returns_the_uri_of_an_encrypted_secret_and_confirmation_turns_totp_on(
    alice, clock
):
    api = APIClient()
    api.force_login(alice)

    response = api.post("/api/v1/me/totp/enrolment/")

    assert response.status_code == 200
    secret = _secret(alice)
    assert len(secret) == 20
    assert totp.secret_to_base32(secret) not in alice.totp_secret_encrypted
    assert response.json() == {
        "otpauth_uri": "otpauth://totp/CBAM%20Exchange%3Aalice%40example.com"
        f"?secret={totp.secret_to_base32(secret)}&issuer=CBAM%20Exchange"
    }
    assert alice.totp_enabled is False

    response = api.post("/api/v1/me/totp/confirmation/", {"code": _code(alice, clock)})

    assert response.status_code == 200
    assert response.json()["totp_enabled"] is True
    alice.refresh_from_db()
    assert alice.totp_enabled
    assert alice.totp_last_step == T0 // 30
    assert list(AuditEvent.objects.values_list("action", "object_id")) == [
        ("user.totp_enabled", str(alice.pk))
    ]


def test_confirmation_with_a_wrong_code_leaves_totp_off(alice, clock):
    api = APIClient()
    api.force_login(alice)
    api.post("/api/v1/me/totp/enrolment/")

    response = api.post("/api/v1/me/totp/confirmation/", {"code": _wrong_code(alice, clock)})

    assert response.status_code == 400
    assert response.json() == {
        "code": "invalid",
        "message": "The code is wrong or expired.",
        "extra": {"fields": {"code": ["Enter the 6-digit code your authenticator app shows now."]}},
    }
    alice.refresh_from_db()
    assert alice.totp_enabled is False
    assert AuditEvent.objects.count() == 0


def test_a_code_in_other_digits_is_refused_as_invalid_input_not_a_server_error(alice, clock):
    api = APIClient()
    api.force_login(alice)
    api.post("/api/v1/me/totp/enrolment/")

    response = api.post("/api/v1/me/totp/confirmation/", {"code": "٢٨٧٠٨٢"})

    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert list(body["extra"]["fields"]) == ["code"]
    alice.refresh_from_db()
    assert alice.totp_enabled is False


def test_enrolling_again_while_totp_is_on_is_refused(totp_alice, clock):
    secret_before = _secret(totp_alice)
    api = APIClient()
    api.force_login(totp_alice)

    response = api.post("/api/v1/me/totp/enrolment/")

    assert response.status_code == 400
    assert response.json()["message"] == (
        "Two-factor authentication is already on; turn it off first to enrol a new device."
    )
    assert _secret(totp_alice) == secret_before


def test_with_totp_on_the_password_alone_does_not_log_in(client, totp_alice):
    response = _login(client, totp_alice.email, PASSWORD)

    assert response.status_code == 302
    assert response["Location"] == "/login/totp/?next=%2Fdashboard%2F"
    assert _logged_in_as(client) is None
    assert client.get("/dashboard/")["Location"] == "/login/?next=/dashboard/"
    assert client.get("/login/totp/").status_code == 200


def test_the_code_completes_the_login(client, totp_alice, clock):
    _login(client, totp_alice.email, PASSWORD)
    clock.next_step()

    response = client.post("/login/totp/?next=%2Fdashboard%2F", {"code": _code(totp_alice, clock)})

    assert response.status_code == 302
    assert response["Location"] == "/dashboard/"
    assert _logged_in_as(client) == str(totp_alice.pk)
    assert "pending_2fa_user_id" not in client.session


def test_the_next_url_survives_the_second_step_intact(client, totp_alice, clock):
    response = _login(client, totp_alice.email, PASSWORD, next="/dashboard/?tab=members&page=2")
    assert response["Location"] == "/login/totp/?next=%2Fdashboard%2F%3Ftab%3Dmembers%26page%3D2"
    clock.next_step()

    response = client.post(response["Location"], {"code": _code(totp_alice, clock)})

    assert response["Location"] == "/dashboard/?tab=members&page=2"


def test_a_wrong_code_is_refused(client, totp_alice, clock):
    _login(client, totp_alice.email, PASSWORD)

    response = client.post("/login/totp/", {"code": _wrong_code(totp_alice, clock)})

    assert response.status_code == 200
    assert WRONG_CODE_MESSAGE in response.content.decode()
    assert _logged_in_as(client) is None
    totp_alice.refresh_from_db()
    assert totp_alice.failed_login_count == 1


def test_the_code_used_to_confirm_cannot_be_used_again_to_log_in(client, totp_alice, clock):
    used_code = _code(totp_alice, clock)  # same step as the confirmation
    _login(client, totp_alice.email, PASSWORD)

    response = client.post("/login/totp/", {"code": used_code})

    assert WRONG_CODE_MESSAGE in response.content.decode()
    assert _logged_in_as(client) is None


def test_a_code_cannot_log_in_twice(client, totp_alice, clock):
    clock.next_step()
    code = _code(totp_alice, clock)
    _login(client, totp_alice.email, PASSWORD)
    assert client.post("/login/totp/", {"code": code})["Location"] == "/dashboard/"
    client.post("/logout/")

    _login(client, totp_alice.email, PASSWORD)
    response = client.post("/login/totp/", {"code": code})

    assert response.status_code == 200
    assert WRONG_CODE_MESSAGE in response.content.decode()
    assert _logged_in_as(client) is None


def test_a_code_older_than_the_last_used_one_is_refused(client, totp_alice, clock):
    # The confirmation used step T0; the previous step is still inside the ±1 window.
    previous_step_code = totp.totp_at(_secret(totp_alice), clock.now - totp.STEP_SECONDS)
    assert totp.verify(_secret(totp_alice), previous_step_code, clock.now) == T0 // 30 - 1
    _login(client, totp_alice.email, PASSWORD)

    response = client.post("/login/totp/", {"code": previous_step_code})

    assert WRONG_CODE_MESSAGE in response.content.decode()
    assert _logged_in_as(client) is None


def test_guessing_codes_locks_the_account_like_guessing_passwords(client, totp_alice, clock):
    _login(client, totp_alice.email, PASSWORD)
    for _ in range(settings.LOGIN_MAX_FAILURES):
        response = client.post("/login/totp/", {"code": _wrong_code(totp_alice, clock)})
        assert WRONG_CODE_MESSAGE in response.content.decode()
    clock.next_step()

    response = client.post("/login/totp/", {"code": _code(totp_alice, clock)})

    assert LOCKED_MESSAGE in response.content.decode()
    assert _logged_in_as(client) is None
    assert "pending_2fa_user_id" not in client.session
    assert _errors(_login(client, totp_alice.email, PASSWORD)) == [WRONG_PASSWORD_MESSAGE]
    assert list(AuditEvent.objects.values_list("action", flat=True)) == [
        "user.locked_out",
        "user.totp_enabled",
    ]


def test_re_entering_the_password_does_not_forgive_wrong_codes(client, totp_alice, clock):
    _login(client, totp_alice.email, PASSWORD)
    for _ in range(settings.LOGIN_MAX_FAILURES - 1):
        client.post("/login/totp/", {"code": _wrong_code(totp_alice, clock)})

    _login(client, totp_alice.email, PASSWORD)
    client.post("/login/totp/", {"code": _wrong_code(totp_alice, clock)})

    totp_alice.refresh_from_db()
    assert totp_alice.locked_until is not None
    assert AuditEvent.objects.filter(action="user.locked_out").count() == 1


def test_a_full_login_with_the_code_resets_the_failure_count(client, totp_alice, clock):
    _login(client, totp_alice.email, "guess")
    _login(client, totp_alice.email, PASSWORD)
    client.post("/login/totp/", {"code": _wrong_code(totp_alice, clock)})
    clock.next_step()

    client.post("/login/totp/", {"code": _code(totp_alice, clock)})

    totp_alice.refresh_from_db()
    assert _logged_in_as(client) == str(totp_alice.pk)
    assert totp_alice.failed_login_count == 0


def test_the_code_page_without_a_password_step_sends_back_to_login(client):
    response = client.get("/login/totp/")

    assert response.status_code == 302
    assert response["Location"] == "/login/"


def test_totp_is_disabled_with_a_current_code(client, totp_alice, clock):
    api = APIClient()
    api.force_login(totp_alice)
    clock.next_step()

    response = api.post("/api/v1/me/totp/disable/", {"code": _code(totp_alice, clock)})

    assert response.status_code == 200
    assert response.json()["totp_enabled"] is False
    totp_alice.refresh_from_db()
    assert totp_alice.totp_confirmed_at is None
    assert totp_alice.totp_secret_encrypted == ""
    assert totp_alice.totp_last_step is None
    assert list(AuditEvent.objects.values_list("action", flat=True)) == [
        "user.totp_disabled",
        "user.totp_enabled",
    ]
    assert _login(client, totp_alice.email, PASSWORD)["Location"] == "/dashboard/"


def test_totp_is_not_disabled_with_a_wrong_or_used_code(totp_alice, clock):
    api = APIClient()
    api.force_login(totp_alice)
    used = _code(totp_alice, clock)

    wrong = api.post("/api/v1/me/totp/disable/", {"code": _wrong_code(totp_alice, clock)})
    replayed = api.post("/api/v1/me/totp/disable/", {"code": used})

    for response in (wrong, replayed):
        assert response.status_code == 400
        assert response.json() == {
            "code": "invalid",
            "message": "The code is wrong or expired.",
            "extra": {
                "fields": {"code": ["Enter the current 6-digit code to turn two-factor off."]}
            },
        }
    totp_alice.refresh_from_db()
    assert totp_alice.totp_enabled
    assert list(AuditEvent.objects.values_list("action", flat=True)) == ["user.totp_enabled"]
