"""Invite people by email; accept once, before expiry; revoke."""

from __future__ import annotations

import secrets
from datetime import UTC

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext, pgettext

from accounts.audit import Actor, audit_record
from accounts.models import Invitation, Membership, Organisation, User
from accounts.roles import Role
from accounts.services.memberships import membership_create
from core.crypto import encrypt, sha256_hex
from core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from core.jobs import job_create
from core.links import absolute_url


def invitation_accept_url(raw_token: str) -> str:
    return absolute_url(f"/accounts/invitations/{raw_token}/")


def invitation_status_label(status: str) -> str:
    """An invitation's status (``Invitation.status_at``) as the reader says it."""
    labels = {
        "pending": pgettext("invitation", "pending"),
        "accepted": pgettext("invitation", "accepted"),
        "revoked": pgettext("invitation", "revoked"),
        "expired": pgettext("invitation", "expired"),
    }
    return labels.get(status, status)


def email_languages(*, email: str, organisation: Organisation) -> list[str]:
    """The languages of an e-mail to ``email``: the person's own when they have an account
    and chose one (``User.language``); else every language of the site, Chinese first for
    an organisation in China, so that whoever opens it can read it."""
    codes = [code for code, _name in settings.LANGUAGES]
    chosen = (
        User.objects.filter(email__iexact=email).values_list("language", flat=True).first() or ""
    )
    if chosen in codes:
        return [chosen]
    chinese = [code for code in codes if code.startswith("zh")]
    others = [code for code in codes if not code.startswith("zh")]
    return chinese + others if organisation.country == "CN" else others + chinese


def _organisation_name(organisation: Organisation) -> str:
    """The legal name in its own script, with the Latin one beside it when different."""
    name = " ".join(organisation.legal_name.split())
    latin = " ".join(organisation.legal_name_latin.split())
    return f"{name} ({latin})" if latin and latin != name else name or latin


def invitation_email_send(*, invitation_id: str, raw_token: str) -> bool:
    """Send the invitation email, in the invitee's language (``email_languages``). Returns
    False (and sends nothing) when the invitation is no longer pending, e.g. revoked before
    a worker got to it."""
    invitation = Invitation.objects.select_related("organisation", "invited_by").get(
        pk=invitation_id
    )
    if invitation.status_at(timezone.now()) != "pending":
        return False
    inviter = invitation.invited_by.email if invitation.invited_by else "CBAM Exchange"
    organisation_name = _organisation_name(invitation.organisation)
    until = f"{invitation.expires_at.astimezone(UTC):%Y-%m-%d %H:%M} UTC"
    subjects: list[str] = []
    bodies: list[str] = []
    for language in email_languages(email=invitation.email, organisation=invitation.organisation):
        with translation.override(language):
            subjects.append(
                gettext("Join %(organisation)s on CBAM Exchange")
                % {"organisation": organisation_name}
            )
            bodies.append(
                gettext(
                    "%(inviter)s invites you to join %(organisation)s on CBAM Exchange as %(role)s."
                )
                % {
                    "inviter": inviter,
                    "organisation": organisation_name,
                    "role": str(Role(invitation.role).label).lower(),
                }
                + "\n\n"
                + gettext("Accept before %(until)s:") % {"until": until}
                + f"\n{invitation_accept_url(raw_token)}\n"
            )
    send_mail(
        subject=" / ".join(subjects),
        message="\n----\n\n".join(bodies),
        from_email=None,
        recipient_list=[invitation.email],
    )
    return True


