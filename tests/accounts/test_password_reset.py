"""Password reset by e-mail: one answer whether or not the address has an account, a link
that works once and for an hour, Django's password rules, lockout cleared, audited."""

from __future__ import annotations

import html
import re
import threading
from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection
from django.test import Client
from django.utils import timezone

from accounts.models import AuditEvent, PasswordResetToken, User
from core.crypto import sha256_hex
from core.jobs import job_execute
from core.models import Job
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

SITE = "https://cbam.example"
PASSWORD = "correct horse battery"  # tests.factories.UserFactory
NEW_PASSWORD = "a brand new passphrase"
REQUEST_URL = "/accounts/password-reset/"
SENT_URL = "/accounts/password-reset/sent/"
SENT_TEXT = (
    "If an account uses this address, we have sent it a link to set a new password. "
    "The link works once, within 60 minutes."
)
INVALID_LINK = (
    "This link does not work any more: it expired, was used, or the password was changed "
    "since. Ask for a new one."
)
LINK = re.compile(rf"{re.escape(SITE)}/accounts/password-reset/([A-Za-z0-9_-]{{43}})/")
ERROR = re.compile(r'<p class="errors"[^>]*>(.*?)</p>')


@pytest.fixture(autouse=True)
def _site(settings) -> None:
    settings.SITE_URL = SITE


@pytest.fixture
def alice() -> User:
    return UserFactory(email="alice@example.com", full_name="Alice")


def _request(client: Client, email: str):
    return client.post(REQUEST_URL, {"email": email})


def _send_emails() -> list[str]:
    """Run the queued e-mail work rows as a worker would; return the links e-mailed."""
    for job in Job.objects.filter(kind="accounts.send_password_reset_email", status="pending"):
        assert job_execute(job_id=job.pk).status == "succeeded"
    return [LINK.search(message.body).group(1) for message in mail.outbox]  # type: ignore[union-attr]


def _set(client: Client, token: str, password: str, again: str | None = None):
    return client.post(
        f"/accounts/password-reset/{token}/",
        {"new_password": password, "new_password_again": password if again is None else again},
    )


def _errors(response) -> list[str]:
    return [html.unescape(m) for m in ERROR.findall(response.content.decode())]


def _can_log_in(email: str, password: str) -> bool:
    client = Client()
    return client.post("/login/", {"email": email, "password": password}).status_code == 302


# --- asking for a link --------------------------------------------------------------------


def test_the_request_page_shows_a_form_and_the_login_page_links_to_it(client):
    response = client.get(REQUEST_URL)

    assert response.status_code == 200
    page = response.content.decode()
    assert '<form method="post">' in page
    assert 'name="email"' in page
    assert 'name="csrfmiddlewaretoken"' in page
    assert f'href="{REQUEST_URL}"' in client.get("/login/").content.decode()


def test_a_known_address_gets_an_email_with_a_single_use_link_to_the_site(client, alice):
    response = _request(client, "Alice@Example.com")

    assert response.status_code == 302
    assert response["Location"] == SENT_URL
    job = Job.objects.get(kind="accounts.send_password_reset_email")
    assert mail.outbox == []  # the worker sends it
    (token,) = _send_emails()
    message = mail.outbox[0]
    assert message.to == ["alice@example.com"]
    assert message.subject == "Set a new password for CBAM Exchange"
    assert f"{SITE}/accounts/password-reset/{token}/" in message.body
    assert "The link works once, within 60 minutes." in message.body
    stored = PasswordResetToken.objects.get()
    assert stored.user == alice
    assert stored.token_hash == sha256_hex(token)
    assert stored.used_at is None
    assert (
        timedelta(minutes=59, seconds=59) < stored.expires_at - timezone.now() <= timedelta(hours=1)
    )
    assert token not in str(job.payload)
    event = AuditEvent.objects.get()
    assert (event.action, event.object_id, event.actor_label) == (
        "user.password_reset_requested",
        str(alice.pk),
        "system:password_reset",
    )
    assert event.after == {"token": str(stored.pk), "expires_at": stored.expires_at.isoformat()}
    assert token not in str(event.after)


