"""Answering a buyer's request, as a supplier's sales person does it in Chinese: from the
dashboard to the request, fulfilled with a published footprint; the buyer is told. Every page
visited is checked by axe-core, for foreign requests and for browser errors."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from accounts.audit import Actor
from accounts.roles import Role
from exchange.sharing.models import FootprintRequest, Grant, Notification
from exchange.sharing.services.requests import RequestInput, request_send
from tests.browser.conftest import check_page, log_in, snap
from tests.exchange.sharing.builders import open_request, published_footprint
from tests.factories import (
    InstallationFactory,
    MembershipFactory,
    OrganisationFactory,
    ProductFactory,
)

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]

PASSWORD = "correct horse battery staple 42"


def test_a_sales_person_fulfils_a_request_from_the_dashboard_in_chinese(page, visit):
    mill = OrganisationFactory(
        slug="jiangsu-wire",
        legal_name="江苏线材有限公司",
        legal_name_latin="Jiangsu Wire Co., Ltd.",
    )
    buyer = OrganisationFactory(
        slug="screw-maker",
        legal_name="Screw Maker GmbH",
        legal_name_latin="Screw Maker GmbH",
        country="DE",
    )
    sales = MembershipFactory(organisation=mill, role=Role.PREPARER, user__language="zh-hans")
    sales.user.set_password(PASSWORD)
    sales.user.save()
    product = ProductFactory(organisation=mill, name="线材 Q195", cn_code="72139110")
    installation = InstallationFactory(organisation=mill, name="一号轧钢厂")
    footprint = published_footprint(mill, product=product, installation=installation)
    asked = open_request(
        buyer,
        mill,
        cn_code="72139110",
        description="Wire rod 5.5 mm, SAE 1008",
        message="请提供2026年的数据。",
        due_date=timezone.localdate() + timedelta(days=5),
    )

    log_in(page, visit, sales.user.email, PASSWORD)
    page.wait_for_url(f"**/o/{mill.slug}/")
    assert page.locator("h1").inner_text() == "待您处理"
    check_page(page, visit)

    page.click(f"a[href='/o/{mill.slug}/requests/{asked.pk}/']")
    page.wait_for_url(f"**/requests/{asked.pk}/")
    assert page.locator("h1").inner_text() == "碳足迹请求 待处理"
    assert "请提供2026年的数据。" in page.locator("main").inner_text()
    assert "即将到期" in page.locator("main").inner_text()
    check_page(page, visit)

    # Fulfilling without choosing says so at the field, in Chinese.
    page.click("section[aria-labelledby=fulfil-h] button[type=submit]")
    assert page.locator("#footprints_error").inner_text() == (
        "请至少选择一个已发布的碳足迹与买方共享。"
    )
    check_page(page, visit)

    page.check(f"#footprint-{footprint.pk}")
    page.click("section[aria-labelledby=fulfil-h] button[type=submit]")
    page.wait_for_selector(".outcome")
    assert page.locator(".outcome").inner_text() == (
        "此请求已完成：买方可以查看您共享的碳足迹及其后续更正版本，直至您撤销授权。"
    )
    assert page.locator("h1").inner_text() == "碳足迹请求 已完成"
    check_page(page, visit)
    snap(page, "request-zh")

    asked.refresh_from_db()
    assert asked.status == "fulfilled"
    grant = Grant.objects.get(request=asked)
    assert [g.footprint_id for g in grant.footprints.all()] == [footprint.pk]
    told = Notification.objects.get(organisation=buyer, kind="request.fulfilled")
    assert told.data["footprints"] == [str(footprint.pk)]

    # The grant and the notifications pages, in Chinese too.
    page.click(f"a[href='/o/{mill.slug}/grants/{grant.pk}/']")
    assert page.locator("h1").inner_text() == "授权 有效"
    check_page(page, visit)
    page.goto(f"{visit.base_url}/o/{mill.slug}/notifications/")
    assert page.locator("h1").inner_text() == "通知"
    check_page(page, visit)
    page.goto(f"{visit.base_url}/o/{mill.slug}/requests/")
    assert page.locator("h1").inner_text() == "请求收件箱"
    check_page(page, visit)
    assert FootprintRequest.objects.filter(status="open").count() == 0


def test_a_notification_is_marked_read_in_place_in_english(page, visit):
    mill = OrganisationFactory(slug="mill", legal_name="线材厂", legal_name_latin="Wire Mill")
    buyer = OrganisationFactory(
        slug="buyer", legal_name="Buyer GmbH", legal_name_latin="Buyer GmbH"
    )
    viewer = MembershipFactory(organisation=mill, role=Role.VIEWER, user__language="en")
    viewer.user.set_password(PASSWORD)
    viewer.user.save()
    sender = MembershipFactory(organisation=buyer, role=Role.PREPARER).user
    request_send(
        actor=Actor(user=sender),
        buyer=buyer,
        data=RequestInput(
            supplier=mill.slug,
            cn_code="72139110",
            period_start=date(2026, 1, 1),
            period_end=date(2026, 12, 31),
            due_date=timezone.localdate() + timedelta(days=20),
        ),
    )

    log_in(page, visit, viewer.user.email, PASSWORD)
    page.wait_for_url(f"**/o/{mill.slug}/")
    page.goto(f"{visit.base_url}/o/{mill.slug}/notifications/")
    assert page.locator("h2#notifications-h").inner_text() == "1 unread"
    check_page(page, visit)

    page.click("ul.items li button")
    page.wait_for_selector("ul.items li.read")
    assert page.locator("ul.items li button").count() == 0
    assert Notification.objects.get().read_at is not None
    check_page(page, visit)
