"""The buyer's bills of materials and exposure pages, on the demo world (the screw maker
``ningbo-fasteners``: washers stamped from the mill's coil, bolts from invited wire rod and its
own washers) and on a buyer with several products for the query counts."""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal
from io import StringIO
from typing import Any

import openpyxl
import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from accounts.models import AuditEvent, Organisation, User
from accounts.roles import Role
from core.jobs import job_execute
from core.models import Job
from exchange.boms.models import AggregationResult, BomLine, BuyerProduct, LineSource
from exchange.boms.selectors import chase_list, chase_ranking, chase_suppliers
from exchange.boms.services.aggregation import products_recompute
from exchange.sharing.models import FootprintRequest
from tests.demo.conftest import TODAY
from tests.factories import MembershipFactory, OrganisationFactory

pytestmark = pytest.mark.django_db

WASHERS = "Flat washers ISO 7089 (DIN 125-A), M6-M24, zinc-plated"
BOLTS = "Hexagon bolts ISO 4017 M12 x 60, property class 8.8, with flat washer"
ORG = "/o/ningbo-fasteners/"


@pytest.fixture
def today(monkeypatch: pytest.MonkeyPatch) -> date:
    from django.utils import timezone

    real = timezone.localdate

    def localdate(value: Any = None, timezone: Any = None) -> date:
        return TODAY if value is None else real(value, timezone)

    monkeypatch.setattr("django.utils.timezone.localdate", localdate)
    return TODAY


@pytest.fixture
def demo(settings: Any, reference_data: None, today: date) -> None:
    settings.DEBUG = True
    settings.CBAM_CERTIFICATE_PRICE_EUR = "75.00"
    for command in ("seed_demo", "seed_demo_footprints", "seed_demo_exchange"):
        call_command(command, stdout=StringIO())
    settings.DEBUG = False


def person(email: str, language: str = "en") -> Client:
    User.objects.filter(email=email).update(language=language)
    client = Client()
    client.force_login(User.objects.get(email=email))
    return client


def preparer(language: str = "en") -> Client:
    return person("preparer@ningbo-fasteners.example", language)


def product(name: str) -> BuyerProduct:
    return BuyerProduct.objects.get(name=name)


def text(response: Any) -> str:
    return response.content.decode()


def test_the_exposure_page_shows_the_demo_figures_and_the_chase_list(demo):
    response = preparer().get(f"{ORG}exposure/")

    assert response.status_code == 200
    page = text(response)
    # Washers: 192.00 EUR/t as it stands against 223.09 on defaults (tests/demo: the coil's
    # data with its own slab in the free allocation), bolts 195.52 against 198.47.
    assert (
        '<td class="num">192.00</td><td class="num">223.09</td><td class="num">31.09</td>' in page
    )
    assert '<td class="num">195.52</td><td class="num">198.47</td><td class="num">2.95</td>' in page
    assert "Priced for 2026 at 75.28 EUR per certificate." in page
    # The chase list: the coil's data (in use) first, then the invited wire rod's, reminded.
    wire_rod = FootprintRequest.objects.get(supplier__isnull=True)
    assert (
        "Hebei Hengyue Iron and Steel Co., Ltd. · 72083900 · " + WASHERS + "</th>"
        '<td class="num">31.09</td>'
    ) in page
    assert "Their data is in use" in page
    assert (
        "Changzhou Tianrun Special Wire Rod Co., Ltd. · 72139170 · " + BOLTS + "</th>"
        '<td class="num">25.53</td>'
    ) in page
    assert f"Remind: request due {wire_rod.due_date.isoformat()}" in page
    assert f'href="{ORG}boms/{product(BOLTS).pk}/lines/' in page


def test_the_exposure_page_in_chinese(demo):
    response = preparer("zh-hans").get(f"{ORG}exposure/")

    page = text(response)
    assert "您的产品的 CBAM 成本敞口" in page
    assert "按 2026 年每张证书 75.28 欧元计价。" in page
    assert "192.00" in page
    assert "223.09" in page
    assert "提醒：请求截止于" in page


