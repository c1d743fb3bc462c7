"""A buyer's bills of materials and exposure in Chromium, as the screw maker's preparer uses
them on the demo world: the products, a bill with its provenance, a line refused then saved,
the recompute running then done, the exposure with its charts, the chase list's bar leading
to the reminder. Every page visited is checked by axe-core, for foreign requests and errors."""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command

from core.jobs import job_execute
from core.models import Job
from exchange.boms.models import BuyerProduct
from tests.browser.conftest import check_page, log_in, new_tab, snap

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]

PASSWORD = "cbam-demo-2026"
PREPARER = "preparer@ningbo-fasteners.example"


@pytest.fixture
def demo(settings: Any) -> None:
    settings.DEBUG = True
    settings.CBAM_CERTIFICATE_PRICE_EUR = "75.00"
    for command in ("seed_demo", "seed_demo_footprints", "seed_demo_exchange"):
        call_command(command, stdout=StringIO())
    settings.DEBUG = False


def run_recompute_jobs() -> None:
    """What the worker would do: the pending recompute work rows, here."""
    for job in Job.objects.filter(kind="boms.recompute", status="pending").order_by("id"):
        job_execute(job_id=job.pk)


@pytest.mark.parametrize("locale", ["en-GB", "zh-CN"])
def test_a_buyer_works_on_its_bills_and_exposure(browser, visit, demo, locale):
    from accounts.models import User

    User.objects.filter(email=PREPARER).update(language="zh-hans" if locale == "zh-CN" else "en")
    chinese = locale == "zh-CN"
    page = new_tab(browser, visit, locale=locale)
    base = f"{visit.base_url}/o/ningbo-fasteners"
    bolts = BuyerProduct.objects.get(name__startswith="Hexagon bolts")
    washers = BuyerProduct.objects.get(name__startswith="Flat washers")

    log_in(page, visit, PREPARER, PASSWORD)
    page.wait_for_url("**/o/ningbo-fasteners/")
    page.click("header nav >> text=" + ("物料清单" if chinese else "Bills of materials"))
    page.wait_for_url(f"{base}/boms/")
    assert "195.52" in page.locator("#bom-products").inner_text()
    check_page(page, visit)

    page.click(f"#bom-products a[href$='/boms/{bolts.pk}/']")
    assert page.locator("#see-counted").inner_text() == "3.75191"
    assert page.locator("details.provenance").is_visible()
    check_page(page, visit)
    snap(page, f"bom-{'zh' if chinese else 'en'}")

    # A line with a mass of zero is shown again, the problem at its field.
    page.goto(f"{base}/boms/{bolts.pk}/lines/new/")
    page.fill("#id_mass_t_per_t", "0")
    page.fill("#id_cn_code", "72139170")
    page.click("main form button[type=submit]")
    error = page.locator("#id_mass_t_per_t_error").inner_text()
    assert error.startswith("必须大于零" if chinese else "Must be greater than zero")
    check_page(page, visit)
    page.fill("#id_mass_t_per_t", "0.02")
    page.fill("#id_supplier_name", "Jiangyin Xingcheng")
    page.click("main form button[type=submit]")
    page.wait_for_url(f"{base}/boms/{bolts.pk}/")
    assert page.locator("#line-3").is_visible()
    # The saved line's recompute is queued: the state says so and polls.
    assert page.locator("#bom-recompute .badge.warning").is_visible()
    run_recompute_jobs()
    page.wait_for_selector("#bom-recompute .badge.ok", timeout=10_000)

    # Recompute on request: running, then done once the work row has run.
    page.click("#bom-recompute button")
    page.wait_for_selector("#bom-recompute .badge.warning")
    run_recompute_jobs()
    page.wait_for_selector("#bom-recompute .badge.ok", timeout=10_000)
    check_page(page, visit)

    # The exposure of the washers: the line chart and its data.
    page.goto(f"{base}/boms/{washers.pk}/exposure/")
    assert page.locator("#cost-now").inner_text() == "192.00 EUR"
    assert page.locator("#cost-defaults").inner_text() == "223.09 EUR"
    assert page.locator("#cost-chart svg").is_visible()
    check_page(page, visit)

    # The chase list: the wire rod's bar leads to its reminder.
    page.goto(f"{base}/exposure/")
    assert page.locator("#chase-chart svg").is_visible()
    check_page(page, visit)
    snap(page, f"exposure-{'zh' if chinese else 'en'}")
    page.locator("#chase-chart table a").nth(1).click()
    page.wait_for_url("**/chase/")
    check_page(page, visit)
    page.click("main form button[type=submit]")
    assert ("已提醒供应商。" if chinese else "The supplier is reminded.") in page.locator(
        ".messages"
    ).inner_text()
    check_page(page, visit)
    page.context.close()
