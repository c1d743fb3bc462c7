"""The importer's journey in a real Chromium, in Chinese: a CSV of five shipments with one bad
row is uploaded; the page shows the rows being checked, then, without a reload by hand, the
report naming the bad row's line and column; the four good rows are in the list; the threshold
page's gauge shows the 50 t crossed on the day of the shipment that crossed it, marked on the
chart; the declaration follows. Then, in English, one shipment entered by hand (its mistake
named at its field), changed, and the pages of a year below the threshold with a splitting
warning. The upload's work row runs in this process (``core.jobs.job_execute``) while htmx
polls the page; its message goes to a queue of this test's own, which no worker reads. Every
page visited passes ``check_page``."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest
from playwright.sync_api import expect

from accounts.roles import OrganisationKind, Role
from core.jobs import job_execute
from exchange.declarations.models import Shipment, ShipmentImport
from tests.browser.conftest import Visit, check_page, log_in, snap
from tests.browser.test_supplier_workplace import PASSWORD, person
from tests.core.worker import celery_on_redis, redis_test_client, unique_queue
from tests.exchange.declarations.helpers import make_shipment
from tests.factories import OrganisationFactory

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.browser,
    pytest.mark.services,
    pytest.mark.slow,
]

#: Five consignments of 2026; line 4 has a decimal comma (2,5): its unit column reads "5". The
#: good ones add up to 20, 38, 47 and 54.5 t: the 50 t are crossed on 15 September by MRN26DE0005-1.
SHIPMENTS_CSV = (
    "reference,cn_code,quantity,unit,country_of_origin,import_date,supplier_name\n"
    "MRN26DE0001-1,72083900,20,t,CN,2026-02-10,Hebei Steel\n"
    "MRN26DE0002-1,7208 39 00,18000,kg,CN,2026-04-15,Hebei Steel\n"
    "MRN26DE0003-1,73181542,2,5,IN,2026-05-02,Pune Fasteners\n"
    "MRN26DE0004-1,73181542,9,t,IN,2026-06-01,Pune Fasteners\n"
    "MRN26DE0005-1,76042990,7.5,t,CN,2026-09-15,Shandong Aluminium\n"
)


@pytest.fixture
def own_queue() -> Iterator[None]:
    """Publish the work rows' messages to a queue no worker reads: this test runs them."""
    redis_test_client().close()  # skip (or fail in CI) without Redis
    with celery_on_redis(unique_queue()):
        yield


def _importer(slug: str = "rhein-stahl") -> object:
    return OrganisationFactory(
        slug=slug,
        legal_name="Rhein Stahlhandel GmbH",
        legal_name_latin="Rhein Stahlhandel GmbH",
        country="DE",
        kinds=[OrganisationKind.IMPORTER],
    )