def test_a_products_exposure_charts_the_years_and_the_lines_savings(demo):
    washers = product(WASHERS)

    page = text(preparer().get(f"{ORG}boms/{washers.pk}/exposure/"))

    assert '<dd id="cost-now">192.00 EUR</dd>' in page
    assert '<dd id="cost-defaults">223.09 EUR</dd>' in page
    assert '<dd id="cost-saving">31.09 EUR</dd>' in page
    assert "Q2 2026, published 2026-07-06" in page
    # The line chart's table: 2026 and 2034, as it stands and on all defaults (the stored
    # projection); the saving bar of the coil line.
    result = AggregationResult.objects.get(product=washers)
    first, last = result.exposure["projection"][0], result.exposure["projection"][-1]
    assert (first["year"], last["year"]) == (2026, 2034)
    assert (
        '<tr><th scope="row">2026</th><td class="num">192.00</td><td class="num">223.09</td></tr>'
        in page
    )
    assert (
        f'<tr><th scope="row">2034</th><td class="num">{last["cost_eur_per_t"]}</td>'
        f'<td class="num">{last["cost_all_defaults_eur_per_t"]}</td></tr>'
    ) in page
    assert (
        '#1 72083900 · Hebei Hengyue Iron and Steel Co., Ltd.</th><td class="num">31.09</td>'
        in page
    )


def test_the_bill_shows_each_lines_decision_row_and_the_provenance(demo):
    bolts = product(BOLTS)

    page = text(preparer().get(f"{ORG}boms/{bolts.pk}/"))

    assert '<dd id="see-counted">3.75191</dd>' in page
    assert "90.4 %" in page
    # The wire rod on the default value: why, which row, what it costs and saves.
    assert "The line&#x27;s source is the default value (no supplier data named)." in page
    assert (
        "default value row CN 7213, CN: default_values v2 (IR 2025/2621 Annex I as replaced by "
        "IR 2026/1740) line 46"
    ) in page
    assert "3.16900 / 0.00000" in page
    assert "173.66" in page
    assert "25.53" in page
    assert "about 170.92 at a typical plant" in page
    # The provenance tree names each source, its row and its rule.
    assert '<span class="badge">EU default value</span> precursors[0]: CN 72139170' in page
    assert "default value of CN 7213 (4-digit row; row for CN)" in page
    assert '<span class="badge">your own process</span> attributed direct emissions' in page


def test_the_bill_in_chinese_translates_the_reasons(demo):
    page = text(preparer("zh-hans").get(f"{ORG}boms/{product(BOLTS).pk}/"))

    assert "此行的来源为默认值（未指定供应商数据）。" in page
    assert "欧盟默认值" in page
    assert "特定隐含排放" in page


def test_a_line_with_a_bad_mass_is_shown_again_naming_the_field_in_both_languages(demo):
    bolts = product(BOLTS)
    form = {"source": "default_value", "mass_t_per_t": "-1", "cn_code": "72139170"}
    url = f"{ORG}boms/{bolts.pk}/lines/new/"

    english = preparer().post(url, {**form, "country_of_origin": "CN"})
    chinese = preparer("zh-hans").post(url, {**form, "country_of_origin": "XX"})

    assert english.status_code == 200
    assert (
        'id="id_mass_t_per_t_error">Must be greater than zero (got -1); expected tonnes consumed '
        "per tonne of product, scrap and cut-offs included.</p>"
    ) in text(english)
    assert chinese.status_code == 200
    assert "必须大于零（实际为 -1）；应为每吨产品消耗的吨数，含废料和边角料。" in text(chinese)
    assert "&#x27;XX&#x27; 不是 ISO 3166-1 两字母国家代码；应为例如 CN。" in text(chinese)
    assert BomLine.objects.filter(product=bolts).count() == 2


def test_adding_a_line_on_a_shared_footprint_takes_its_cn_code_and_country(demo):
    bolts = product(BOLTS)
    coil = BomLine.objects.get(product=product(WASHERS)).footprint
    assert coil is not None

    response = preparer().post(
        f"{ORG}boms/{bolts.pk}/lines/new/",
        {"source": "supplier_footprint", "footprint": str(coil.pk), "mass_t_per_t": "0.01"},
    )

    assert response.status_code == 302
    line = BomLine.objects.get(product=bolts, position=3)
    assert (line.cn_code, line.country_of_origin, line.lineage) == ("72083900", "CN", coil.lineage)
    assert line.supplier_name == "Hebei Hengyue Iron and Steel Co., Ltd."
    assert AuditEvent.objects.filter(action="bom_line.created", object_id=str(line.pk)).exists()