def test_the_answer_is_the_same_for_an_unknown_or_inactive_address_and_nothing_is_sent(
    client, alice
):
    UserFactory(email="gone@example.com", is_active=False)

    known = _request(client, alice.email)
    unknown = _request(client, "nobody@example.com")
    inactive = _request(client, "gone@example.com")

    assert [r["Location"] for r in (known, unknown, inactive)] == [SENT_URL] * 3
    page = client.get(SENT_URL)
    assert page.status_code == 200
    assert SENT_TEXT in page.content.decode()
    assert PasswordResetToken.objects.count() == 1
    assert Job.objects.filter(kind="accounts.send_password_reset_email").count() == 1
    assert len(_send_emails()) == 1
    assert mail.outbox[0].to == ["alice@example.com"]


def test_a_malformed_address_is_refused_with_a_field_error(client):
    response = _request(client, "not an address")

    assert response.status_code == 200
    assert "Enter a valid email address." in response.content.decode()
    assert Job.objects.count() == 0


def test_one_address_gets_at_most_three_emails_an_hour(settings, client, alice):
    assert settings.PASSWORD_RESET_THROTTLE_PER_ACCOUNT == 3

    answers = [_request(Client(REMOTE_ADDR=f"192.0.2.{n}"), alice.email) for n in range(5)]

    assert [r["Location"] for r in answers] == [SENT_URL] * 5
    assert PasswordResetToken.objects.count() == 3
    assert len(_send_emails()) == 3


def test_one_caller_may_ask_for_at_most_ten_addresses_an_hour(settings, alice):
    assert settings.PASSWORD_RESET_THROTTLE_PER_IP == 10
    caller = Client(REMOTE_ADDR="203.0.113.9")
    for n in range(10):
        _request(caller, f"nobody{n}@example.com")

    response = _request(caller, alice.email)

    assert response["Location"] == SENT_URL
    assert PasswordResetToken.objects.count() == 0
    assert _request(Client(REMOTE_ADDR="198.51.100.4"), alice.email)["Location"] == SENT_URL
    assert PasswordResetToken.objects.count() == 1


# --- setting the new password --------------------------------------------------------------


def test_the_link_shows_a_form_and_looking_does_not_use_it(client, alice):
    _request(client, alice.email)
    (token,) = _send_emails()

    for _ in range(2):
        response = client.get(f"/accounts/password-reset/{token}/")
        assert response.status_code == 200
        page = response.content.decode()
        assert 'name="new_password"' in page
        assert 'name="new_password_again"' in page
    assert PasswordResetToken.objects.get().used_at is None


def test_a_new_password_is_set_once_and_the_link_dies(client, alice):
    _request(client, alice.email)
    (token,) = _send_emails()

    response = _set(client, token, NEW_PASSWORD)

    assert response.status_code == 302
    assert response["Location"] == "/login/"
    follow = client.get("/login/").content.decode()
    assert "Your password has been changed. Log in with the new one." in follow
    assert _can_log_in(alice.email, NEW_PASSWORD)
    assert not _can_log_in(alice.email, PASSWORD)
    stored = PasswordResetToken.objects.get()
    assert stored.used_at is not None
    assert list(AuditEvent.objects.order_by("id").values_list("action", "actor_label")) == [
        ("user.password_reset_requested", "system:password_reset"),
        ("user.password_reset_completed", "alice@example.com"),
    ]
    assert AuditEvent.objects.get(action="user.password_reset_completed").after == {
        "token": str(stored.pk)
    }

    again = _set(Client(), token, "yet another passphrase")
    assert again.status_code == 404
    assert _errors(again) == [INVALID_LINK]
    assert _can_log_in(alice.email, NEW_PASSWORD)
    assert client.get(f"/accounts/password-reset/{token}/").status_code == 404


def test_an_expired_link_is_refused(client, alice):
    _request(client, alice.email)
    (token,) = _send_emails()
    PasswordResetToken.objects.update(expires_at=timezone.now() - timedelta(seconds=1))

    response = _set(client, token, NEW_PASSWORD)

    assert response.status_code == 404
    assert _errors(response) == [INVALID_LINK]
    assert _can_log_in(alice.email, PASSWORD)
    assert AuditEvent.objects.filter(action="user.password_reset_completed").count() == 0


def test_an_unknown_link_is_refused(client):
    response = client.get(f"/accounts/password-reset/{'x' * 43}/")

    assert response.status_code == 404
    assert _errors(response) == [INVALID_LINK]


def test_using_one_link_kills_the_older_ones(client, alice):
    _request(client, alice.email)
    _request(client, alice.email)
    first, second = _send_emails()

    assert _set(client, second, NEW_PASSWORD).status_code == 302
    response = _set(client, first, "yet another passphrase")

    assert response.status_code == 404
    assert _can_log_in(alice.email, NEW_PASSWORD)
    assert PasswordResetToken.objects.filter(used_at__isnull=True).count() == 0


