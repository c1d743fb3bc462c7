"""Deadlines of footprint requests, run by periodic tasks: open requests past their due date
expire, requests due soon are reminded once. Each run is idempotent and reports what it did."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from accounts.audit import audit_record
from exchange.sharing.models import (
    FootprintRequest,
    NotificationKind,
    RequestStatus,
)
from exchange.sharing.services.notifications import notification_create
from exchange.sharing.services.requests import SYSTEM, request_summary
from exchange.sharing.texts import request_facts


def reminder_days() -> int:
    """How many days before its due date a supplier is reminded of an open request."""
    return int(getattr(settings, "SHARING_REQUEST_REMINDER_DAYS", 3))


@dataclass(frozen=True)
class PeriodicReport:
    request_ids: list[str]


def requests_expire(*, today: date | None = None) -> PeriodicReport:
    """Expire every open request whose due date has passed (``due_date < today``): audited
    as ``footprint_request.expired`` and both parties notified. Idempotent: an expired
    request is no longer open. Each request is claimed by a conditional UPDATE in its own
    transaction, so a supplier fulfilling it at the same moment either wins or finds it
    expired, never both."""
    today = today or timezone.localdate()
    candidates = list(
        FootprintRequest.objects.filter(status=RequestStatus.OPEN, due_date__lt=today)
        .order_by("due_date", "id")
        .values_list("pk", flat=True)
    )
    expired: list[str] = []
    for request_id in candidates:
        with transaction.atomic():
            now = timezone.now()
            taken = FootprintRequest.objects.filter(
                pk=request_id, status=RequestStatus.OPEN, due_date__lt=today
            ).update(status=RequestStatus.EXPIRED, closed_at=now, updated_at=now)
            if not taken:
                continue
            request = FootprintRequest.objects.select_related(
                "buyer", "supplier", "supplier_product"
            ).get(pk=request_id)
            audit_record(
                actor=SYSTEM,
                organisation=request.buyer,
                action="footprint_request.expired",
                obj=request,
                before={"status": RequestStatus.OPEN},
                after=request_summary(request),
            )
            facts = request_facts(request)
            notification_create(
                organisation=request.buyer,
                kind=NotificationKind.REQUEST_EXPIRED,
                dedupe_key=f"request.expired:{request.pk}",
                obj=request,
                data={**facts, "side": "buyer"},
            )
            if request.supplier is not None:
                notification_create(
                    organisation=request.supplier,
                    kind=NotificationKind.REQUEST_EXPIRED,
                    dedupe_key=f"request.expired:{request.pk}",
                    obj=request,
                    data={**facts, "side": "supplier"},
                )
            expired.append(str(request_id))
    return PeriodicReport(request_ids=expired)


def requests_remind_due(*, today: date | None = None, days: int | None = None) -> PeriodicReport:
    """Remind suppliers, once, of open requests due within ``days`` (default
    ``SHARING_REQUEST_REMINDER_DAYS``, 3): today ≤ due date ≤ today + days. ``reminder_sent_at``
    is set by a conditional UPDATE, so a request is reminded at most once however often the
    task runs. Invited suppliers not yet on the platform are not reminded (there is no
    organisation to notify)."""
    today = today or timezone.localdate()
    days = reminder_days() if days is None else days
    candidates = list(
        FootprintRequest.objects.filter(
            status=RequestStatus.OPEN,
            supplier__isnull=False,
            reminder_sent_at__isnull=True,
            due_date__gte=today,
            due_date__lte=today + timedelta(days=days),
        )
        .order_by("due_date", "id")
        .values_list("pk", flat=True)
    )
    reminded: list[str] = []
    for request_id in candidates:
        with transaction.atomic():
            taken = FootprintRequest.objects.filter(
                pk=request_id, status=RequestStatus.OPEN, reminder_sent_at__isnull=True
            ).update(reminder_sent_at=timezone.now())
            if not taken:
                continue
            request = FootprintRequest.objects.select_related(
                "buyer", "supplier", "supplier_product"
            ).get(pk=request_id)
            assert request.supplier is not None
            audit_record(
                actor=SYSTEM,
                organisation=request.supplier,
                action="footprint_request.reminded",
                obj=request,
                after=request_summary(request),
            )
            notification_create(
                organisation=request.supplier,
                kind=NotificationKind.REQUEST_DUE_SOON,
                dedupe_key=f"request.due_soon:{request.pk}",
                obj=request,
                data=request_facts(request),
            )
            reminded.append(str(request_id))
    return PeriodicReport(request_ids=reminded)


# --------------------------------------------------------------------------- invitations
