"""Notifications: a row per organisation and event, shown in the platform and e-mailed.

``notification_create`` runs inside the transaction of the change it reports and is
idempotent by ``dedupe_key`` (unique per organisation): the same event reported twice (a job
run twice, a task repeated) leaves one row and one e-mail. The e-mail goes out from a work
row (``sharing.email_notification``) after commit, to every member of the organisation.
"""

from __future__ import annotations

import smtplib
from typing import Any

from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.audit import Actor, audit_record
from accounts.models import Membership, Organisation
from core.jobs import TransientJobError, job_create
from core.links import absolute_url
from exchange.sharing.models import Notification
from exchange.sharing.services.mail import ENGLISH, email_languages, email_written
from exchange.sharing.texts import (
    notification_page,
    notification_text,
    notification_text_english,
    notification_text_from,
    organisation_display,
)

EMAIL_JOB = "sharing.email_notification"


def notification_create(
    *,
    organisation: Organisation,
    kind: str,
    dedupe_key: str,
    data: dict[str, Any],
    obj: Any = None,
    subject: str = "",
    body: str = "",
) -> Notification | None:
    """Create the notification unless ``organisation`` already has one with ``dedupe_key``;
    enqueue its e-mail. Returns the new row, or None when it existed (nothing enqueued).
    Callers hold the transaction of the change it reports.

    ``data`` holds the facts of the event; the stored ``subject`` and ``body`` are the English
    text written from them (``exchange.sharing.texts``) unless given."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("notification_create outside a transaction: wrap the change")
    if not subject or not body:
        written = notification_text_english(kind, data)
        if written is None:
            raise ValueError(
                f"notification {kind}: data {sorted(data)} lacks a fact its text needs"
            )
        subject, body = subject or written[0], body or written[1]
    notification, created = Notification.objects.get_or_create(
        organisation=organisation,
        dedupe_key=dedupe_key,
        defaults={
            "kind": kind,
            "subject": subject[:300],
            "body": body,
            "object_type": obj._meta.label_lower if obj is not None else "",
            "object_id": str(obj.pk) if obj is not None else "",
            "data": data,
        },
    )
    if not created:
        return None
    job_create(
        kind=EMAIL_JOB,
        payload={"notification_id": str(notification.pk)},
        organisation_id=organisation.pk,
        idempotency_key=f"{EMAIL_JOB}:{notification.pk}",
    )
    return notification


def notification_recipients(*, organisation: Organisation) -> list[tuple[str, str]]:
    """E-mail address and chosen language ("" = none) of the organisation's active members,
    sorted by address."""
    return list(
        Membership.objects.filter(organisation=organisation, user__is_active=True)
        .order_by("user__email")
        .values_list("user__email", "user__language")
    )


def _notification_email(notification: Notification, organisation: Organisation) -> tuple[str, str]:
    """Subject and body of the notification's e-mail in the active language, with the link
    to the page where it is acted upon and to all notifications."""
    subject, body = notification_text(notification)
    page = notification_page(notification, organisation_slug=organisation.slug)
    lines = [
        "",
        "",
        "--",
        _("CBAM Exchange, for %(organisation)s.")
        % {"organisation": organisation_display(organisation)},
    ]
    if page is not None:
        lines.append(_("Open it: %(link)s") % {"link": absolute_url(page)})
    notifications = reverse("exchange-pages:notifications", kwargs={"org_slug": organisation.slug})
    lines.append(_("All notifications: %(link)s") % {"link": absolute_url(notifications)})
    return subject, body + "\n".join(lines) + "\n"


def notification_email_send(*, notification_id: str) -> int:
    """E-mail a notification to each member of its organisation, once, in that person's
    language (``exchange.sharing.services.mail``): ``emailed_at`` is set in the same
    transaction (the job's), so a repeated job sends nothing. Returns the number of messages
    sent. A mail server that is down raises ``TransientJobError`` (retried)."""
    notification = (
        Notification.objects.select_for_update(of=("self",))
        .select_related("organisation")
        .filter(pk=notification_id)
        .first()
    )
    if notification is None or notification.emailed_at is not None:
        return 0
    organisation = notification.organisation
    written_from_data = notification_text_from(notification.kind, notification.data) is not None
    written: dict[tuple[str, ...], tuple[str, str]] = {}
    messages = []
    for address, language in notification_recipients(organisation=organisation):
        languages = (
            email_languages(language=language, country=organisation.country)
            if written_from_data
            else (ENGLISH,)  # the stored text, in English
        )
        if languages not in written:
            written[languages] = email_written(
                languages, lambda: _notification_email(notification, organisation)
            )
        subject, body = written[languages]
        messages.append(EmailMessage(subject=subject, body=body, from_email=None, to=[address]))
    try:
        sent = get_connection().send_messages(messages) if messages else 0
    except (smtplib.SMTPException, OSError) as exc:
        raise TransientJobError(f"mail server: {exc}") from exc
    notification.emailed_at = timezone.now()
    notification.save(update_fields=["emailed_at"])
    return sent or 0


def notifications_visible_to(
    *, organisation: Organisation, unread: bool | None = None
) -> QuerySet[Notification]:
    """The organisation's notifications, newest first; ``unread`` True/False filters."""
    queryset = Notification.objects.filter(organisation=organisation).order_by("-created_at", "id")
    if unread is True:
        queryset = queryset.filter(read_at__isnull=True)
    elif unread is False:
        queryset = queryset.filter(read_at__isnull=False)
    return queryset


@transaction.atomic
def notification_mark_read(*, actor: Actor, notification: Notification) -> Notification:
    """Mark one notification read (for the whole organisation). Reading it again is a no-op."""
    locked = Notification.objects.select_for_update().get(pk=notification.pk)
    if locked.read_at is not None:
        return locked
    locked.read_at = timezone.now()
    locked.save(update_fields=["read_at"])
    audit_record(
        actor=actor,
        organisation=locked.organisation,
        action="notification.read",
        obj=locked,
        after={"kind": locked.kind},
    )
    return locked


@transaction.atomic
def notifications_mark_all_read(*, actor: Actor, organisation: Organisation) -> int:
    """Mark every unread notification of the organisation read; returns how many."""
    count = Notification.objects.filter(organisation=organisation, read_at__isnull=True).update(
        read_at=timezone.now()
    )
    if count:
        audit_record(
            actor=actor,
            organisation=organisation,
            action="notification.read_all",
            obj=organisation,
            after={"count": count},
        )
    return count
