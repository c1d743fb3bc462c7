"""The periodic tasks: requests past their due date expire; suppliers are reminded once."""

from __future__ import annotations

from datetime import date

import pytest
from django.core import mail

from accounts.models import AuditEvent
from exchange.sharing.models import FootprintRequest, Notification
from exchange.sharing.services.deadlines import requests_expire, requests_remind_due
from exchange.sharing.tasks import expire_requests, remind_due_requests
from tests.exchange.sharing.builders import open_request
from tests.exchange.sharing.conftest import run_jobs

pytestmark = pytest.mark.django_db

TODAY = date(2026, 3, 10)


def test_open_requests_past_their_due_date_expire_once_and_both_parties_are_told(buyer, supplier):
    overdue = open_request(buyer.organisation, supplier.organisation, due_date=date(2026, 3, 9))
    due_today = open_request(buyer.organisation, supplier.organisation, due_date=TODAY)
    rejected = open_request(
        buyer.organisation, supplier.organisation, due_date=date(2026, 3, 1), status="rejected"
    )

    first = requests_expire(today=TODAY)
    second = requests_expire(today=TODAY)

    assert first.request_ids == [str(overdue.pk)]
    assert second.request_ids == []
    statuses = dict(FootprintRequest.objects.values_list("pk", "status"))
    assert statuses == {overdue.pk: "expired", due_today.pk: "open", rejected.pk: "rejected"}
    assert FootprintRequest.objects.get(pk=overdue.pk).closed_at is not None
    event = AuditEvent.objects.get(action="footprint_request.expired")
    assert (event.object_id, event.actor_label, event.before) == (
        str(overdue.pk),
        "system:sharing",
        {"status": "open"},
    )
    assert sorted(
        Notification.objects.filter(kind="request.expired").values_list(
            "organisation__slug", "dedupe_key"
        )
    ) == [
        ("screw-maker", f"request.expired:{overdue.pk}"),
        ("wire-rod-mill", f"request.expired:{overdue.pk}"),
    ]
    run_jobs()
    assert len(mail.outbox) == 10  # five members each side, one message each


def test_the_celery_task_expires_through_the_service(buyer, supplier):
    overdue = open_request(buyer.organisation, supplier.organisation, due_date=date(2020, 1, 1))

    assert expire_requests.run() == [str(overdue.pk)]
    assert expire_requests.run() == []


def test_suppliers_are_reminded_once_of_requests_due_within_the_window(buyer, supplier, settings):
    settings.SHARING_REQUEST_REMINDER_DAYS = 3
    soon = open_request(buyer.organisation, supplier.organisation, due_date=date(2026, 3, 13))
    later = open_request(buyer.organisation, supplier.organisation, due_date=date(2026, 3, 14))
    invited = open_request(
        buyer.organisation, None, supplier_email="x@elsewhere.example", due_date=TODAY
    )

    assert requests_remind_due(today=TODAY).request_ids == [str(soon.pk)]
    assert requests_remind_due(today=TODAY).request_ids == []
    assert requests_remind_due(today=date(2026, 3, 11)).request_ids == [str(later.pk)]

    notifications = Notification.objects.filter(kind="request.due_soon").order_by("created_at")
    assert [(n.organisation.slug, n.dedupe_key) for n in notifications] == [
        ("wire-rod-mill", f"request.due_soon:{soon.pk}"),
        ("wire-rod-mill", f"request.due_soon:{later.pk}"),
    ]
    assert notifications[0].subject == (
        "Due 2026-03-13: the request of Screw Maker GmbH for CN 72083900, 2026"
    )
    assert FootprintRequest.objects.get(pk=invited.pk).reminder_sent_at is None


def test_the_reminder_task_is_thin_and_idempotent(buyer, supplier):
    from django.utils import timezone

    due = open_request(buyer.organisation, supplier.organisation, due_date=timezone.localdate())

    assert remind_due_requests.run() == [str(due.pk)]
    assert remind_due_requests.run() == []
