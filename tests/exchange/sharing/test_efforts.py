"""Evidence of efforts: the log of every request, reminder, reply, refusal, withdrawal and
expiry towards one supplier, built from stored records through the real services; the index
of suppliers; the CSV and PDF exports read back."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta

import pytest
from django.db import transaction
from django.utils import timezone, translation
from pypdf import PdfReader

from accounts.audit import Actor
from accounts.models import AuditEvent
from exchange.sharing.effort_exports import EFFORT_COLUMNS, effort_log_csv, effort_log_pdf
from exchange.sharing.efforts import effort_log, effort_suppliers, request_timeline
from exchange.sharing.models import FootprintRequest, Notification
from exchange.sharing.services.deadlines import requests_expire, requests_remind_due
from exchange.sharing.services.notifications import notification_mark_read
from exchange.sharing.services.requests import (
    RequestInput,
    request_fulfil,
    request_reject,
    request_remind,
    request_send,
    request_withdraw,
)
from tests.exchange.sharing.builders import open_request, published_footprint
from tests.exchange.sharing.conftest import run_jobs
from tests.factories import OrganisationFactory, ProductFactory

pytestmark = pytest.mark.django_db


def _send(buyer, **fields):
    values = {
        "supplier": "wire-rod-mill",
        "cn_code": "72139110",
        "period_start": date(2026, 1, 1),
        "period_end": date(2026, 12, 31),
        "due_date": timezone.localdate() + timedelta(days=2),
    }
    values.update(fields)
    with transaction.atomic():
        return request_send(
            actor=Actor(user=buyer.users["preparer"]),
            buyer=buyer.organisation,
            data=RequestInput(**values),
        )


def _world(buyer, supplier):
    """Four requests to the wire-rod mill through the services: fulfilled after an automatic
    and a manual reminder and being seen; refused with a reason; withdrawn; expired."""
    preparer = Actor(user=buyer.users["preparer"])
    sales = Actor(user=supplier.users["preparer"])
    product = ProductFactory(organisation=supplier.organisation, name="线材 Q195")
    footprint = published_footprint(
        supplier.organisation, product=product, period_start=date(2026, 1, 1)
    )
    answered = _send(buyer)
    refused = _send(buyer, cn_code="72142000")
    withdrawn = _send(buyer, cn_code="72171010")
    lapsed = _send(buyer, cn_code="72139990")
    run_jobs()  # the supplier's members are e-mailed each new request
    requests_remind_due()  # all four are due within 3 days
    with transaction.atomic():
        request_remind(actor=preparer, request=answered)
        received = Notification.objects.get(dedupe_key=f"request.received:{answered.pk}")
        notification_mark_read(actor=sales, notification=received)
        request_fulfil(actor=sales, request=answered, footprints=[str(footprint.pk)])
        request_reject(actor=sales, request=refused, reason="We do not make <that> grade.")
        request_withdraw(actor=preparer, request=withdrawn, reason="Bought elsewhere")
    FootprintRequest.objects.filter(pk=lapsed.pk).update(
        due_date=timezone.localdate() - timedelta(days=1)
    )
    requests_expire()
    return answered, refused, withdrawn, lapsed


def _at(action, request):
    return AuditEvent.objects.get(action=action, object_id=str(request.pk)).created_at


def test_the_log_holds_every_step_of_every_request_in_order_with_persons(buyer, supplier):
    answered, refused, withdrawn, lapsed = _world(buyer, supplier)
    preparer = buyer.users["preparer"]
    person = f"{preparer.full_name} <preparer@screw-maker.example>"

    log = effort_log(buyer=buyer.organisation, key="wire-rod-mill")

    assert log is not None
    assert [r.pk for r in log.requests] == [answered.pk, refused.pk, withdrawn.pk, lapsed.pk]
    steps: dict = {}
    for e in log.events:  # oldest first: each request's steps in their order
        steps.setdefault(e.request.pk, []).append((e.kind, e.party, e.by, e.reason, e.footprints))
    assert steps == {
        answered.pk: [
            ("sent", "buyer", person, "", ()),
            ("notified", "platform", "", "", ()),
            ("reminded", "platform", "", "", ()),
            ("buyer_reminded", "buyer", person, "", ()),
            ("seen", "supplier", "", "", ()),
            ("fulfilled", "supplier", "", "", ("线材 Q195 2026",)),
        ],
        refused.pk: [
            ("sent", "buyer", person, "", ()),
            ("notified", "platform", "", "", ()),
            ("reminded", "platform", "", "", ()),
            ("rejected", "supplier", "", "We do not make <that> grade.", ()),
        ],
        withdrawn.pk: [
            ("sent", "buyer", person, "", ()),
            ("notified", "platform", "", "", ()),
            ("reminded", "platform", "", "", ()),
            ("withdrawn", "buyer", person, "Bought elsewhere", ()),
        ],
        lapsed.pk: [
            ("sent", "buyer", person, "", ()),
            ("notified", "platform", "", "", ()),
            ("reminded", "platform", "", "", ()),
            ("expired", "platform", "", "", ()),
        ],
    }
    # Oldest first, each at the time its record holds.
    assert [e.at for e in log.events] == sorted(e.at for e in log.events)
    (fulfilled,) = [e for e in log.events if e.kind == "fulfilled"]
    assert fulfilled.at == _at("footprint_request.fulfilled", answered)
    assert log.counts == {
        "sent": 4,
        "invitation_emailed": 0,
        "notified": 4,
        "seen": 1,
        "claimed": 0,
        "reminded": 4,
        "buyer_reminded": 1,
        "fulfilled": 1,
        "rejected": 1,
        "withdrawn": 1,
        "expired": 1,
    }


def test_the_log_of_an_invited_company_shows_the_invitation_emails(buyer):
    asked = _send(
        buyer, supplier="", supplier_email="Sales@NewMill.example", supplier_name="New Mill"
    )
    run_jobs()
    with transaction.atomic():
        request_remind(actor=Actor(user=buyer.users["owner"]), request=asked)
    run_jobs()

    log = effort_log(buyer=buyer.organisation, key="sales@newmill.example")

    assert log is not None
    assert (log.supplier, log.supplier_email, log.supplier_name) == (
        None,
        "sales@newmill.example",
        "New Mill",
    )
    assert [(e.kind, e.address, e.again) for e in log.events] == [
        ("sent", "", False),
        ("invitation_emailed", "sales@newmill.example", False),
        ("buyer_reminded", "", False),
        ("invitation_emailed", "sales@newmill.example", True),
    ]
    with translation.override("en"):
        assert [e.detail for e in log.events] == [
            f"due {asked.due_date.isoformat()}",
            "to sales@newmill.example",
            "",
            "to sales@newmill.example; again, as a reminder",
        ]


def test_a_request_without_audit_events_counts_from_its_own_dates(buyer, supplier):
    # A request entered before its events were recorded (e.g. loaded from elsewhere).
    now = timezone.now()
    old = open_request(
        buyer.organisation,
        supplier.organisation,
        status="rejected",
        reason="No data for 2026",
        created_by=buyer.users["admin"],
        reminder_sent_at=now - timedelta(days=3),
        closed_at=now - timedelta(days=2),
    )
    FootprintRequest.objects.filter(pk=old.pk).update(created_at=now - timedelta(days=5))
    old.refresh_from_db()

    events = request_timeline(request=old)

    assert [(e.kind, e.at, e.party, e.by, e.reason) for e in events] == [
        ("sent", now - timedelta(days=5), "buyer", "admin@screw-maker.example", ""),
        ("reminded", now - timedelta(days=3), "platform", "", ""),
        ("rejected", now - timedelta(days=2), "supplier", "", "No data for 2026"),
    ]


def test_the_period_keeps_the_events_dated_within_it(buyer, supplier):
    _world(buyer, supplier)
    today = timezone.localdate()

    today_only = effort_log(buyer=buyer.organisation, key="wire-rod-mill", start=today, end=today)
    before = effort_log(
        buyer=buyer.organisation, key="wire-rod-mill", end=today - timedelta(days=1)
    )

    assert today_only is not None
    assert before is not None
    assert len(today_only.events) == 18
    assert (today_only.covered_from, today_only.covered_to) == (today, today)
    assert before.events == []
    assert len(before.requests) == 4


def test_another_buyers_requests_and_unknown_suppliers_give_no_log(buyer, supplier):
    open_request(OrganisationFactory(), supplier.organisation)

    assert effort_log(buyer=buyer.organisation, key="wire-rod-mill") is None
    assert effort_log(buyer=buyer.organisation, key="nobody@example.com") is None


def test_the_index_counts_per_supplier_latest_activity_first(buyer, supplier):
    _world(buyer, supplier)
    invited = _send(
        buyer, supplier="", supplier_email="sales@newmill.example", supplier_name="New Mill"
    )
    open_request(OrganisationFactory(), supplier.organisation)  # another buyer's

    lines = effort_suppliers(buyer=buyer.organisation)

    assert [line.key for line in lines] == ["sales@newmill.example", "wire-rod-mill"]
    mill = lines[1]
    assert mill.name == "线材轧钢有限公司 (Wire Rod Mill Co)"
    assert (mill.requests, mill.reminders, mill.open, mill.fulfilled, mill.rejected) == (
        4,
        5,
        0,
        1,
        1,
    )
    assert mill.unanswered == 2
    new_mill = lines[0]
    assert (new_mill.name, new_mill.email, new_mill.requests, new_mill.open) == (
        "New Mill",
        "sales@newmill.example",
        1,
        1,
    )
    assert new_mill.first_sent == invited.created_at


def test_the_csv_has_a_byte_order_mark_its_header_lines_and_one_row_per_event(buyer, supplier):
    _answered, refused, *_ = _world(buyer, supplier)
    log = effort_log(buyer=buyer.organisation, key="wire-rod-mill")
    assert log is not None

    with translation.override("en"):
        data = effort_log_csv(log, generated_by="preparer@screw-maker.example")

    assert data.startswith(b"\xef\xbb\xbf# Evidence of efforts to obtain actual emissions data\n")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    generated = log.generated_at.strftime("%Y-%m-%d %H:%M")
    today = timezone.localdate(log.events[0].at).isoformat()
    assert rows[:7] == [
        ["# Evidence of efforts to obtain actual emissions data"],
        ["# Buyer: Screw Maker GmbH"],
        ["# Supplier: 线材轧钢有限公司 (Wire Rod Mill Co)"],
        [f"# Period covered: {today} – {timezone.localdate(log.generated_at).isoformat()}"],
        [f"# Generated at: {generated} UTC by preparer@screw-maker.example"],
        ["# Events: 18"],
        list(EFFORT_COLUMNS),
    ]
    assert len(rows) == 7 + 18
    (rejection,) = [row for row in rows if row[1:2] == ["rejected"]]
    at = _at("footprint_request.rejected", refused).strftime("%Y-%m-%d %H:%M")
    assert rejection == [
        at,
        "rejected",
        "Refused by the supplier",
        "supplier",
        "",
        str(refused.pk),
        "CN 72142000, 2026",
        "2026-01-01",
        "2026-12-31",
        refused.due_date.isoformat(),
        "rejected",
        "reason: We do not make <that> grade.",
    ]


def test_the_csv_speaks_chinese_and_keeps_hostile_text_as_text(buyer, supplier):
    asked = _send(buyer)
    with transaction.atomic():
        request_withdraw(
            actor=Actor(user=buyer.users["preparer"]), request=asked, reason="=HYPERLINK(1)"
        )
    log = effort_log(buyer=buyer.organisation, key="wire-rod-mill")
    assert log is not None

    with translation.override("zh-hans"):
        rows = list(csv.reader(io.StringIO(effort_log_csv(log).decode("utf-8-sig"))))

    assert rows[0] == ["# 为获取实际排放数据所做努力的证明"]
    assert rows[-1][1:3] == ["withdrawn", "买方已撤回"]
    assert rows[-1][-1] == "原因：=HYPERLINK(1)"
    assert [c for row in rows for c in row if c.startswith(("=", "+", "-", "@"))] == []


def _pdf_text(data: bytes) -> str:
    """The PDF's text, every run of white space (line and cell ends) one space."""
    pages = PdfReader(io.BytesIO(data)).pages
    return " ".join(" ".join(page.extract_text() for page in pages).split())


