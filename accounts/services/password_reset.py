"""Password reset by e-mail.

Asking (``password_reset_request``) answers the same whether or not the address has an
account; for an active account it stores the digest of a random token and queues an e-mail
with the link (a work row, like invitations). Using the link (``password_reset_complete``)
sets a password that passes ``AUTH_PASSWORD_VALIDATORS``, clears the lockout, and kills the
link and every older one: a link is bound to the password hash it was issued against.
Both steps are audited.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext, ngettext

from accounts.audit import Actor, audit_record
from accounts.models import PasswordResetToken, User
from accounts.throttle import throttle_hit
from core.crypto import encrypt, sha256_hex
from core.errors import NotFound, ValidationFailed
from core.jobs import job_create
from core.links import absolute_url


def password_reset_url(raw_token: str) -> str:
    return absolute_url(f"/accounts/password-reset/{raw_token}/")


def password_reset_ttl_minutes() -> int:
    return int(settings.PASSWORD_RESET_TTL.total_seconds() // 60)


def password_reset_validity_text() -> str:
    """How long and how often a link works, as the pages and the e-mail say it."""
    minutes = password_reset_ttl_minutes()
    return ngettext(
        "The link works once, within %(minutes)d minute.",
        "The link works once, within %(minutes)d minutes.",
        minutes,
    ) % {"minutes": minutes}


def _password_fingerprint(user: User) -> str:
    return sha256_hex(user.password)


def _is_usable(token: PasswordResetToken, user: User) -> bool:
    return (
        token.used_at is None
        and token.expires_at > timezone.now()
        and user.is_active
        and token.password_fingerprint == _password_fingerprint(user)
    )


def _invalid_link() -> NotFound:
    return NotFound(
        gettext(
            "This link does not work any more: it expired, was used, or the password was "
            "changed since. Ask for a new one."
        )
    )


def _throttled(*, email: str, ip_address: str | None) -> bool:
    window_seconds = int(settings.PASSWORD_RESET_THROTTLE_WINDOW.total_seconds())
    if ip_address and throttle_hit(
        scope="password-reset-ip",
        ident=ip_address,
        limit=settings.PASSWORD_RESET_THROTTLE_PER_IP,
        window_seconds=window_seconds,
    ):
        return True
    return bool(
        throttle_hit(
            scope="password-reset-account",
            ident=email,
            limit=settings.PASSWORD_RESET_THROTTLE_PER_ACCOUNT,
            window_seconds=window_seconds,
        )
    )


def password_reset_request(*, email: str, ip_address: str | None = None) -> None:
    """Queue a reset e-mail to ``email`` if it belongs to an active account.

    Returns nothing and raises nothing for an unknown address, an inactive account or a
    throttled request (``PASSWORD_RESET_THROTTLE_PER_IP`` / ``_PER_ACCOUNT`` per
    ``PASSWORD_RESET_THROTTLE_WINDOW``, which keeps anyone from flooding an inbox): the caller
    must not learn which addresses have an account.
    """
    email = (email or "").strip().lower()
    if _throttled(email=email, ip_address=ip_address):
        return
    user = User.objects.filter(email__iexact=email, is_active=True).first()
    if user is None:
        return
    raw_token = secrets.token_urlsafe(32)
    with transaction.atomic():
        token = PasswordResetToken.objects.create(
            user=user,
            token_hash=sha256_hex(raw_token),
            password_fingerprint=_password_fingerprint(user),
            expires_at=timezone.now() + settings.PASSWORD_RESET_TTL,
        )
        audit_record(
            actor=Actor.platform("password_reset"),
            organisation=None,
            action="user.password_reset_requested",
            obj=user,
            after={"token": str(token.pk), "expires_at": token.expires_at.isoformat()},
        )
        # Sent by a worker, retried if the mail server is down; the token travels encrypted.
        job_create(
            kind="accounts.send_password_reset_email",
            payload={
                "token_id": str(token.pk),
                "token_encrypted": encrypt(raw_token.encode()),
                # The language of the page the person asked from (their setting wins).
                "language": translation.get_language() or settings.LANGUAGE_CODE,
            },
        )


def password_reset_email_send(*, token_id: str, raw_token: str, language: str = "") -> bool:
    """Send the reset e-mail, in the person's language (their setting, else the language of the
    page they asked from). Returns False (and sends nothing) when the link no longer works,
    e.g. used or superseded before a worker got to it."""
    token = PasswordResetToken.objects.select_related("user").get(pk=token_id)
    if not _is_usable(token, token.user):
        return False
    with translation.override(token.user.language or language or settings.LANGUAGE_CODE):
        _send_reset_mail(token, raw_token)
    return True


def _send_reset_mail(token: PasswordResetToken, raw_token: str) -> None:
    send_mail(
        subject=gettext("Set a new password for CBAM Exchange"),
        message=(
            gettext(
                "Someone, probably you, asked to set a new password for %(email)s on "
                "CBAM Exchange. Open this link to choose it:"
            )
            % {"email": token.user.email}
            + f"\n\n{password_reset_url(raw_token)}\n\n"
            # One sentence pair, so that Chinese joins them without a space.
            + gettext(
                "%(validity)s If you did not ask, ignore this e-mail: your password stays as it is."
            )
            % {"validity": password_reset_validity_text()}
            + "\n"
        ),
        from_email=None,
        recipient_list=[token.user.email],
    )


def password_reset_token_check(*, raw_token: str) -> PasswordResetToken:
    """The token of a link that still works, or ``NotFound`` (looking does not use it)."""
    token = (
        PasswordResetToken.objects.select_related("user")
        .filter(token_hash=sha256_hex(raw_token or ""))
        .first()
    )
    if token is None or not _is_usable(token, token.user):
        raise _invalid_link()
    return token


@transaction.atomic
def password_reset_complete(*, raw_token: str, password: str) -> User:
    """Set ``password`` through a working link, once.

    The token and user rows are locked, so two uses of one link cannot both pass. Raises
    ``NotFound`` for a dead link and ``ValidationFailed`` (field ``new_password``) for a
    password the validators refuse; either way nothing changes.
    """
    token = (
        PasswordResetToken.objects.select_for_update()
        .filter(token_hash=sha256_hex(raw_token or ""))
        .first()
    )
    if token is None:
        raise _invalid_link()
    user = User.objects.select_for_update().get(pk=token.user_id)
    if not _is_usable(token, user):
        raise _invalid_link()
    try:
        validate_password(password, user=user)
    except ValidationError as exc:
        raise ValidationFailed(
            gettext("The new password does not meet the password rules."),
            fields={"new_password": list(exc.messages)},
        ) from None
    now = timezone.now()
    user.set_password(password)
    user.failed_login_count = 0
    user.locked_until = None
    user.save(update_fields=["password", "failed_login_count", "locked_until"])
    # The new password hash already kills every other link; marking them used lets the
    # purge (accounts.services.tokens) delete them now rather than at their expiry.
    PasswordResetToken.objects.filter(user=user, used_at__isnull=True).update(used_at=now)
    audit_record(
        actor=Actor(user=user),
        organisation=None,
        action="user.password_reset_completed",
        obj=user,
        after={"token": str(token.pk)},
    )
    return user
