"""The purchased precursors of an imported communication template, as a preparer uses them in a
real Chromium: from the import's report to the precursors page, a precursor linked to the
slab footprint its supplier shared (in English: the draft's SEE is recomputed), then, in
Chinese, a footprint requested from the supplier whose installation the other name is. Every
page visited passes ``check_page``. The world: tests/exchange/sharing/template_world.py."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from exchange.sharing.models import FootprintRequest
from tests.browser.conftest import Visit, check_page, log_in, snap
from tests.browser.test_supplier_workplace import PASSWORD
from tests.exchange.sharing.template_world import precursor_workbook, template_world
from tests.suppliers.conftest import producer  # noqa: F401

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


def test_a_preparer_links_one_precursor_and_requests_another(page, visit: Visit, producer):  # noqa: F811
    world = template_world(producer, precursor_workbook())
    preparer = producer.users["preparer"]
    preparer.set_password(PASSWORD)
    preparer.save()
    base = f"{visit.base_url}/o/{producer.organisation.slug}"

    log_in(page, visit, preparer.email, PASSWORD)
    page.wait_for_url(f"{base}/")
    page.select_option("#language-switch", "en")
    page.click("form[action='/language/'] button")

    # From the import's report to its purchased precursors.
    page.goto(f"{base}/footprints/import/{world.import_id}/")
    page.click("#template-precursors-link")
    page.wait_for_url(f"{base}/footprints/import/{world.import_id}/precursors/")
    assert page.locator("h1").inner_text() == "Purchased precursors"
    check_page(page, visit)

    # PP1 names Tangshan Slab Co, which shared its slab footprint: link it.
    first = page.locator(f"#precursor-{world.draft.pk}-0")
    first.locator("button", has_text="Link").click()
    expect(page.locator(".messages")).to_contain_text("the draft's SEE is 3.02500 tCO2e/t.")
    expect(first).to_contain_text("Footprint of Tangshan Slab Co: Slab Q235")
    world.draft.refresh_from_db()
    assert str(world.draft.see_total) == "3.02500"
    check_page(page, visit)
    snap(page, "template-precursors-en")

    # In Chinese: PP2 is the name of Hebei Pig Iron Co's installation; ask it for a footprint.
    page.select_option("#language-switch", "zh-hans")
    page.click("form[action='/language/'] button")
    page.goto(f"{base}/footprints/import/{world.import_id}/precursors/")
    second = page.locator(f"#precursor-{world.draft.pk}-1")
    second.locator("button", has_text="请求碳足迹").click()
    expect(page.locator(".messages")).to_contain_text("已向 Hebei Pig Iron Co 发送请求")
    expect(page.locator(f"#precursor-{world.draft.pk}-1")).to_contain_text("已请求碳足迹")
    assert FootprintRequest.objects.get().supplier == world.pig_iron_co
    check_page(page, visit)
