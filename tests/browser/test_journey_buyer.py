"""The buyer's journey in a real Chromium, on the demo world before the exchange was played:
the screw maker's flat washers are stamped from the steel mill's hot-rolled coil, priced on
the EU default value. Its preparer sends the mill a request (the supplier found by its Chinese
name); the mill's preparer, in a browser of its own, fulfils it with its published, verified
coil footprint; the buyer points the washers' coil line at the granted footprint, the product
is recomputed, and the exposure page's chart data and the chase list show the saving in the
platform's figures; the evidence of efforts lists the request and its fulfilment. The
recompute work rows run in this process, as the worker would run them. Every page visited
passes ``check_page``."""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from demo.exchange.boms import products_enter, recompute_jobs_run
from demo.exchange.report import DemoExchangeReport
from demo.world import data_list, demo_actor, demo_organisation
from exchange.boms.models import BomLine, BuyerProduct
from exchange.sharing.models import FootprintRequest, Grant
from suppliers.models import Footprint, FootprintStatus
from tests.browser.conftest import Visit, check_page, log_in, new_tab, snap
from tests.browser.test_boms_exposure import run_recompute_jobs

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]

PASSWORD = "cbam-demo-2026"
BUYER = "preparer@ningbo-fasteners.example"
SUPPLIER = "preparer@hebei-steel.example"


@pytest.fixture
def demo_before_the_exchange(settings: Any) -> None:
    """The demo organisations, people and footprints, and the screw maker's products entered
    and computed as the demo exchange enters them: every supplier line on the default value,
    no request sent yet."""
    settings.DEBUG = True
    # Only the assumption when no price is published; the figures use the published one.
    settings.CBAM_CERTIFICATE_PRICE_EUR = "75.00"
    for command in ("seed_demo", "seed_demo_footprints"):
        call_command(command, stdout=StringIO())
    settings.DEBUG = False
    buyer = demo_organisation("ningbo-fasteners")
    specs = [b for b in data_list("boms.json") if b["organisation"] == buyer.slug]
    report = DemoExchangeReport()
    products_enter(buyer, specs, demo_actor(buyer, "preparer"), {}, report)
    recompute_jobs_run(buyer, report)


def _rows(page: Any, selector: str) -> list[list[str]]:
    """The cells of a table's body rows, as shown."""
    return [
        [cell.strip() for cell in row.split("\t")]
        for row in page.locator(f"{selector} tbody tr").all_inner_texts()
    ]


WASHERS = "Flat washers ISO 7089 (DIN 125-A), M6-M24, zinc-plated"
BOLTS = "Hexagon bolts ISO 4017 M12 x 60, property class 8.8, with flat washer"
HEBEI = "Hebei Hengyue Iron and Steel Co., Ltd."
CHANGZHOU = "Changzhou Tianrun Special Wire Rod Co., Ltd."
WHAT = "CN 7208 39 00 Hot-rolled coil < 3 mm, slit to strip for DIN 125 washers"


