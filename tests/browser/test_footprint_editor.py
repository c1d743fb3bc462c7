"""The footprint editor's live check in a real Chromium: a preparer working in Chinese types a
natural-gas quantity 1000 times too large (Nm³ entered as thousands of Nm³) and, before saving,
sees the finding beside the field; fixes the unit and sees it disappear; saves. Every page
visited passes ``check_page`` (axe-core, nothing from outside, no browser error). A reviewer,
working in English, approves a correction from the review queue after reading what changed."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.roles import Role
from suppliers.models import Footprint, FootprintStatus, Installation, Product
from tests.browser.conftest import Visit, check_page, log_in
from tests.browser.test_supplier_workplace import PASSWORD, fill_draft, person, tangshan_steel
from tests.factories import FootprintFactory

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser, pytest.mark.slow]


def producer_with_catalogue() -> Any:
    organisation = tangshan_steel()
    installation = Installation.objects.create(
        organisation=organisation,
        name="唐山钢铁厂",
        name_latin="Tangshan Steel Works",
        country="CN",
    )
    product = Product.objects.create(
        organisation=organisation,
        name="热轧卷板",
        cn_code="72083900",
        category="Iron or steel products",
    )
    product.installations.add(installation)
    return organisation


def test_a_preparer_sees_a_unit_slip_beside_the_field_before_saving_and_fixes_it(
    page: Any, visit: Visit
) -> None:
    organisation = producer_with_catalogue()
    preparer = person(organisation, Role.PREPARER, "zhang.wei@example.cn")
    base = f"{visit.base_url}/o/{organisation.slug}"
    log_in(page, visit, preparer.email, PASSWORD)
    page.wait_for_url(f"{base}/")
    page.select_option("#language-switch", "zh-hans")
    page.click("form[action='/language/'] button")

    page.goto(f"{base}/footprints/new/")
    assert page.locator("#live-check h2").inner_text().startswith("输入即校验")
    check_page(page, visit)
    fill_draft(page)
    # 40,000 Nm³ per ... typed with the unit of thousands: 1000 times too much gas.
    page.select_option("#id_natural_gas_unit", "1000Nm3")
    page.fill("#id_natural_gas", "40000000")

    beside_gas = page.locator("#live-natural_gas")
    expect(beside_gas).to_contain_text(
        "单位可能混淆：天然气用量实际以 Nm³ 计，却按 1000 Nm³ 填写。"
    )
    expect(beside_gas).to_contain_text("CBAM-UNIT-004")
    expect(page.locator("#live-default-required")).to_have_text("必须使用默认值")
    assert page.locator("#live-see-direct").inner_text() == "2.245"
    assert not Footprint.objects.exists()  # nothing saved while typing
    check_page(page, visit)

    page.select_option("#id_natural_gas_unit", "Nm3")
    expect(beside_gas).to_have_text("")
    expect(page.locator("#live-counts")).to_contain_text("无错误")
    check_page(page, visit)

    page.click("main form button[type=submit] >> nth=0")
    page.wait_for_selector("#see-direct")
    footprint = Footprint.objects.get(organisation=organisation)
    assert footprint.inputs_as_entered["natural_gas"] == {"value": "40000000", "unit": "Nm3"}
    assert page.locator("#see-direct").inner_text() == "2.245"
    check_page(page, visit)


def test_a_reviewer_works_through_the_review_queue_in_english(page: Any, visit: Visit) -> None:
    organisation = producer_with_catalogue()
    preparer = person(organisation, Role.PREPARER, "zhang.wei@example.cn")
    reviewer = person(organisation, Role.REVIEWER, "li.na@example.cn")
    product = Product.objects.get(organisation=organisation)
    first = FootprintFactory(
        organisation=organisation,
        product=product,
        installation=product.installations.get(),
        status=FootprintStatus.PUBLISHED,
        signed_document=b"{}",
        signature="header..signature",
        inputs_as_entered={"natural_gas": {"value": "40000000", "unit": "1000Nm3"}},
        natural_gas_nm3=Decimal("40000000000"),
    )
    correction = FootprintFactory(
        organisation=organisation,
        product=product,
        installation=first.installation,
        preceding=first,
        status=FootprintStatus.IN_REVIEW,
        created_by=preparer,
        submitted_by=preparer,
        submitted_at=timezone.now(),
        inputs_as_entered={"natural_gas": {"value": "40000000", "unit": "Nm3"}},
        natural_gas_nm3=Decimal("40000000"),
    )
    base = f"{visit.base_url}/o/{organisation.slug}"
    log_in(page, visit, reviewer.email, PASSWORD)
    page.wait_for_url(f"{base}/")

    page.click("header nav >> text=Review")
    page.wait_for_url(f"{base}/review/")
    item = page.locator(f"#review-{correction.pk}")
    assert item.locator("tbody tr").first.inner_text().split("\t") == [
        "Natural gas consumed",
        "40,000,000 1000Nm3",
        "40,000,000 Nm3",
    ]
    check_page(page, visit)

    item.locator("textarea[name=comment]").first.fill("The gas meter reads Nm³.")
    item.locator("text=Approve").click()
    page.wait_for_url(f"{base}/review/")
    assert page.locator(".messages").inner_text() == "Approved: it can be published now."
    assert page.locator("main").inner_text().count("Nothing is waiting for review.") == 1
    check_page(page, visit)
    correction.refresh_from_db()
    assert (correction.status, correction.reviewed_by) == (FootprintStatus.APPROVED, reviewer)
