"""Password login with lockout, and the optional TOTP second factor.

Lockout: after ``LOGIN_MAX_FAILURES`` wrong passwords or TOTP codes in a row the account
refuses every password, right or wrong, for ``LOGIN_LOCKOUT``; a complete login (with the
code, when TOTP is on) resets the count. Counting is a
conditional UPDATE with ``F()``, so parallel guesses cannot slip past the limit.
"""

from __future__ import annotations

import time

from django.conf import settings
from django.contrib.auth import authenticate
from django.db import transaction
from django.db.models import F
from django.http import HttpRequest
from django.utils import timezone

from accounts import totp
from accounts.audit import Actor, audit_record
from accounts.models import User
from core.crypto import decrypt, encrypt
from core.errors import ApplicationError, ValidationFailed


class LoginFailed(ApplicationError):
    status = 401
    code = "login_failed"


class AccountLocked(ApplicationError):
    status = 403
    code = "account_locked"


def _refuse_if_locked(user: User) -> None:
    now = timezone.now()
    if user.locked_until and user.locked_until > now:
        minutes = int((user.locked_until - now).total_seconds() // 60) + 1
        raise AccountLocked(
            f"Too many failed logins: this account is locked for {minutes} more minute(s)."
        )


def _reset_failures(user: User) -> None:
    if user.failed_login_count or user.locked_until:
        User.objects.filter(pk=user.pk).update(failed_login_count=0, locked_until=None)


def login_check_password(*, request: HttpRequest | None, email: str, password: str) -> User:
    """Return the user for a right email + password, or raise LoginFailed / AccountLocked.

    With TOTP on, the failure count is reset only once the code is right too
    (``login_check_totp``): re-entering the password must not forgive wrong codes.
    """
    email = (email or "").strip().lower()
    user = User.objects.filter(email__iexact=email).first()
    if user is not None:
        _refuse_if_locked(user)
    authed = authenticate(request, username=email, password=password)
    if authed is None or not isinstance(authed, User):
        if user is not None:
            _record_failure(user)
        raise LoginFailed("Email or password is wrong.")
    if not authed.totp_enabled:
        _reset_failures(authed)
    return authed


def login_check_totp(*, user: User, code: str) -> User:
    """Second login step with TOTP on: the code must be right, fresh and unused.

    A wrong code counts towards the lockout like a wrong password: six digits do not
    withstand unlimited guesses. Raises LoginFailed / AccountLocked.
    """
    user = User.objects.get(pk=user.pk)  # the current lockout state, not a stale copy
    _refuse_if_locked(user)
    if not totp_check(user=user, code=code):
        _record_failure(user)
        raise LoginFailed("The code is wrong, expired or already used.")
    _reset_failures(user)
    return user


def _record_failure(user: User) -> None:
    with transaction.atomic():
        User.objects.filter(pk=user.pk).update(failed_login_count=F("failed_login_count") + 1)
        count = User.objects.values_list("failed_login_count", flat=True).get(pk=user.pk)
        if count >= settings.LOGIN_MAX_FAILURES:
            until = timezone.now() + settings.LOGIN_LOCKOUT
            User.objects.filter(pk=user.pk).update(locked_until=until, failed_login_count=0)
            audit_record(
                actor=Actor.platform("login"),
                organisation=None,
                action="user.locked_out",
                obj=user,
                after={"locked_until": until.isoformat(), "failures": count},
            )


# --- TOTP --------------------------------------------------------------------------------


def totp_begin_enrolment(*, user: User) -> str:
    """Store a new, unconfirmed seed and return the otpauth:// URI for an authenticator app."""
    if user.totp_enabled:
        raise ValidationFailed(
            "Two-factor authentication is already on; turn it off first to enrol a new device."
        )
    secret = totp.new_secret()
    User.objects.filter(pk=user.pk).update(totp_secret_encrypted=encrypt(secret))
    user.totp_secret_encrypted = encrypt(secret)
    return totp.provisioning_uri(secret, account=user.email)


def totp_check(*, user: User, code: str, now: float | None = None) -> bool:
    """True if ``code`` is valid now and was not used before (replay is refused)."""
    if not user.totp_secret_encrypted:
        return False
    secret = decrypt(user.totp_secret_encrypted)
    step = totp.verify(secret, code, now if now is not None else time.time())
    if step is None:
        return False
    # Conditional UPDATE: the same code (step) cannot be used twice, even in parallel.
    used = (
        User.objects.filter(pk=user.pk)
        .exclude(totp_last_step__gte=step)
        .update(totp_last_step=step)
    )
    return bool(used)


@transaction.atomic
def totp_confirm(*, user: User, code: str) -> None:
    if user.totp_enabled:
        raise ValidationFailed("Two-factor authentication is already on.")
    if not totp_check(user=user, code=code):
        raise ValidationFailed(
            "The code is wrong or expired.",
            fields={"code": ["Enter the 6-digit code your authenticator app shows now."]},
        )
    user.totp_confirmed_at = timezone.now()
    user.save(update_fields=["totp_confirmed_at"])
    audit_record(actor=Actor(user=user), organisation=None, action="user.totp_enabled", obj=user)


@transaction.atomic
def totp_disable(*, user: User, code: str) -> None:
    if not user.totp_enabled:
        raise ValidationFailed("Two-factor authentication is not on.")
    if not totp_check(user=user, code=code):
        raise ValidationFailed(
            "The code is wrong or expired.",
            fields={"code": ["Enter the current 6-digit code to turn two-factor off."]},
        )
    User.objects.filter(pk=user.pk).update(
        totp_confirmed_at=None, totp_secret_encrypted="", totp_last_step=None
    )
    audit_record(actor=Actor(user=user), organisation=None, action="user.totp_disabled", obj=user)