def test_a_buyer_requests_the_mills_footprint_and_sees_the_saving(
    browser: Any, visit: Visit, demo_before_the_exchange: None
) -> None:
    base = f"{visit.base_url}/o/ningbo-fasteners"
    mill_base = f"{visit.base_url}/o/hebei-steel"
    washers = BuyerProduct.objects.get(name=WASHERS)
    coil_line = BomLine.objects.get(product=washers, position=1)
    coil = Footprint.objects.get(
        organisation__slug="hebei-steel",
        product__cn_code="72083900",
        status=FootprintStatus.PUBLISHED,
    )

    buyer = new_tab(browser, visit)
    log_in(buyer, visit, BUYER, PASSWORD)
    buyer.wait_for_url(f"{base}/")

    # Before: the washers' coil line on the default value, its mark-up the sure saving.
    buyer.goto(f"{base}/boms/{washers.pk}/exposure/")
    assert buyer.locator("#cost-now").inner_text() == "223.09 EUR"
    assert buyer.locator("#cost-defaults").inner_text() == "223.09 EUR"
    assert buyer.locator("#cost-saving").inner_text() == "0.00 EUR"
    check_page(buyer, visit)
    buyer.goto(f"{base}/exposure/")
    assert _rows(buyer, "#chase-chart table")[0] == [
        f"{HEBEI} · 72083900 · {WASHERS}",
        "33.11",
        "Invite the supplier",
    ]
    check_page(buyer, visit)

    # The request, to the mill found by its Chinese name.
    buyer.click("header nav a[href='/o/ningbo-fasteners/sent-requests/']")
    buyer.click("a[href='/o/ningbo-fasteners/sent-requests/new/']")
    assert buyer.locator("h1").inner_text() == "New request"
    check_page(buyer, visit)
    buyer.fill("#supplier-q", "河北")
    buyer.wait_for_selector("#supplier-hebei-steel")
    buyer.check("#supplier-hebei-steel")
    buyer.fill("#id_cn_code", "7208 39 00")
    buyer.fill("#id_description", "Hot-rolled coil < 3 mm, slit to strip for DIN 125 washers")
    buyer.fill("#id_quantity_t", "1850")
    buyer.fill("#id_message", "Please share your verified 2026 footprint.")
    buyer.click("#send-request button[type=submit]")
    buyer.wait_for_selector("#timeline")
    assert buyer.locator("h1").inner_text() == "Request sent Open"
    check_page(buyer, visit)
    sent = FootprintRequest.objects.get(
        buyer__slug="ningbo-fasteners", supplier__slug="hebei-steel"
    )
    assert (sent.cn_code, str(sent.quantity_t)) == ("72083900", "1850.000000")

    # The mill's preparer, in a browser of its own, fulfils it with its coil footprint.
    mill = new_tab(browser, visit)
    log_in(mill, visit, SUPPLIER, PASSWORD)
    mill.wait_for_url(f"{mill_base}/")
    mill.goto(f"{mill_base}/requests/")
    assert mill.locator("h1").inner_text() == "Requests inbox"
    check_page(mill, visit)
    mill.click(f"a[href='/o/hebei-steel/requests/{sent.pk}/']")
    mill.wait_for_url(f"**/requests/{sent.pk}/")
    assert mill.locator("h1").inner_text() == "Footprint request Open"
    check_page(mill, visit)
    mill.check(f"#footprint-{coil.pk}")
    mill.click("section[aria-labelledby=fulfil-h] button[type=submit]")
    mill.wait_for_selector(".outcome")
    assert mill.locator("h1").inner_text() == "Footprint request Fulfilled"
    check_page(mill, visit)
    mill.context.close()
    grant = Grant.objects.get(request=sent)
    assert [g.footprint_id for g in grant.footprints.all()] == [coil.pk]

    # The fulfilment leaves the bill as it is: the buyer points the line at the footprint.
    coil_line.refresh_from_db()
    assert coil_line.source == "default_value"
    buyer.goto(f"{base}/boms/{washers.pk}/lines/{coil_line.pk}/edit/")
    check_page(buyer, visit)
    buyer.check("input[name=source][value=supplier_footprint]")
    buyer.select_option("#id_footprint", str(coil.pk))
    buyer.click("main form button[type=submit]")
    buyer.wait_for_url(f"{base}/boms/{washers.pk}/")
    expect(buyer.locator("#bom-recompute .badge.warning")).to_be_visible()
    run_recompute_jobs()
    buyer.wait_for_selector("#bom-recompute .badge.ok", timeout=10_000)
    check_page(buyer, visit)

    # The product recomputed: 192.00 EUR/t against 223.09 on defaults, at the published
    # Q2 2026 price (75.28 EUR): (2.90607 - 0.35553) tCO2e/t x 75.28 = 192.00.
    buyer.goto(f"{base}/boms/{washers.pk}/exposure/")
    assert buyer.locator("#cost-now").inner_text() == "192.00 EUR"
    assert buyer.locator("#cost-defaults").inner_text() == "223.09 EUR"
    assert buyer.locator("#cost-saving").inner_text() == "31.09 EUR"
    assert buyer.locator("#exposure-now dd").nth(3).inner_text() == (
        "75.28 EUR (Q2 2026, published 2026-07-06)"
    )
    assert _rows(buyer, "#cost-chart table")[0] == ["2026", "192.00", "223.09"]
    assert _rows(buyer, "#exposure-lines") == [
        ["1", "7208 39 00", HEBEI, "Actual data", "194.34", "31.09", "—", "Their data is in use"]
    ]
    check_page(buyer, visit)

    # The chase list: the mill's data in use, saving 31.09 EUR/t; the wire rod still to chase.
    buyer.goto(f"{base}/exposure/")
    assert _rows(buyer, "#chase-chart table") == [
        [f"{HEBEI} · 72083900 · {WASHERS}", "31.09", "Their data is in use"],
        [f"{CHANGZHOU} · 72139170 · {BOLTS}", "25.53", "Invite the supplier"],
    ]
    assert _rows(buyer, "#exposure-products")[0] == [
        WASHERS,
        "7318 22 00",
        "192.00",
        "223.09",
        "31.09",
        "0.0 %",
    ]
    check_page(buyer, visit)
    snap(buyer, "buyer-journey-exposure-en")

    # The evidence of efforts towards the mill: the request and its fulfilment.
    buyer.click("header nav a[href='/o/ningbo-fasteners/efforts/']")
    buyer.click("a[href='/o/ningbo-fasteners/efforts/hebei-steel/']")
    log = [row[1:] for row in _rows(buyer, "#evidence-log")]
    assert log == [
        [
            "Request sent",
            "Preparer (ningbo-fasteners) <preparer@ningbo-fasteners.example>",
            WHAT,
            f"due {sent.due_date.isoformat()}",
        ],
        [
            "Answered with footprints",
            f"河北恒岳钢铁有限公司 ({HEBEI})",
            WHAT,
            "shared: Hot-rolled coil, non-alloy, < 3 mm 2026",
        ],
    ]
    check_page(buyer, visit)
    buyer.context.close()
