"""Notifications: created once per organisation and event, e-mailed once, listed, read."""

from __future__ import annotations

import pytest
from django.core import mail
from django.db import transaction

from accounts.models import AuditEvent
from core.jobs import job_execute
from core.models import Job
from exchange.sharing.models import Notification
from exchange.sharing.services.notifications import notification_create
from tests.exchange.sharing.builders import notification_for
from tests.exchange.sharing.conftest import run_jobs

pytestmark = pytest.mark.django_db


def _create(organisation):
    with transaction.atomic():
        return notification_create(
            organisation=organisation,
            kind="request.received",
            subject="Screw Maker GmbH requests a footprint",
            body="Please answer.",
            dedupe_key="request.received:42",
            data={},
        )


def test_the_same_event_notifies_once_and_is_emailed_once(supplier, settings):
    settings.SITE_URL = "https://cbam.example"
    first = _create(supplier.organisation)
    second = _create(supplier.organisation)

    assert first is not None
    assert second is None
    assert Notification.objects.count() == 1
    job = Job.objects.get(kind="sharing.email_notification")
    assert job.payload == {"notification_id": str(first.pk)}

    assert job_execute(job_id=job.pk).status == "succeeded"
    # A duplicate delivery, or the handler run again, sends nothing more.
    Job.objects.filter(pk=job.pk).update(status="pending")
    assert job_execute(job_id=job.pk).status == "succeeded"

    assert len(mail.outbox) == 5
    assert mail.outbox[0].subject == "Screw Maker GmbH requests a footprint"
    # Made without the facts its text is written from: its stored English text.
    assert mail.outbox[0].body == (
        "Please answer.\n\n--\nCBAM Exchange, for 线材轧钢有限公司 (Wire Rod Mill Co).\n"
        "All notifications: https://cbam.example/o/wire-rod-mill/notifications/\n"
    )
    job.refresh_from_db()
    assert job.result == {"sent": 0}


def test_the_same_key_for_another_organisation_is_another_notification(buyer, supplier):
    assert _create(supplier.organisation) is not None
    assert _create(buyer.organisation) is not None
    assert run_jobs() == [("sharing.email_notification", "succeeded")] * 2
    assert len(mail.outbox) == 10


def test_members_list_and_mark_their_notifications_read(buyer, supplier):
    mine = notification_for(supplier.organisation, "a")
    notification_for(supplier.organisation, "b")
    notification_for(buyer.organisation, "c")
    api = supplier.api("viewer")

    listed = api.get(supplier.url("notifications/")).json()
    read = api.post(supplier.url(f"notifications/{mine.pk}/read/"))
    unread = api.get(supplier.url("notifications/?unread=true")).json()
    foreign = api.post(
        supplier.url(f"notifications/{Notification.objects.get(dedupe_key='c').pk}/read/")
    )
    all_read = api.post(supplier.url("notifications/read-all/"))

    assert listed["count"] == 2
    assert read.status_code == 200
    assert read.json()["read_at"] is not None
    assert unread["count"] == 1
    assert foreign.status_code == 404
    assert all_read.json() == {"marked_read": 1}
    assert Notification.objects.filter(read_at__isnull=True).count() == 1  # the buyer's
    assert AuditEvent.objects.filter(action__startswith="notification.").count() == 2
    bad = api.get(supplier.url("notifications/?unread=maybe"))
    assert bad.json()["extra"]["fields"] == {"unread": ["'maybe'; expected true or false."]}
