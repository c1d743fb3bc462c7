"""Parallel wrong passwords for one account: exactly ``LOGIN_MAX_FAILURES`` of them are
checked, then the lock holds. Real threads, each with its own PostgreSQL connection."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest
from django.conf import settings
from django.db import connection

from accounts.models import AuditEvent, User
from accounts.services.auth import AccountLocked, LoginFailed, login_check_password
from tests.factories import UserFactory

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("postgres_only")]

CALLERS = 30
PASSWORD = "correct horse battery"  # tests.factories.UserFactory


def _race(callers: int, attempt: Any) -> list[BaseException]:
    """Run ``attempt`` in ``callers`` threads released at once; return what each raised."""
    barrier = threading.Barrier(callers)
    raised: list[BaseException] = []
    lock = threading.Lock()

    def run() -> None:
        try:
            barrier.wait(timeout=10)
            attempt()
        except BaseException as exc:  # every outcome is asserted below
            with lock:
                raised.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(callers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return raised


@pytest.fixture
def password_checks(monkeypatch) -> list[str]:
    """Counts checks of a real account's password; each takes as long as a production hash
    (PBKDF2, about 50 ms), which is the window the parallel guesses used to slip through."""
    checked: list[str] = []
    original = User.check_password

    def slow_check(user: User, raw_password: str | None) -> bool:
        checked.append(user.email)
        time.sleep(0.05)
        return original(user, raw_password)

    monkeypatch.setattr(User, "check_password", slow_check)
    return checked


@pytest.fixture(autouse=True)
def _no_account_throttle(settings) -> None:
    """The lock alone is under test here, not the per-account attempt limit."""
    settings.LOGIN_THROTTLE_PER_ACCOUNT = 1000


def test_parallel_wrong_passwords_check_exactly_the_maximum_then_lock(password_checks):
    alice = UserFactory(email="alice@example.com")
    assert settings.LOGIN_MAX_FAILURES == 5

    raised = _race(
        CALLERS,
        lambda: login_check_password(email=alice.email, password="guess"),
    )

    assert len(password_checks) == 5
    assert len(raised) == CALLERS
    assert all(isinstance(exc, LoginFailed) for exc in raised)
    assert sum(isinstance(exc, AccountLocked) for exc in raised) == CALLERS - 5
    alice.refresh_from_db()
    assert alice.locked_until is not None
    assert alice.failed_login_count == 0
    events = list(AuditEvent.objects.values_list("action", "after"))
    assert events == [
        ("user.locked_out", {"locked_until": alice.locked_until.isoformat(), "failures": 5})
    ]


def test_parallel_right_passwords_all_log_in_and_leave_no_failure(password_checks):
    alice = UserFactory(email="alice@example.com")
    logged_in: list[str] = []

    def attempt() -> None:
        logged_in.append(login_check_password(email=alice.email, password=PASSWORD).email)

    raised = _race(8, attempt)

    assert raised == []
    assert logged_in == ["alice@example.com"] * 8
    assert len(password_checks) == 8
    alice.refresh_from_db()
    assert alice.failed_login_count == 0
    assert alice.locked_until is None
    assert AuditEvent.objects.count() == 0