def test_recompute_shows_running_then_done(demo):
    washers = product(WASHERS)
    client = preparer()

    running = client.post(f"{ORG}boms/{washers.pk}/recompute/", HTTP_HX_REQUEST="true")

    assert running.status_code == 200
    assert "Recomputing" in text(running)
    assert 'hx-trigger="every 2s"' in text(running)
    job = Job.objects.filter(kind="boms.recompute").order_by("-id").first()
    assert job is not None
    assert job.payload["product_ids"] == [str(washers.pk)]
    job_execute(job_id=job.pk)
    done = client.get(f"{ORG}boms/{washers.pk}/recompute/status/")
    assert "Done" in text(done)
    assert "every 2s" not in text(done)


def test_reminding_the_invited_wire_rod_supplier_sends_the_invitation_again_once_a_day(demo):
    bolts = product(BOLTS)
    wire_rod = BomLine.objects.get(product=bolts, position=1)
    url = f"{ORG}boms/{bolts.pk}/lines/{wire_rod.pk}/chase/"
    client = preparer()
    assert "Remind the supplier" in text(client.get(url))

    first = client.post(url + "remind/", follow=True)
    second = client.post(url + "remind/", follow=True)

    request = FootprintRequest.objects.get(supplier__isnull=True)
    jobs = Job.objects.filter(idempotency_key__contains=f"{request.pk}:reminder:")
    assert jobs.count() == 1
    assert "The supplier is reminded." in text(first)
    assert "You already reminded the supplier of this request today" in text(second)
    assert AuditEvent.objects.filter(action="footprint_request.buyer_reminded").count() == 1


def test_a_request_to_an_invited_supplier_needs_an_address(demo):
    bolts = product(BOLTS)
    line = BomLine.objects.create(
        product=bolts,
        position=3,
        cn_code="72139170",
        mass_t_per_t=Decimal("0.01"),
        country_of_origin="CN",
        source=LineSource.DEFAULT_VALUE,
        supplier_name="Jiangyin Xingcheng",
    )
    url = f"{ORG}boms/{bolts.pk}/lines/{line.pk}/chase/"
    before = FootprintRequest.objects.count()

    response = preparer("zh-hans").post(
        url,
        {
            "supplier_name": "Jiangyin Xingcheng",
            "cn_code": "72139170",
            "period_start": "2026-01-01",
            "period_end": "2026-12-31",
            "due_date": "2026-12-21",
        },
    )
    sent = preparer().post(
        url,
        {
            "supplier_email": "sales@xingcheng.example",
            "supplier_name": "Jiangyin Xingcheng",
            "cn_code": "72139170",
            "period_start": "2026-01-01",
            "period_end": "2026-12-31",
            "due_date": "2026-12-21",
        },
    )

    assert response.status_code == 200
    assert "请填写供应商处联系人的电子邮件地址以邀请对方。" in text(response)
    assert sent.status_code == 302
    assert FootprintRequest.objects.count() == before + 1
    made = FootprintRequest.objects.get(supplier_email="sales@xingcheng.example")
    assert (made.cn_code, made.status, made.due_date) == ("72139170", "open", date(2026, 12, 21))


def test_the_downloads_carry_the_pages_figures(demo):
    client = preparer()

    products = client.get(f"{ORG}boms/export/products.csv")
    lines = client.get(f"{ORG}boms/export/lines.csv")
    exposure = client.get(f"{ORG}boms/export/exposure.csv")
    workbook = client.get(f"{ORG}boms/export/boms.xlsx")

    assert products["Content-Disposition"] == (
        'attachment; filename="ningbo-fasteners-products-2026-11-21.csv"'
    )
    assert workbook["Content-Disposition"] == (
        'attachment; filename="ningbo-fasteners-boms-2026-11-21.xlsx"'
    )
    rows = {r["name"]: r for r in csv.DictReader(io.StringIO(products.content.decode()))}
    assert (
        rows[WASHERS]["cost_eur_per_t"],
        rows[WASHERS]["cost_all_defaults_eur_per_t"],
        rows[WASHERS]["see_counted_tco2e_per_t"],
    ) == ("192.00", "223.09", "2.90607")
    assert rows[BOLTS]["default_share_pct"] == "90.4"
    wire_rod = next(
        r for r in csv.DictReader(io.StringIO(lines.content.decode())) if r["cn_code"] == "72139170"
    )
    assert (wire_rod["cost_eur_per_t"], wire_rod["saving_eur_per_t"]) == ("173.66", "25.53")
    assert wire_rod["saving_estimate_eur_per_t"] == "170.92"
    assert wire_rod["reasons"] == "BOMS-SOURCE-DEFAULT"
    years = [
        r for r in csv.DictReader(io.StringIO(exposure.content.decode())) if r["product"] == WASHERS
    ]
    assert [r["year"] for r in years] == [str(y) for y in range(2026, 2035)]
    assert (years[0]["cost_eur_per_t"], years[0]["cost_all_defaults_eur_per_t"]) == (
        "192.00",
        "223.09",
    )
    book = openpyxl.load_workbook(io.BytesIO(workbook.content))
    assert book.sheetnames == ["Products", "Lines", "Exposure"]
    sheet = book["Products"]
    header = [c.value for c in sheet[1]]
    washers_row = next(r for r in sheet.iter_rows(min_row=2, values_only=True) if r[1] == WASHERS)
    assert washers_row[header.index("cost_eur_per_t")] == 192
    assert washers_row[header.index("cost_all_defaults_eur_per_t")] == pytest.approx(223.09)


