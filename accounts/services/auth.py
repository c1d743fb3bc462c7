"""Password login with lockout and throttles, and the optional TOTP second factor.

Lockout: after ``LOGIN_MAX_FAILURES`` wrong passwords or TOTP codes in a row the account
refuses every password, right or wrong, for ``LOGIN_LOCKOUT``; a complete login (with the
code, when TOTP is on) resets the count. Each check runs with the account's row locked
(``SELECT … FOR UPDATE``), from reading the lock to recording the outcome: parallel guesses
queue behind each other, so exactly ``LOGIN_MAX_FAILURES`` of them are checked before the
lock lands.

Throttles (accounts.throttle): every password attempt counts against the caller's address
(``LOGIN_THROTTLE_PER_IP``) and against the e-mail address tried
(``LOGIN_THROTTLE_PER_ACCOUNT``, known or not) per ``LOGIN_THROTTLE_WINDOW``.

An unknown e-mail, a locked or throttled account and a wrong password get one and the same
answer, and each of the first three runs the password hasher once like a real check, so
neither the message nor the time taken tells which e-mail addresses have an account.
"""

from __future__ import annotations

import time
from enum import Enum

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext, ngettext

from accounts import totp
from accounts.audit import Actor, audit_record
from accounts.models import User
from accounts.throttle import throttle_hit
from core.crypto import decrypt, encrypt
from core.errors import ApplicationError, ValidationFailed


class LoginFailed(ApplicationError):
    status = 401
    code = "login_failed"


class AccountLocked(LoginFailed):
    """The account is locked. At the password step it reads exactly like ``LoginFailed``."""


class LoginThrottled(LoginFailed):
    """Too many attempts from one address or for one e-mail address in the current window."""


class _Outcome(Enum):
    LOCKED = "locked"
    WRONG = "wrong"


def login_refused_message() -> str:
    """The one answer to every refused password step (wrong, unknown, locked, throttled)."""
    return gettext(
        "Email or password is wrong, or there were too many attempts: "
        "wait a few minutes or reset your password."
    )


def _locked_message(user: User) -> str:
    assert user.locked_until is not None
    minutes = int((user.locked_until - timezone.now()).total_seconds() // 60) + 1
    return ngettext(
        "Too many failed logins: this account is locked for %(minutes)d more minute.",
        "Too many failed logins: this account is locked for %(minutes)d more minutes.",
        minutes,
    ) % {"minutes": minutes}


def _is_locked(user: User) -> bool:
    return user.locked_until is not None and user.locked_until > timezone.now()


def _burn_password_hash(password: str) -> None:
    """Hash ``password`` once with the current hasher and throw the result away: a refusal
    that checks no password takes as long as one that does (Django's ModelBackend does the
    same for unknown users)."""
    User().set_password(password)


def _reset_failures(user: User) -> None:
    if user.failed_login_count or user.locked_until:
        User.objects.filter(pk=user.pk).update(failed_login_count=0, locked_until=None)
        user.failed_login_count = 0
        user.locked_until = None


def _record_failure(user: User) -> None:
    """Count one failure of ``user``, whose row the caller holds locked; lock at the limit."""
    count = user.failed_login_count + 1
    if count < settings.LOGIN_MAX_FAILURES:
        User.objects.filter(pk=user.pk).update(failed_login_count=count)
        return
    until = timezone.now() + settings.LOGIN_LOCKOUT
    User.objects.filter(pk=user.pk).update(locked_until=until, failed_login_count=0)
    audit_record(
        actor=Actor.platform("login"),
        organisation=None,
        action="user.locked_out",
        obj=user,
        after={"locked_until": until.isoformat(), "failures": count},
    )


def _throttle(*, email: str, ip_address: str | None) -> None:
    window_seconds = int(settings.LOGIN_THROTTLE_WINDOW.total_seconds())
    if ip_address:
        over = throttle_hit(
            scope="login-ip",
            ident=ip_address,
            limit=settings.LOGIN_THROTTLE_PER_IP,
            window_seconds=window_seconds,
        )
        if over is not None:
            raise LoginThrottled(login_refused_message())
    over = throttle_hit(
        scope="login-account",
        ident=email,
        limit=settings.LOGIN_THROTTLE_PER_ACCOUNT,
        window_seconds=window_seconds,
    )
    if over is not None:
        raise LoginThrottled(login_refused_message())


def login_check_password(*, email: str, password: str, ip_address: str | None = None) -> User:
    """Return the active user with this e-mail and password, or raise ``LoginFailed`` (or its
    subclasses ``AccountLocked`` / ``LoginThrottled``), all with ``login_refused_message``.

    ``ip_address`` is the caller's address for the per-address throttle (None: not counted).
    With TOTP on, the failure count is reset only once the code is right too
    (``login_check_totp``): re-entering the password must not forgive wrong codes.
    """
    email = (email or "").strip().lower()
    _throttle(email=email, ip_address=ip_address)
    found = User.objects.filter(email__iexact=email, is_active=True).values_list("pk", flat=True)
    user_pk = found.first()
    if user_pk is None:
        _burn_password_hash(password)
        raise LoginFailed(login_refused_message())
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user_pk)
        if _is_locked(user):
            outcome = _Outcome.LOCKED
        elif user.check_password(password):
            if not user.totp_enabled:
                _reset_failures(user)
            return user
        else:
            _record_failure(user)
            outcome = _Outcome.WRONG
    # Raised outside the block, which would otherwise roll the recorded failure back.
    if outcome is _Outcome.LOCKED:
        _burn_password_hash(password)  # after the row lock is released
        raise AccountLocked(login_refused_message())
    raise LoginFailed(login_refused_message())