def test_a_password_changed_another_way_kills_the_links(client, alice):
    _request(client, alice.email)
    (token,) = _send_emails()
    alice.set_password("changed by the admin")
    alice.save()

    response = _set(client, token, NEW_PASSWORD)

    assert response.status_code == 404
    assert _errors(response) == [INVALID_LINK]
    assert _can_log_in(alice.email, "changed by the admin")


def test_a_link_not_yet_emailed_when_it_died_is_not_sent(client, alice):
    _request(client, alice.email)
    job = Job.objects.get(kind="accounts.send_password_reset_email")
    PasswordResetToken.objects.update(used_at=timezone.now())

    assert job_execute(job_id=job.pk).status == "succeeded"

    job.refresh_from_db()
    assert job.result == {"sent": False}
    assert mail.outbox == []


def test_a_weak_password_is_refused_by_the_password_rules_and_the_link_still_works(client, alice):
    _request(client, alice.email)
    (token,) = _send_emails()

    response = _set(client, token, "1234567")

    assert response.status_code == 200
    assert _errors(response) == [
        "This password is too short. It must contain at least 8 characters.",
        "This password is too common.",
        "This password is entirely numeric.",
    ]
    assert PasswordResetToken.objects.get().used_at is None
    assert _set(client, token, NEW_PASSWORD).status_code == 302


def test_the_two_entries_must_match(client, alice):
    _request(client, alice.email)
    (token,) = _send_emails()

    response = _set(client, token, NEW_PASSWORD, again="a brand new passphrasE")

    assert response.status_code == 200
    assert _errors(response) == ["The two passwords differ: enter the same new password twice."]
    assert _can_log_in(alice.email, PASSWORD)


def test_a_reset_clears_the_lockout_and_the_failure_count(client, alice):
    User.objects.filter(pk=alice.pk).update(
        locked_until=timezone.now() + timedelta(minutes=12), failed_login_count=3
    )
    _request(client, alice.email)
    (token,) = _send_emails()

    _set(client, token, NEW_PASSWORD)

    alice.refresh_from_db()
    assert alice.locked_until is None
    assert alice.failed_login_count == 0
    assert _can_log_in(alice.email, NEW_PASSWORD)


def test_a_reset_ends_the_sessions_opened_with_the_old_password(client, alice):
    elsewhere = Client()
    assert elsewhere.post("/login/", {"email": alice.email, "password": PASSWORD}).status_code == (
        302
    )
    assert elsewhere.get("/dashboard/", follow=True).status_code == 200
    _request(client, alice.email)
    (token,) = _send_emails()

    _set(client, token, NEW_PASSWORD)

    assert elsewhere.get("/dashboard/")["Location"] == "/login/?next=/dashboard/"


@pytest.mark.django_db(transaction=True)
def test_two_parallel_uses_of_one_link_set_exactly_one_password(postgres_only, alice):
    _request(Client(), alice.email)
    (token,) = _send_emails()
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def use(password: str) -> None:
        try:
            barrier.wait(timeout=10)
            outcomes.append(f"{_set(Client(), token, password).status_code} {password}")
        finally:
            connection.close()

    threads = [
        threading.Thread(target=use, args=(p,)) for p in (NEW_PASSWORD, "yet another passphrase")
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(o.split()[0] for o in outcomes) == ["302", "404"]
    winner = next(o.split(" ", 1)[1] for o in outcomes if o.startswith("302"))
    assert _can_log_in(alice.email, winner)
    assert AuditEvent.objects.filter(action="user.password_reset_completed").count() == 1


def test_the_e_mail_is_written_in_the_language_of_the_page_it_was_asked_from(client, db):
    UserFactory(email="wang@mill.example")
    client.post(REQUEST_URL, {"email": "wang@mill.example"}, HTTP_ACCEPT_LANGUAGE="zh-CN")
    _send_emails()
    (message,) = mail.outbox
    assert message.subject == "为 CBAM Exchange 设置新密码"
    assert message.body.startswith(
        "有人（很可能是您本人）申请为 CBAM Exchange 上的 wang@mill.example"
    )


def test_the_persons_own_language_setting_wins(client, db):
    UserFactory(email="anna@importer.example", language="en")
    client.post(REQUEST_URL, {"email": "anna@importer.example"}, HTTP_ACCEPT_LANGUAGE="zh-CN")
    _send_emails()
    assert mail.outbox[0].subject == "Set a new password for CBAM Exchange"