def test_the_pdf_names_buyer_supplier_period_time_and_each_event(buyer, supplier):
    _answered, refused, *_ = _world(buyer, supplier)
    log = effort_log(buyer=buyer.organisation, key="wire-rod-mill")
    assert log is not None

    with translation.override("en"):
        data = effort_log_pdf(log, generated_by="preparer@screw-maker.example")

    assert data.startswith(b"%PDF-")
    text = _pdf_text(data)
    generated = log.generated_at.strftime("%Y-%m-%d %H:%M")
    period = f"{log.covered_from.isoformat()} – {log.covered_to.isoformat()}"
    assert text.startswith(
        "CBAM Exchange · Evidence of efforts to obtain actual emissions data · page 1 "
        "Evidence of efforts to obtain actual emissions data "
        "Every request this buyer sent to this supplier through CBAM Exchange, and every "
        "reminder, reply, refusal, withdrawal and expiry, from the platform's records. "
        "Buyer Screw Maker GmbH "
        "Supplier 线材轧钢有限公司 (Wire Rod Mill Co) "
        f"Period covered {period} "
        f"Generated at {generated} UTC by preparer@screw-maker.example "
        "Requests 4 Events 18 "
        "Events by kind Request sent 4 Invitation e-mailed 0 Supplier notified by e-mail 4 "
        "Seen by the supplier 1 Taken up by the supplier after joining 0 "
        "Automatic reminder: due date near 4 Reminder sent by the buyer 1 "
        "Answered with footprints 1 Refused by the supplier 1 Withdrawn by the buyer 1 "
        "Expired unanswered 1 "
        "Events Date and time (UTC) Event By Request Detail "
    )
    rejected = _at("footprint_request.rejected", refused).strftime("%Y-%m-%d %H:%M")
    assert (
        f"{rejected} Refused by the supplier 线材轧钢有限公司 (Wire Rod Mill Co) "
        f"CN 72142000, 2026 {refused.pk} reason: We do not make <that> grade."
    ) in text
    assert "shared: 线材 Q195 2026" in text
    # One row per event, each naming its request: the answered one has six events.
    answered = log.requests[0]
    assert [text.count(str(r.pk)) for r in log.requests] == [6, 4, 4, 4]
    assert answered.status == "fulfilled"


def test_the_pdf_in_chinese_carries_chinese_headings(buyer, supplier):
    _send(buyer)
    log = effort_log(buyer=buyer.organisation, key="wire-rod-mill")
    assert log is not None

    with translation.override("zh-hans"):
        text = _pdf_text(effort_log_pdf(log))

    assert text.startswith(
        "CBAM Exchange · 为获取实际排放数据所做努力的证明 · 第 1 页 "
        "为获取实际排放数据所做努力的证明 "
    )
    assert "买方 Screw Maker GmbH" in text
    assert "已发送请求" in text
