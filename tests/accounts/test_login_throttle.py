"""Login throttles: attempts per caller address and per e-mail address tried, per window,
answered like a wrong password and without checking the password."""

from __future__ import annotations

import html
import re

import pytest
from django.contrib.auth.hashers import MD5PasswordHasher
from django.test import Client

from accounts.models import User
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery"  # tests.factories.UserFactory
REFUSED = (
    "Email or password is wrong, or there were too many attempts: "
    "wait a few minutes or reset your password."
)
ERROR = re.compile(r'<p class="errors" role="alert">(.*?)</p>')
WINDOW_SECONDS = 15 * 60


class Clock:
    """Stands in for the ``time`` module of accounts.throttle."""

    def __init__(self) -> None:
        self.now = 1_800_000_000.0  # the start of a 15-minute window

    def time(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch) -> Clock:
    fake = Clock()
    monkeypatch.setattr("accounts.throttle.time", fake)
    return fake


@pytest.fixture
def hashes(monkeypatch) -> list[str]:
    ran: list[str] = []
    original = MD5PasswordHasher.encode

    def counting(hasher, password, salt):
        ran.append(password)
        return original(hasher, password, salt)

    monkeypatch.setattr(MD5PasswordHasher, "encode", counting)
    return ran


def _login(client: Client, email: str, password: str, **headers: str):
    return client.post("/login/", {"email": email, "password": password}, **headers)


def _errors(response) -> list[str]:
    return [html.unescape(m) for m in ERROR.findall(response.content.decode())]


def _logged_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def test_one_address_trying_many_accounts_is_stopped_at_the_per_address_limit(
    settings, clock, hashes
):
    assert settings.LOGIN_THROTTLE_PER_IP == 30
    users = [UserFactory(email=f"user{n:02}@example.com") for n in range(20)]
    hashes.clear()
    attacker = Client(REMOTE_ADDR="203.0.113.9")

    answers = [
        _errors(_login(attacker, user.email, f"guess {round_}"))
        for round_ in range(4)
        for user in users
    ]

    assert answers == [[REFUSED]] * 80
    assert len(hashes) == 30
    failures = sorted(User.objects.values_list("failed_login_count", flat=True))
    assert sum(failures) == 30
    assert failures == [1] * 10 + [2] * 10
    # The owner of an account, from another address, is not affected.
    owner = Client(REMOTE_ADDR="198.51.100.4")
    assert _login(owner, users[0].email, PASSWORD).status_code == 302
    assert _logged_in(owner)


def test_the_right_password_is_refused_too_once_the_address_is_over_its_limit(
    settings, clock, hashes
):
    settings.LOGIN_THROTTLE_PER_IP = 3
    alice = UserFactory(email="alice@example.com")
    client = Client(REMOTE_ADDR="203.0.113.9")
    for _ in range(3):
        _login(client, "nobody@example.com", "guess")
    hashes.clear()

    response = _login(client, alice.email, PASSWORD)

    assert response.status_code == 200
    assert _errors(response) == [REFUSED]
    assert hashes == []
    assert not _logged_in(client)
    alice.refresh_from_db()
    assert alice.failed_login_count == 0


def test_the_address_may_try_again_in_the_next_window(settings, clock):
    settings.LOGIN_THROTTLE_PER_IP = 2
    alice = UserFactory(email="alice@example.com")
    client = Client(REMOTE_ADDR="203.0.113.9")
    for _ in range(3):
        _login(client, "nobody@example.com", "guess")

    clock.now += WINDOW_SECONDS

    assert _login(client, alice.email, PASSWORD).status_code == 302
    assert _logged_in(client)


def test_a_forged_forwarded_for_header_does_not_make_a_new_address(settings, clock, hashes):
    settings.LOGIN_THROTTLE_PER_IP = 3
    client = Client(REMOTE_ADDR="203.0.113.9")

    for n in range(5):
        _login(client, "nobody@example.com", "guess", HTTP_X_FORWARDED_FOR=f"192.0.2.{n}")

    assert len(hashes) == 3


def test_behind_one_proxy_the_address_it_appended_is_the_caller(settings, clock, hashes):
    settings.LOGIN_THROTTLE_PER_IP = 3
    settings.CLIENT_IP_PROXY_COUNT = 1
    balancer = Client(REMOTE_ADDR="10.0.0.2")

    # The same caller, with whatever it forged in front of what the balancer appended.
    for n in range(4):
        _login(
            balancer,
            f"nobody{n}@example.com",
            "guess",
            HTTP_X_FORWARDED_FOR=f"192.0.2.{n}, 203.0.113.9",
        )
    # Another caller behind the same balancer.
    _login(balancer, "nobody@example.com", "guess", HTTP_X_FORWARDED_FOR="198.51.100.4")

    assert len(hashes) == 3 + 1


def test_one_account_is_stopped_at_the_per_account_limit_from_any_address(settings, clock, hashes):
    assert settings.LOGIN_THROTTLE_PER_ACCOUNT == 10
    settings.LOGIN_MAX_FAILURES = 100  # the attempt limit alone is under test
    alice = UserFactory(email="alice@example.com")
    hashes.clear()
    for n in range(10):
        _login(Client(REMOTE_ADDR=f"192.0.2.{n}"), "Alice@Example.com", f"guess {n}")
    assert len(hashes) == 10
    client = Client(REMOTE_ADDR="198.51.100.4")

    response = _login(client, alice.email, PASSWORD)

    assert _errors(response) == [REFUSED]
    assert len(hashes) == 10
    assert not _logged_in(client)
    alice.refresh_from_db()
    assert alice.failed_login_count == 10


def test_an_unknown_email_is_limited_exactly_like_an_account(settings, clock, hashes):
    answers = [
        (_login(Client(REMOTE_ADDR=f"192.0.2.{n}"), "nobody@example.com", "guess").status_code)
        for n in range(11)
    ]

    assert answers == [200] * 11
    assert len(hashes) == 10
