"""Notifications in the browser: unread first, written in the reader's language from the
event's facts, marked read one by one (htmx swaps the row) or all at once."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from accounts.audit import Actor
from exchange.sharing.models import Notification
from exchange.sharing.services.requests import RequestInput, request_reject, request_send
from tests.exchange.pages.conftest import page_url, person, wire_rod_request
from tests.exchange.sharing.builders import notification_for

pytestmark = pytest.mark.django_db


def _received(buyer, supplier):
    """A request sent through the service, so that its notification carries the facts."""
    data = RequestInput(
        supplier="wire-rod-mill",
        cn_code="72139110",
        description="Wire rod 5.5 mm, SAE 1008",
        period_start=date(2026, 1, 1),
        period_end=date(2026, 12, 31),
        due_date=timezone.localdate() + timedelta(days=30),
    )
    asked = request_send(
        actor=Actor(user=buyer.users["preparer"]), buyer=buyer.organisation, data=data
    )
    return asked, Notification.objects.get(dedupe_key=f"request.received:{asked.pk}")


def test_a_notification_is_written_in_the_readers_language_and_links_to_the_request(
    buyer, supplier
):
    asked, notification = _received(buyer, supplier)

    chinese = person(supplier, "viewer").get(page_url(supplier, "notifications/")).content.decode()
    english = (
        person(supplier, "admin", language="en")
        .get(page_url(supplier, "notifications/"))
        .content.decode()
    )

    due = asked.due_date
    assert (
        "<p><strong>Screw Maker GmbH 请求碳足迹：CN 72139110 (Wire rod 5.5 mm, SAE 1008)，"
        "2026年</strong></p>" in chinese
    )
    assert f"截止日期：{due.year}年{due.month}月{due.day}日" in chinese
    assert "新的碳足迹请求" in chinese  # the kind's label
    assert f'<a href="/o/wire-rod-mill/requests/{asked.pk}/">查看</a>' in chinese
    assert f"<p><strong>{notification.subject}</strong></p>" in english
    assert f"Due date: {due.isoformat()}" in english


def test_an_older_notification_without_facts_shows_its_stored_text(supplier):
    notification_for(supplier.organisation)
    html = person(supplier, "viewer").get(page_url(supplier, "notifications/")).content.decode()
    assert "<p><strong>A request</strong></p>" in html
    assert "<p>Someone asks for a footprint.</p>" in html


def test_unread_come_first_and_are_marked_read_one_by_one_or_all(buyer, supplier):
    old_unread = notification_for(supplier.organisation, "old")
    read = notification_for(supplier.organisation, "read")
    new_unread = notification_for(supplier.organisation, "new")
    Notification.objects.filter(pk=old_unread.pk).update(
        created_at=timezone.now() - timedelta(days=2)
    )
    Notification.objects.filter(pk=read.pk).update(read_at=timezone.now())
    client = person(supplier, "viewer")

    html = client.get(page_url(supplier, "notifications/")).content.decode()
    row = client.post(
        page_url(supplier, f"notifications/{new_unread.pk}/read/"), HTTP_HX_REQUEST="true"
    )
    plain = client.post(page_url(supplier, f"notifications/{old_unread.pk}/read/"))
    everything = client.post(page_url(supplier, "notifications/read-all/"))

    order = [html.index(f"notification-{n.pk}") for n in (new_unread, old_unread, read)]
    assert order == sorted(order)
    assert '<h2 id="notifications-h">2 条未读</h2>' in html
    assert row.status_code == 200
    assert row.content.decode().startswith(f'<li id="notification-{new_unread.pk}" class="read">')
    assert "标记为已读" not in row.content.decode()
    assert plain.status_code == 302
    assert everything.status_code == 302
    assert not Notification.objects.filter(read_at__isnull=True).exists()


def test_the_buyer_reads_a_rejection_in_chinese(buyer, supplier):
    asked = wire_rod_request(buyer, supplier)
    with transaction.atomic():
        request_reject(
            actor=Actor(user=supplier.users["preparer"]), request=asked, reason="无此牌号"
        )

    html = person(buyer, "viewer").get(page_url(buyer, "notifications/")).content.decode()

    assert "线材轧钢有限公司 (Wire Rod Mill Co) 拒绝了您的请求：CN 72139110" in html
    assert "原因：无此牌号" in html


def test_the_list_takes_a_fixed_number_of_queries(buyer, supplier, django_assert_num_queries):
    for _ in range(5):
        _received(buyer, supplier)
    client = person(supplier, "viewer")
    client.get(page_url(supplier, "notifications/"))

    # session, user, membership; count; the page of notifications; the unread count.
    with django_assert_num_queries(6):
        page = client.get(page_url(supplier, "notifications/"))
    assert page.content.decode().count("请求碳足迹") == 5
