"""The buyer's own reminder ("send a reminder now"): the supplier notified in its members'
languages, an invited company e-mailed again, at most once a day, audited in the buyer's log."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.db import transaction
from django.utils import timezone, translation

from accounts.audit import Actor
from accounts.models import AuditEvent, User
from core.workflows import IllegalTransition
from exchange.sharing.errors import ReminderTooSoon
from exchange.sharing.models import FootprintRequest, Notification
from exchange.sharing.services.requests import request_remind, request_reminder_possible_on
from tests.exchange.sharing.builders import open_request
from tests.exchange.sharing.conftest import run_jobs

pytestmark = pytest.mark.django_db


def _remind(party, request):
    with transaction.atomic():
        return request_remind(actor=Actor(user=party.users["preparer"]), request=request)


def test_the_supplier_is_reminded_in_each_members_language(buyer, supplier):
    User.objects.filter(email="viewer@wire-rod-mill.example").update(language="en")
    User.objects.filter(email="owner@wire-rod-mill.example").update(language="zh-hans")
    due = timezone.localdate() + timedelta(days=20)
    asked = open_request(
        buyer.organisation, supplier.organisation, cn_code="72139110", due_date=due
    )

    reminded = _remind(buyer, asked)
    jobs = run_jobs()

    assert reminded.buyer_reminded_at is not None
    event = AuditEvent.objects.get(action="footprint_request.buyer_reminded")
    assert event.organisation == buyer.organisation
    assert event.actor_user == buyer.users["preparer"]
    assert event.after["supplier"] == supplier.organisation.pk
    assert event.after["reminded_at"] == reminded.buyer_reminded_at.isoformat()
    notification = Notification.objects.get(organisation=supplier.organisation)
    assert notification.kind == "request.reminded"
    stamp = reminded.buyer_reminded_at.isoformat()
    assert notification.dedupe_key == f"request.reminded:{asked.pk}:{stamp}"
    assert notification.subject == (
        f"Reminder from Screw Maker GmbH: CN 72139110, 2026, due {due.isoformat()}"
    )
    assert jobs == [("sharing.email_notification", "succeeded")]
    (english,) = [m for m in mail.outbox if m.to == ["viewer@wire-rod-mill.example"]]
    (chinese,) = [m for m in mail.outbox if m.to == ["owner@wire-rod-mill.example"]]
    assert english.body.startswith(
        "Screw Maker GmbH reminds you of its request for the product carbon footprint of "
        f"CN 72139110, 2026, due on {due.isoformat()}.\n"
    )
    assert chinese.subject == (
        "来自 Screw Maker GmbH 的提醒：CN 72139110，2026年，"
        f"截止 {due.year}年{due.month}月{due.day}日"
    )
    assert f"/o/wire-rod-mill/requests/{asked.pk}/" in english.body


def test_a_second_reminder_the_same_day_is_refused_and_changes_nothing(buyer, supplier):
    asked = open_request(buyer.organisation, supplier.organisation)
    first = _remind(buyer, asked)

    with translation.override("en"), pytest.raises(ReminderTooSoon) as refused:
        _remind(buyer, asked)

    tomorrow = timezone.localdate() + timedelta(days=1)
    assert refused.value.code == "reminder_too_soon"
    assert refused.value.extra == {"next_reminder_on": tomorrow.isoformat()}
    assert refused.value.message.startswith(
        "You already reminded the supplier of this request today; the next reminder can be sent on "
    )
    assert AuditEvent.objects.filter(action="footprint_request.buyer_reminded").count() == 1
    assert Notification.objects.filter(kind="request.reminded").count() == 1
    asked.refresh_from_db()
    assert asked.buyer_reminded_at == first.buyer_reminded_at
    assert request_reminder_possible_on(asked) == tomorrow


def test_the_next_day_the_buyer_may_remind_again(buyer, supplier):
    asked = open_request(buyer.organisation, supplier.organisation)
    _remind(buyer, asked)
    yesterday = timezone.now() - timedelta(days=1)
    FootprintRequest.objects.filter(pk=asked.pk).update(buyer_reminded_at=yesterday)
    asked.refresh_from_db()
    assert request_reminder_possible_on(asked) == timezone.localdate()

    _remind(buyer, asked)

    assert AuditEvent.objects.filter(action="footprint_request.buyer_reminded").count() == 2
    assert Notification.objects.filter(kind="request.reminded").count() == 2


def test_an_invited_company_gets_the_invitation_again_marked_as_a_reminder(buyer):
    asked = open_request(
        buyer.organisation,
        None,
        supplier_email="sales@newmill.example",
        supplier_name="New Mill",
        cn_code="72139110",
    )

    _remind(buyer, asked)
    jobs = run_jobs()

    assert jobs == [("sharing.send_request_invitation", "succeeded")]
    (message,) = mail.outbox
    assert message.to == ["sales@newmill.example"]
    # No account: the company's country is unknown, so Chinese and English.
    assert message.subject == (
        "提醒：Screw Maker GmbH 请求提供产品碳足迹（CBAM） / "
        "Reminder: Screw Maker GmbH asks for a product carbon footprint (CBAM)"
    )
    assert Notification.objects.count() == 0


@pytest.mark.parametrize("status", ["fulfilled", "rejected", "withdrawn", "expired"])
def test_only_an_open_request_can_be_reminded(buyer, supplier, status):
    closed = open_request(buyer.organisation, supplier.organisation, status=status)

    with pytest.raises(IllegalTransition) as refused:
        _remind(buyer, closed)

    assert refused.value.extra == {"status": status}
    assert AuditEvent.objects.count() == 0
    assert Notification.objects.count() == 0