def test_an_importer_uploads_shipments_and_sees_the_threshold_crossed(
    page, visit: Visit, own_queue, reference_data, tmp_path
):
    organisation = _importer()
    preparer = person(organisation, Role.PREPARER, "einkauf@rhein-stahl.example")
    base = f"{visit.base_url}/o/{organisation.slug}"
    upload = tmp_path / "sendungen-2026.csv"
    upload.write_text(SHIPMENTS_CSV, encoding="utf-8")

    log_in(page, visit, preparer.email, PASSWORD)
    page.wait_for_url(f"{base}/")
    page.select_option("#language-switch", "zh-hans")
    page.click("form[action='/language/'] button")

    # From the menu to the upload form.
    page.click("header nav >> text=货物")
    page.wait_for_url(f"{base}/shipments/")
    expect(page.locator("#shipments-count")).to_have_text("0")
    check_page(page, visit)
    page.click("text=上传 CSV 文件")
    page.wait_for_url(f"{base}/shipments/upload/")
    check_page(page, visit)

    # The file: the page counts the rows to check while the work row waits.
    page.set_input_files("#id_file", str(upload))
    page.click("main form button[type=submit]")
    record = ShipmentImport.objects.get(organisation=organisation)
    page.wait_for_url(f"{base}/shipments/uploads/{record.pk}/")
    assert page.locator(".messages").inner_text() == "文件已上传：正在检查其 5 行。"
    expect(page.locator("#shipment-upload")).to_contain_text("待检查 5 行")
    check_page(page, visit)

    # The work row runs; htmx brings the report: line 4, column quantity, its value.
    assert record.job_id is not None
    job_execute(job_id=record.job_id)
    expect(page.locator("#upload-problems")).to_be_visible(timeout=20_000)
    expect(page.locator("#shipment-upload progress")).to_have_count(0)
    problems = page.locator("#upload-problems tbody tr").all_inner_texts()
    assert len(problems) == 1
    cells = [cell.strip() for cell in problems[0].split("\t")]
    assert cells[:4] == ["4", "MRN26DE0003-1", "unit 单位", "5"]
    assert cells[4].startswith("'5' 不是 CN 73181542（")
    assert cells[5] == "t 或 kg"
    assert page.locator("#rows-imported").inner_text().startswith("4")
    assert page.locator("#rows-failed").inner_text() == "1"
    check_page(page, visit)
    snap(page, "shipments-upload-report-zh")

    # The good rows are in.
    page.click("#rows-imported a")
    expect(page.locator("#shipments-count")).to_have_text("4")
    assert sorted(Shipment.objects.values_list("reference", flat=True)) == [
        "MRN26DE0001-1",
        "MRN26DE0002-1",
        "MRN26DE0004-1",
        "MRN26DE0005-1",
    ]
    check_page(page, visit)

    # The threshold: crossed on 15 September by the aluminium profiles.
    page.click("header nav >> text=50 吨阈值")
    page.wait_for_url(f"{base}/threshold/")
    assert page.locator("h1").inner_text() == "2026 年微量豁免阈值"
    expect(page.locator("#threshold-gauge figcaption")).to_have_text(
        "2026 年进口的净质量: 54.500 t / 50 t (109.0 %)"
    )
    assert page.locator("#threshold-gauge").get_attribute("class") == "chart gauge gauge-over"
    assert page.locator("#crossed-on").inner_text().startswith("2026-09-15 · 货物 MRN26DE0005-1")
    expect(page.locator("#threshold-cumulative .chart-marker text")).to_have_text(
        "2026年9月15日 超过 · MRN26DE0005-1"
    )
    check_page(page, visit)
    snap(page, "threshold-zh")

    # The declaration of the year it makes due.
    page.click("header nav >> text=申报")
    page.wait_for_url(f"{base}/declaration/")
    assert page.locator("#de-minimis h2").inner_text() == "需要申报"
    assert page.locator("#deadline").inner_text().startswith("2027年9月30日")
    assert page.locator("#declaration-rows tbody tr").count() == 3
    check_page(page, visit)


def test_a_shipment_by_hand_and_a_year_below_the_threshold_in_english(
    page, visit: Visit, reference_data
):
    organisation = _importer("hafen-import")
    preparer = person(organisation, Role.PREPARER, "import@hafen.example")
    for day, tonnes, reference in ((5, "40", "H1"), (12, "8", "H2"), (19, "1.8", "H3")):
        make_shipment(organisation, tonnes, date(2026, 3, day), reference=reference)
    base = f"{visit.base_url}/o/{organisation.slug}"
    log_in(page, visit, preparer.email, PASSWORD)
    page.wait_for_url(f"{base}/")

    # One shipment by hand: the mistake named at its field, then recorded.
    page.goto(f"{base}/shipments/new/")
    page.fill("#id_reference", "MRN26DE0100-1")
    page.fill("#id_cn_code", "7318 15 42")
    page.fill("#id_quantity", "0")
    page.fill("#id_country_of_origin", "CN")
    page.fill("#id_import_date", "2026-04-01")
    page.click("main form button[type=submit]")
    expect(page.locator("#id_quantity_error")).to_have_text(
        "must be greater than zero (got 0); expected the net mass of the consignment, e.g. 12.5"
    )
    check_page(page, visit)
    page.fill("#id_quantity", "0.2")
    page.click("main form button[type=submit]")
    page.wait_for_url(f"{base}/shipments/")
    expect(page.locator("#shipments-count")).to_have_text("4")
    check_page(page, visit)

    # Its page, where it is changed.
    page.get_by_role("link", name="MRN26DE0100-1", exact=True).click()
    expect(page.locator("#shipment-quantity")).to_have_text("0.2 t")
    check_page(page, visit)
    page.fill("#id_quantity", "0.25")
    page.click("main form[aria-labelledby=shipment-form-h] button[type=submit]")
    expect(page.locator("#shipment-quantity")).to_have_text("0.25 t")

    # The threshold: 50.05 t, just above; the splitting warning explained.
    page.goto(f"{base}/threshold/?year=2026")
    expect(page.locator("#splitting .splitting-warning")).to_have_count(1)
    assert "In plain words" in page.locator("#splitting").inner_text()
    check_page(page, visit)

    page.goto(f"{base}/declaration/?year=2027")
    assert page.locator("#obligations tbody tr").count() == 5
    check_page(page, visit)
