"""The buyer's side in a real Chromium: a purchaser finds its wire-rod mill by its Chinese name,
sends a request, reminds it, then invites a company that is not on the platform by e-mail; the
timeline, the footprints shared with it and the evidence of efforts with its CSV download.
Every page visited is checked by axe-core, for foreign requests and for browser errors."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from accounts.roles import Role
from exchange.sharing.models import FootprintRequest, Notification
from tests.browser.conftest import check_page, log_in, new_tab
from tests.exchange.sharing.builders import grant_of, published_footprint
from tests.factories import (
    InstallationFactory,
    MembershipFactory,
    OrganisationFactory,
    ProductFactory,
)

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]

PASSWORD = "correct horse battery staple 42"


def _world():
    buyer = OrganisationFactory(
        slug="screw-maker",
        legal_name="Screw Maker GmbH",
        legal_name_latin="Screw Maker GmbH",
        country="DE",
        kinds=["manufacturer"],
    )
    mill = OrganisationFactory(
        slug="jiangsu-wire",
        legal_name="江苏线材有限公司",
        legal_name_latin="Jiangsu Wire Co., Ltd.",
    )
    purchaser = MembershipFactory(organisation=buyer, role=Role.PREPARER, user__language="en")
    purchaser.user.set_password(PASSWORD)
    purchaser.user.save()
    product = ProductFactory(organisation=mill, name="线材 Q195", cn_code="72139110")
    installation = InstallationFactory(organisation=mill, name="一号轧钢厂")
    footprint = published_footprint(mill, product=product, installation=installation)
    grant_of(mill, buyer, footprint)
    return buyer, mill, purchaser.user, footprint


def test_a_purchaser_sends_reminds_invites_and_downloads_the_evidence(page, visit):
    buyer, mill, purchaser, footprint = _world()
    log_in(page, visit, purchaser.email, PASSWORD)
    page.wait_for_url(f"**/o/{buyer.slug}/")

    page.click(f"nav a[href='/o/{buyer.slug}/sent-requests/']")
    assert page.locator("h1").inner_text() == "Requests sent"
    check_page(page, visit)

    page.click(f"a[href='/o/{buyer.slug}/sent-requests/new/']")
    assert page.locator("h1").inner_text() == "New request"
    check_page(page, visit)

    # Sending without a supplier names the field.
    page.click("#send-request button[type=submit]")
    assert page.locator("#id_supplier_error").inner_text() == (
        "Choose the supplier among the organisations on CBAM Exchange (search by name), or "
        "invite a company that is not on it by e-mail."
    )
    check_page(page, visit)

    # The search answers while typing (htmx), in the supplier's own script.
    page.fill("#supplier-q", "江苏")
    page.wait_for_selector("#supplier-jiangsu-wire")
    page.check("#supplier-jiangsu-wire")
    page.fill("#id_cn_code", "7213 91 10")
    page.fill("#id_description", "Wire rod 5.5 mm, SAE 1008")
    page.fill("#id_quantity_t", "1250.5")
    page.fill("#id_message", "For our 2026 CBAM declaration, please.")
    page.click("#send-request button[type=submit]")
    page.wait_for_selector("#timeline")
    assert page.locator("h1").inner_text() == "Request sent Open"
    assert "Request sent: the supplier is notified" in page.locator("main").inner_text()
    check_page(page, visit)
    sent = FootprintRequest.objects.get(supplier=mill)
    assert (sent.cn_code, str(sent.quantity_t)) == ("72139110", "1250.500000")

    page.click("section[aria-labelledby=remind-h] button[type=submit]")
    page.wait_for_selector("#next-reminder")
    assert "Reminder sent by the buyer" in page.locator("#timeline").inner_text()
    check_page(page, visit)
    assert Notification.objects.filter(organisation=mill, kind="request.reminded").count() == 1

    # A company that is not on the platform, by e-mail.
    page.goto(f"{visit.base_url}/o/{buyer.slug}/sent-requests/new/")
    page.check("#id_supplier_kind_1")
    page.fill("#id_supplier_email", "sales@newmill.example")
    page.fill("#id_supplier_name", "New Mill")
    page.fill("#id_description", "Hexagon bolts, 8.8")
    page.click("#send-request button[type=submit]")
    page.wait_for_selector("#timeline")
    assert "invited by e-mail" in page.locator("main").inner_text()
    check_page(page, visit)
    assert FootprintRequest.objects.filter(supplier_email="sales@newmill.example").count() == 1

    # The footprints shared with us, and one of them.
    page.click(f"nav a[href='/o/{buyer.slug}/shared-footprints/']")
    assert page.locator("h1").inner_text() == "Shared with us"
    assert page.locator("td .badge.ok").first.inner_text() == "signature valid"
    check_page(page, visit)
    page.click(f"a[href='/o/{buyer.slug}/shared-footprints/{footprint.pk}/']")
    assert page.locator("#verdict").inner_text() == (
        "Valid: the document is exactly as the supplier signed it."
    )
    check_page(page, visit)

    # The evidence of efforts, and its CSV.
    page.click(f"nav a[href='/o/{buyer.slug}/efforts/']")
    assert page.locator("h1").inner_text() == "Evidence of efforts"
    check_page(page, visit)
    page.click(f"a[href='/o/{buyer.slug}/efforts/jiangsu-wire/']")
    assert page.locator("#evidence-log tbody tr").count() == 2
    check_page(page, visit)
    with page.expect_download() as download_info:
        page.click("#download-csv")
    download = download_info.value
    assert download.suggested_filename.startswith("evidence-of-efforts-jiangsu-wire-")
    data = Path(download.path()).read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert [row[1] for row in rows[7:]] == ["sent", "buyer_reminded"]


def test_the_new_request_page_and_the_evidence_in_chinese(browser, visit):
    buyer, _mill, purchaser, _footprint = _world()
    type(purchaser).objects.filter(pk=purchaser.pk).update(language="zh-hans")
    page = new_tab(browser, visit, locale="zh-CN")
    try:
        log_in(page, visit, purchaser.email, PASSWORD)
        page.wait_for_url(f"**/o/{buyer.slug}/")
        page.goto(f"{visit.base_url}/o/{buyer.slug}/sent-requests/new/")
        assert page.locator("h1").inner_text() == "新建请求"
        page.check("#id_supplier_kind_1")
        page.fill("#id_supplier_email", "sales@newmill.example")
        page.click("#send-request button[type=submit]")
        assert page.locator("#id_cn_code_error").inner_text() == (
            "请说明您采购的产品：CN 编码（8 位数字）、描述或两者。"
        )
        check_page(page, visit)
        page.fill("#id_cn_code", "73181542")
        page.click("#send-request button[type=submit]")
        page.wait_for_selector("#timeline")
        assert page.locator("h1").inner_text() == "已发送请求 待处理"
        check_page(page, visit)
        page.goto(f"{visit.base_url}/o/{buyer.slug}/efforts/")
        assert page.locator("h1").inner_text() == "努力证明"
        check_page(page, visit)
        page.click(f"a[href='/o/{buyer.slug}/efforts/sales@newmill.example/']")
        assert page.locator("#evidence-log tbody tr td").nth(1).inner_text() == "已发送请求"
        check_page(page, visit)
    finally:
        page.context.close()