@transaction.atomic
def invitation_create(
    *, actor: Actor, acting_role: str, organisation: Organisation, email: str, role: str
) -> tuple[Invitation, str]:
    """Create an invitation and email its link after commit. Returns the raw token once."""
    email = (email or "").strip().lower()
    if role not in Role.values:
        raise ValidationFailed(
            gettext("Unknown role."),
            fields={
                "role": [
                    gettext("%(role)s is not a role; expected one of %(roles)s.")
                    % {"role": repr(role), "roles": ", ".join(Role.values)}
                ]
            },
        )
    if role == Role.OWNER and acting_role != Role.OWNER:
        raise PermissionDenied(gettext("Only an owner can invite another owner."))
    if Membership.objects.filter(organisation=organisation, user__email__iexact=email).exists():
        message = gettext("%(email)s is already a member.") % {"email": email}
        raise Conflict(message, extra={"fields": {"email": [message]}})
    now = timezone.now()
    pending = Invitation.objects.filter(
        organisation=organisation,
        email__iexact=email,
        accepted_at__isnull=True,
        revoked_at__isnull=True,
        expires_at__gt=now,
    )
    if pending.exists():
        message = gettext(
            "%(email)s already has a pending invitation; revoke it to send a new one."
        ) % {"email": email}
        raise Conflict(message, extra={"fields": {"email": [message]}})
    raw_token = secrets.token_urlsafe(32)
    invitation = Invitation.objects.create(
        organisation=organisation,
        email=email,
        role=role,
        token_hash=sha256_hex(raw_token),
        invited_by=actor.user,
        expires_at=now + settings.INVITATION_TTL,
    )
    audit_record(
        actor=actor,
        organisation=organisation,
        action="invitation.created",
        obj=invitation,
        after={"email": email, "role": role, "expires_at": invitation.expires_at.isoformat()},
    )
    # The email goes out from a worker, so a slow or failing mail server neither delays nor
    # breaks the request, and a failed send is retried. The token travels encrypted: only its
    # digest is stored in clear.
    job_create(
        kind="accounts.send_invitation_email",
        payload={
            "invitation_id": str(invitation.pk),
            "token_encrypted": encrypt(raw_token.encode()),
        },
        organisation_id=organisation.pk,
    )
    return invitation, raw_token


@transaction.atomic
def invitation_revoke(*, actor: Actor, invitation: Invitation) -> Invitation:
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    status = invitation.status_at(timezone.now())
    if status != "pending":
        raise Conflict(
            gettext("This invitation is %(status)s; only a pending one can be revoked.")
            % {"status": invitation_status_label(status)}
        )
    invitation.revoked_at = timezone.now()
    invitation.save(update_fields=["revoked_at"])
    audit_record(
        actor=actor,
        organisation=invitation.organisation,
        action="invitation.revoked",
        obj=invitation,
        before={"status": "pending"},
        after={"status": "revoked"},
    )
    return invitation


def invitation_by_token(raw_token: str) -> Invitation:
    invitation = (
        Invitation.objects.select_related("organisation")
        .filter(token_hash=sha256_hex(raw_token or ""))
        .first()
    )
    if invitation is None:
        raise NotFound(gettext("This invitation link is not valid."))
    return invitation


@transaction.atomic
def invitation_accept(*, user: User, raw_token: str) -> Membership:
    """The invited person joins. The invitation's email must be the user's email."""
    invitation = invitation_by_token(raw_token)
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    status = invitation.status_at(timezone.now())
    if status != "pending":
        raise Conflict(
            gettext("This invitation is %(status)s; ask for a new one.")
            % {"status": invitation_status_label(status)}
        )
    if invitation.email.lower() != user.email.lower():
        raise PermissionDenied(
            gettext("This invitation was sent to %(invited)s; you are logged in as %(email)s.")
            % {"invited": invitation.email, "email": user.email}
        )
    membership = membership_create(
        actor=Actor(user=user),
        organisation=invitation.organisation,
        user=user,
        role=invitation.role,
    )
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    audit_record(
        actor=Actor(user=user),
        organisation=invitation.organisation,
        action="invitation.accepted",
        obj=invitation,
        before={"status": "pending"},
        after={"status": "accepted"},
    )
    return membership


@transaction.atomic
def invitation_accept_as_new_user(*, raw_token: str, full_name: str, password: str) -> User:
    """Create the account of an invited person who has none yet, then accept."""
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    invitation = invitation_by_token(raw_token)
    if User.objects.filter(email__iexact=invitation.email).exists():
        raise Conflict(gettext("An account with this email exists: log in, then accept."))
    candidate = User(email=invitation.email, full_name=full_name)
    try:
        validate_password(password, user=candidate)
    except ValidationError as exc:
        raise ValidationFailed(
            gettext("The password is too weak."), fields={"password": exc.messages}
        ) from None
    user = User.objects.create_user(invitation.email, password, full_name=full_name)
    invitation_accept(user=user, raw_token=raw_token)
    return user
