"""``manage.py seed_demo_exchange``: the demo story of the exchange through the services, with
the engine's figures checked by hand; idempotent."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from accounts.models import AuditEvent
from accounts.services.signing_keys import document_verify
from core.models import Job
from exchange.boms.models import AggregationResult, BuyerProduct
from exchange.declarations.models import Shipment, ShipmentImport
from exchange.declarations.services.declaration import declaration_document, declaration_report
from exchange.declarations.services.threshold import threshold_report
from exchange.pools.models import Pool
from exchange.sharing.models import FootprintRequest, Grant
from suppliers.models import Footprint
from tests.demo.counts import EXCHANGE_MODELS, SIDE_MODELS, model_counts

pytestmark = pytest.mark.django_db

WASHERS = "Flat washers ISO 7089 (DIN 125-A), M6-M24, zinc-plated"
BOLTS = "Hexagon bolts ISO 4017 M12 x 60, property class 8.8, with flat washer"


@pytest.fixture
def demo_world(settings: Any, reference_data: None, today: date) -> None:
    settings.DEBUG = True
    settings.CBAM_CERTIFICATE_PRICE_EUR = "75.00"
    call_command("seed_demo", stdout=StringIO())
    call_command("seed_demo_footprints", stdout=StringIO())


def _seed() -> str:
    out = StringIO()
    call_command("seed_demo_exchange", stdout=out)
    return out.getvalue()


@pytest.fixture
def seeded(demo_world: None) -> str:
    return _seed()


def _hrc() -> Footprint:
    return Footprint.objects.get(
        organisation__slug="hebei-steel", product__cn_code="72083900", status="published"
    )


def _result(name: str) -> AggregationResult:
    return AggregationResult.objects.get(product__name=name)


def _counts() -> dict[str, int]:
    return model_counts(*EXCHANGE_MODELS, *SIDE_MODELS)


def test_the_mill_fulfilled_the_screw_makers_request_with_a_grant(seeded):
    request = FootprintRequest.objects.get(
        buyer__slug="ningbo-fasteners", supplier__slug="hebei-steel"
    )
    assert request.status == "fulfilled"
    assert request.supplier_product == _hrc().product
    assert (request.period_start, request.period_end) == (date(2026, 1, 1), date(2026, 12, 31))
    assert request.quantity_t == Decimal("1850")
    assert request.due_date == date(2026, 12, 12)  # three weeks after today
    assert request.created_by.email == "preparer@ningbo-fasteners.example"

    grant = Grant.objects.get(request=request)
    assert grant.is_live
    assert (grant.supplier.slug, grant.buyer.slug) == ("hebei-steel", "ningbo-fasteners")
    assert grant.created_by.email == "preparer@hebei-steel.example"
    assert [g.footprint for g in grant.footprints.all()] == [_hrc()]
    actions = set(
        AuditEvent.objects.filter(object_id=str(request.pk)).values_list("action", flat=True)
    )
    assert actions == {"footprint_request.sent", "footprint_request.fulfilled"}


def test_a_supplier_not_on_the_platform_is_invited(seeded):
    invited = FootprintRequest.objects.get(supplier__isnull=True)
    assert invited.status == "open"
    assert invited.supplier_email == "sales@changzhou-tianrun-wire.example"
    assert invited.cn_code == "72139170"
    assert invited.due_date == date(2026, 12, 19)
    # The invitation e-mail is a work row left to the worker.
    assert Job.objects.filter(
        kind="sharing.send_request_invitation", payload={"request_id": str(invited.pk)}
    ).exists()


def test_the_products_see_and_cost_per_tonne_are_the_engines(seeded):
    # Washers: 0.006 own + 1.38 t/t x 2.1015 (the mill's verified coil) = 2.90607 tCO2e/t;
    # indirect 0.18 MWh x 0.605 + 1.38 x 0.2818 = 0.497784, not counted for steel.
    washers = _result(WASHERS)
    assert washers.status == "ok"
    # Exposure is priced at the price published last by today (2026-11-21): Q2 2026, EUR 75.28
    # published 2026-07-06 (certificate_prices v1 line 8), not the setting's assumption (75).
    assert (washers.year, washers.certificate_price_eur) == (2026, Decimal("75.28"))
    assert washers.versions["certificate_price"]["label"] == (
        "Q2 2026 quarterly average EUR 75.28 published 2026-07-06 (certificate_prices v1 "
        "(Certificate prices Q1-Q2 2026 (third-party reports)) line 8)"
    )
    assert washers.see_direct == Decimal("2.9060700000")
    assert washers.see_indirect == Decimal("0.4977840000")
    assert washers.see_indirect_counted == 0
    assert washers.default_share == 0
    # The coil's SEFA: column A 0.044 + its own slab 1.025 t x 0.188 (column A, route C)
    # = 0.2367; (2.90607 - 0.975 x (0.038 + 1.38 x 0.2367)) x 75.28 = (2.90607 - 0.975 x
    # 0.364646) x 75.28 = (2.90607 - 0.35552985) x 75.28 = 192.004662492; all on defaults, the
    # coil on its default value 3.187 (7208 CN, default_values v2): 0.006 + 1.38 x 3.187 =
    # 4.40406, (4.40406 + 10 % of 4.39806 - 0.975 x (0.038 + 1.38 x 1.370)) x 75.28
    # = (4.40406 + 0.439806 - 1.880385) x 75.28 = 2.963481 x 75.28 = 223.09084968.
    assert washers.exposure["current"]["cost_eur_per_t"] == "192.00"
    assert washers.exposure["current"]["cost_all_defaults_eur_per_t"] == "223.09"
    [coil] = washers.lines
    assert (coil["use"], coil["footprint_id"]) == ("actual", str(_hrc().pk))
    assert coil["decision"]["grant_ids"] == [
        str(Grant.objects.get(buyer__slug="ningbo-fasteners").pk)
    ]
    # 223.09084968 on defaults - 192.004662492 now = 31.086187188: 11.56775064 (the saving with
    # column A 0.044 alone) + 0.975 x 1.38 x 1.025 x 0.188 x 75.28 (the slab's term)
    # 19.518436548.
    assert coil["saving"]["sure_eur_per_t"] == "31.0861871880"

    # Bolts: 0.085 + 1.07 x 3.169 (7213 CN default, default_values v2) + 0.095 x 2.90607 (own
    # washers) = 0.085 + 3.39083 + 0.27607665 = 3.75190665; default share 3.39083 / 3.75190665
    # = 0.90376182467...
    bolts = _result(BOLTS)
    assert bolts.see_direct == Decimal("3.7519066500")
    assert bolts.see_indirect_counted == 0
    assert bolts.default_share == Decimal("0.9037618247")
    # SEE* = 3.75190665 + 0.339083 (mark-up) = 4.09098965; FA = 0.975 x (0.038 + 1.07 x 1.364
    # + 0.095 x 0.364646 (the washers' SEFA: 0.038 + 1.38 x 0.2367)) = 0.975 x 1.53212137
    # = 1.49381833575; (4.09098965 - 1.49381833575) x 75.28 = 195.51505653674.
    assert bolts.exposure["current"]["cost_eur_per_t"] == "195.52"
    # All on defaults (the washers too: 4.40406, default part 4.39806): SEE 0.085 + 3.39083 +
    # 0.095 x 4.40406 = 3.8942157, default part 3.39083 + 0.095 x 4.39806 = 3.8086457;
    # FA = 0.975 x (0.038 + 1.07 x 1.364 + 0.095 x (0.038 + 1.38 x 1.370)) = 1.638679575;
    # (3.8942157 + 0.38086457 - 1.638679575) x 75.28 = 2.636400695 x 75.28 = 198.4682443196.
    assert bolts.exposure["current"]["cost_all_defaults_eur_per_t"] == "198.47"


def test_the_line_on_the_default_value_shows_its_cost_and_saving(seeded):
    bolts = _result(BOLTS)
    wire_rod = next(line for line in bolts.lines if line["position"] == 1)
    assert wire_rod["use"] == "default"
    assert wire_rod["supplier_name"] == "Changzhou Tianrun Special Wire Rod Co., Ltd."
    assert [r["code"] for r in wire_rod["decision"]["reasons"]] == ["BOMS-SOURCE-DEFAULT"]
    # (1.07 x 3.169 x 1.10 - 0.975 x 1.07 x 1.364) x 75.28 = (3.729913 - 1.422993) x 75.28
    # = 173.6649376
    assert wire_rod["cost_eur_per_t"] == "173.6649376000"
    # the mark-up: 0.1 x 1.07 x 3.169 x 75.28 = 25.52616824; estimate: SEE = column B 1.364,
    # 173.6649376 - (1.07 x 1.364 - 0.975 x 1.07 x 1.364) x 75.28 = 173.6649376 - 2.7467412
    # = 170.9181964 (170.91819624 at full precision: 2.270433 certificates x 75.28)
    assert wire_rod["saving"]["sure_eur_per_t"] == "25.5261682400"
    assert wire_rod["saving"]["estimate_eur_per_t"] == "170.9181962400"
    assert "default [BOMS-SOURCE-DEFAULT], costs 173.66 EUR/t, data would save 25.53 EUR/t" in (
        seeded
    )
    assert "before the mill's data: 4.40406 tCO2e/t, 223.09 EUR/t" in seeded
    assert "certificate price: Q2 2026 quarterly average EUR 75.28 published 2026-07-06" in seeded


def test_the_importer_sees_its_threshold_and_declaration(seeded):
    imported = ShipmentImport.objects.get(organisation__slug="rhein-import")
    assert (imported.rows_total, imported.rows_imported, imported.rows_failed) == (6, 6, 0)
    linked = Shipment.objects.filter(organisation__slug="rhein-import", footprint=_hrc())
    assert linked.count() == 2
    assert Grant.objects.filter(
        supplier__slug="hebei-steel", buyer__slug="rhein-import", request__isnull=True
    ).exists()

    rhein = imported.organisation
    status = threshold_report(organisation=rhein, year=2026).status
    assert status.level == "exceeded"
    assert status.counted_mass_t == Decimal("55")
    assert status.crossed_by is not None
    assert status.crossed_by.reference == "MRN26DE1893E5-1"
    assert status.mass_before_crossing_t == Decimal("48")

    document = declaration_document(declaration_report(organisation=rhein, year=2026))
    # coil actual 40.15 t x 2.1015, FAA 40.15 x 0.975 x (0.044 + 1.025 x 0.188), CNY price
    # not deducted; defaults with +10 %: bolts 10.05 t x 6.375, washers 1.2 t x 4.555,
    # profiles 3.6 t x 4.881 (76042990 CN, default_values v2); FAA column B (1.364 C, 1.493 K).
    # EE = 84.375225 + 70.475625 + 6.0126 + 19.32876 = 180.19221; certificates 180.19221 -
    # 29.467722375 = 150.724487625. Each shipment at the price of its quarter of importation
    # (certificates per t: coil 2.1015 - 0.975 x 0.2367 = 1.8707175, bolts 7.0125 - 0.975 x
    # 1.364 = 5.6826, washers 5.0105 - 1.3299 = 3.6806, profiles 5.3691 - 0.975 x 1.493 =
    # 3.913425):
    #   Q1 (Feb coil 18.4 t, Mar bolts 4.25 t) 58.572252 x 75.36 published = 4414.00491072
    #   Q2 (May profiles 3.6 t) 14.08833 x 75.28 published = 1060.5694824
    #   Q3 (Jul coil 21.75 t, Sep bolts 5.8 t) 73.647185625 x 75 assumed = 5523.538921875
    #   Q4 (Oct washers 1.2 t) 4.41672 x 75 assumed = 331.254
    #   total 11329.367314995
    assert document["totals"] == {
        "embedded_emissions_tco2e": "180.19221",
        "free_allocation_adjustment_tco2e": "29.46772",
        "carbon_price_deduction_tco2e": "0.00000",
        "certificates": "150.72449",
        "certificates_to_surrender": 151,
        "cost_eur": "11329.37",
    }
    assert [
        (p["period"], p["basis"], p["price_eur"], p["published_on"], p["shipments"], p["cost_eur"])
        for p in document["certificate_prices"]
    ] == [
        ("Q1 2026", "published", "75.36", "2026-04-07", 2, "4414.00"),
        ("Q2 2026", "published", "75.28", "2026-07-06", 1, "1060.57"),
        ("Q3 2026", "assumption", "75.00", None, 2, "5523.54"),
        ("Q4 2026", "assumption", "75.00", None, 1, "331.25"),
    ]
    assert {(r["cn_code"], r["basis"], r["quantity"]) for r in document["rows"]} == {
        ("72083900", "actual", "40.15"),
        ("73181588", "default", "10.05"),
        ("73182200", "default", "1.2"),
        ("76042990", "default", "3.6"),
    }
    assert "Threshold 2026: exceeded, 55 t in 6 shipments, crossed by MRN26DE1893E5-1" in seeded
    assert "certificates 150.72449 (151 to surrender), EUR 11329.37" in seeded


def test_the_association_published_the_pools_first_release(seeded):
    pool = Pool.objects.get(association__slug="metals-carbon-association")
    release = pool.releases.get()
    document = json.loads(bytes(release.payload))
    cells = {cell["cell"]: cell for cell in document["cells"]}
    coil = cells["72083900|C|CN|2026"]

    assert sorted(pool.memberships.values_list("organisation__slug", "status")) == [
        ("anshan-beifang-steel", "active"),
        ("handan-huaxin-steel", "active"),
        ("hebei-steel", "active"),
        ("jiangsu-yongxin-steel", "active"),
        ("rizhao-haigang-steel", "active"),
        ("shandong-aluminium", "invited"),
        ("taiyuan-jinhe-steel", "active"),
    ]
    assert (release.cells_published, release.cells_suppressed) == (12, 12)
    assert len(document["contributions"]) == 6  # the coils; the wire rod's cells are suppressed
    # Six coils: 1.97050, 2.07275, 2.10150, 2.18225, 2.41675, 2.56600 tCO2e/t (direct =
    # counted for steel); median (2.10150 + 2.18225) / 2 = 2.141875, half-even 2.14188.
    assert coil["statistics"]["contributors"] == 6
    assert coil["statistics"]["counted"]["median"] == "2.14188"
    assert coil["statistics"]["counted"]["mean"] == "2.21829"
    # Only the mill's coil has a statement that backs its values: 1 of 6.
    assert coil["statistics"]["verified_share_pct"] == "16.7"
    # Default 3.187 x 1.10 = 3.50570; (2.14188 - 3.50570) x EUR 75.28 = -102.67.
    assert coil["reference"]["default_with_mark_up"] == "3.50570"
    assert (coil["gap_tco2e_per_t"], coil["gap_eur_per_t"]) == ("-1.36382", "-102.67")
    assert document["certificate_price"]["eur_per_t"] == "75.28"
    assert cells["72139110|C|CN|2026"] == {
        "cell": "72139110|C|CN|2026",
        "cn_code": "72139110",
        "country": "CN",
        "note": "not enough contributors to publish",
        "published": False,
        "route": "C",
        "year": 2026,
    }
    assert document_verify(payload=bytes(release.payload), jws=release.jws).valid is True


def test_no_recompute_is_left_for_a_worker(seeded):
    assert not Job.objects.filter(kind="boms.recompute").exclude(status="succeeded").exists()


def test_running_it_again_creates_nothing(seeded):
    before = _counts()
    results = {r.pk: r.computed_at for r in AggregationResult.objects.all()}

    output = _seed()

    assert _counts() == before
    assert {r.pk: r.computed_at for r in AggregationResult.objects.all()} == results
    assert "nothing created" in output
    assert not [line for line in output.splitlines() if line.startswith("created:")]


def test_it_refuses_with_debug_off(demo_world, settings):
    settings.DEBUG = False

    with pytest.raises(CommandError, match="refuses to run with DEBUG off"):
        _seed()

    assert not FootprintRequest.objects.exists()


def test_it_asks_for_the_demo_footprints_first(settings, reference_data, today):
    settings.DEBUG = True
    call_command("seed_demo", stdout=StringIO())

    with pytest.raises(CommandError, match="run seed_demo_footprints first"):
        _seed()

    assert not BuyerProduct.objects.exists()