def test_deleting_a_product_another_is_made_from_is_refused_with_the_reason(demo):
    washers = product(WASHERS)

    response = preparer().post(f"{ORG}boms/{washers.pk}/delete/", follow=True)

    assert BuyerProduct.objects.filter(pk=washers.pk).exists()
    assert f"{WASHERS} is a line of {BOLTS}; remove those lines first." in text(response)


# --------------------------------------------------------------------------- query counts


def buyer_with(slug: str, products: int, lines: int) -> tuple[Organisation, Client]:
    """A buyer with ``products`` products of ``lines`` default-value lines each (half of them
    with a named supplier), computed."""
    buyer = OrganisationFactory(slug=slug)
    user = MembershipFactory(organisation=buyer, role=Role.ADMIN).user
    for p in range(products):
        item = BuyerProduct.objects.create(
            organisation=buyer,
            name=f"Screws {p}",
            cn_code="73181595",
            country_of_production="CN",
            production_route="C",
            direct_tco2e_per_t=Decimal("0.05"),
        )
        BomLine.objects.bulk_create(
            BomLine(
                product=item,
                position=n + 1,
                cn_code="72139170",
                mass_t_per_t=Decimal("0.1"),
                country_of_origin="CN",
                source=LineSource.DEFAULT_VALUE,
                supplier_name=f"Wire {n}" if n % 2 else "",
            )
            for n in range(lines)
        )
    products_recompute(organisation_id=buyer.pk, today=TODAY)
    client = Client()
    client.force_login(user)
    return buyer, client


def queries_of(client: Client, url: str) -> int:
    client.get(url)  # the session's first read
    with CaptureQueriesContext(connection) as done:
        assert client.get(url).status_code == 200
    return len(done.captured_queries)


PAGES = [
    ("boms/", 5),
    ("exposure/", 7),
    ("boms/export/products.csv", 4),
    ("boms/export/lines.csv", 5),
    ("boms/export/exposure.csv", 4),
    ("boms/export/boms.xlsx", 7),
    ("boms/{product}/", 10),
    ("boms/{product}/exposure/", 6),
    ("boms/{product}/edit/", 4),
    ("boms/{product}/lines/new/", 7),
    ("boms/{product}/recompute/status/", 6),
    ("boms/{product}/lines/{line}/edit/", 8),
    ("boms/{product}/lines/{line}/chase/", 8),
]


@pytest.mark.parametrize(("path", "queries"), PAGES)
def test_each_page_takes_a_fixed_number_of_queries_whatever_the_rows(
    reference_data, today, path, queries
):
    counts = []
    for slug, products, lines in (("few", 2, 2), ("many", 6, 8)):
        buyer, client = buyer_with(slug, products, lines)
        first = BuyerProduct.objects.filter(organisation=buyer).order_by("name").first()
        assert first is not None
        line = BomLine.objects.filter(product=first).order_by("position").last()
        assert line is not None
        url = f"/o/{buyer.slug}/" + path.format(product=first.pk, line=line.pk)
        counts.append(queries_of(client, url))
    assert counts == [queries, queries]


def test_the_exposure_pages_ranking_is_the_chase_lists(reference_data, today):
    buyer, _client = buyer_with("ranked", 3, 7)

    ranking = chase_ranking(organisation=buyer, shown=5)
    entries = chase_list(organisation=buyer)

    assert ranking.total == len(entries) == 21
    assert [(e.product_id, e.line_id, e.saving_eur_per_t) for e in ranking.top] == [
        (e.product_id, e.line_id, e.saving_eur_per_t) for e in entries[:5]
    ]
    assert ranking.suppliers == chase_suppliers(entries)