def login_check_totp(*, user: User, code: str) -> User:
    """Second login step with TOTP on: the code must be right, fresh and unused.

    A wrong code counts towards the lockout like a wrong password: six digits do not
    withstand unlimited guesses. The row is locked as in ``login_check_password``. Whoever
    reaches this step knows the password, so a locked account is named as such here.
    Raises ``LoginFailed`` / ``AccountLocked``.
    """
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        if _is_locked(user):
            locked_message = _locked_message(user)
        elif totp_check(user=user, code=code):
            _reset_failures(user)
            return user
        else:
            _record_failure(user)
            locked_message = ""
    if locked_message:
        raise AccountLocked(locked_message)
    raise LoginFailed(gettext("The code is wrong, expired or already used."))


# --- TOTP --------------------------------------------------------------------------------


def totp_begin_enrolment(*, user: User) -> str:
    """Store a new, unconfirmed seed and return the otpauth:// URI for an authenticator app."""
    if user.totp_enabled:
        raise ValidationFailed(
            gettext(
                "Two-factor authentication is already on; turn it off first to enrol a new device."
            )
        )
    secret = totp.new_secret()
    User.objects.filter(pk=user.pk).update(totp_secret_encrypted=encrypt(secret))
    user.totp_secret_encrypted = encrypt(secret)
    return totp.provisioning_uri(secret, account=user.email)


def totp_enrolment_pending(*, user: User) -> str | None:
    """The otpauth:// URI of an enrolment begun and not confirmed yet (the settings page shows
    it again until the person confirms a code), else None."""
    if user.totp_enabled or not user.totp_secret_encrypted:
        return None
    return totp.provisioning_uri(decrypt(user.totp_secret_encrypted), account=user.email)


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
        raise ValidationFailed(gettext("Two-factor authentication is already on."))
    if not totp_check(user=user, code=code):
        raise ValidationFailed(
            gettext("The code is wrong or expired."),
            fields={"code": [gettext("Enter the 6-digit code your authenticator app shows now.")]},
        )
    user.totp_confirmed_at = timezone.now()
    user.save(update_fields=["totp_confirmed_at"])
    audit_record(actor=Actor(user=user), organisation=None, action="user.totp_enabled", obj=user)


@transaction.atomic
def totp_disable(*, user: User, code: str) -> None:
    if not user.totp_enabled:
        raise ValidationFailed(gettext("Two-factor authentication is not on."))
    if not totp_check(user=user, code=code):
        raise ValidationFailed(
            gettext("The code is wrong or expired."),
            fields={"code": [gettext("Enter the current 6-digit code to turn two-factor off.")]},
        )
    User.objects.filter(pk=user.pk).update(
        totp_confirmed_at=None, totp_secret_encrypted="", totp_last_step=None
    )
    audit_record(actor=Actor(user=user), organisation=None, action="user.totp_disabled", obj=user)
