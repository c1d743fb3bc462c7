"""The annual declaration summary: exact figures computed by hand from the shipped reference rows.

Reference rows used (reference/data/):
- default-values-ir2026-1740.csv (default_values v2: IR 2025/2621 Annex I as replaced by
  IR 2026/1740, valid from 2026-01-01, superseding v1 default-values-ir2025-2621.csv) line 36:
  7208, CN, 3.187 tCO2e/t, route C (v1 line 35 had 3.186892655, the same value unrounded);
  line 149: 73063018, CN, 3.565, route C (blank in v1); line 1846: 72262000, OTHER, 5.500,
  route F (5.588 in v1);
- benchmarks-ir2025-2620.csv line 303: 72083900 column A 0.044; line 304: column B route C 1.370;
  lines 1883-1885: 73063018 column B route C 1.370, D 0.481, E 0.072; line 1306: 72262000
  column B route F period 1 (2026-2027) 1.577; line 2161: 73181542 column A 0.038;
- mark-ups-ir2025-2621.csv: Iron & Steel 0.10 (2026), 0.20 (2027);
- cbam-factors-directive-2003-87.csv: 0.975 (2026), 0.95 (2027); CSCF 1;
- certificate-prices-ir2025-2548.csv (certificate_prices v1) line 7: Q1 2026 EUR 75.36,
  published 2026-04-07; line 8: Q2 2026 EUR 75.28, published 2026-07-06 (as reported by third
  parties). Later periods: the assumption of the setting, 80 EUR here.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.utils import timezone

from accounts.roles import Role
from exchange.boms.models import AggregationResult, AggregationStatus, BuyerProduct
from tests.exchange.declarations.helpers import make_shipment, verified_footprint
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def viewer(api, reference_data, settings):
    settings.CBAM_CERTIFICATE_PRICE_EUR = "80"
    member = MembershipFactory(role=Role.VIEWER)
    api.force_authenticate(member.user)
    return member


def test_the_summary_has_exact_figures_per_cn_code_country_and_installation(api, viewer):
    org = viewer.organisation
    make_shipment(org, "20", date(2026, 3, 10), reference="A")
    make_shipment(org, "30", date(2026, 6, 1), reference="B")
    make_shipment(org, "15", date(2026, 9, 15), reference="C", footprint=verified_footprint(org))

    response = api.get(f"/api/v1/orgs/{org.slug}/declarations/2026/summary")

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["deadline"] == "2027-09-30"
    # Each shipment at the price of its quarter of importation: A (March) Q1 75.36 published
    # 2026-04-07, B (June) Q2 75.28 published 2026-07-06, C (September) Q3: nothing published,
    # so the labelled assumption (the setting, 80).
    source = "certificate_prices v1 (Certificate prices Q1-Q2 2026 (third-party reports)) line"
    assumption = "setting CBAM_CERTIFICATE_PRICE_EUR = 80"
    assert body["certificate_prices"] == [
        {
            "period": "Q1 2026",
            "period_start": "2026-01-01",
            "period_end": "2026-03-31",
            "kind": "quarterly",
            "basis": "published",
            "price_eur": "75.36",
            "published_on": "2026-04-07",
            "source": f"{source} 7",
            "label": f"Q1 2026 quarterly average EUR 75.36 published 2026-04-07 ({source} 7)",
            "shipments": 1,
            "certificates": "43.39900",  # 20 × 3.187 × 1.1 − 20 × 0.975 × 1.370
            "cost_eur": "3270.55",  # 43.399 × 75.36 = 3270.54864
        },
        {
            "period": "Q2 2026",
            "period_start": "2026-04-01",
            "period_end": "2026-06-30",
            "kind": "quarterly",
            "basis": "published",
            "price_eur": "75.28",
            "published_on": "2026-07-06",
            "source": f"{source} 8",
            "label": f"Q2 2026 quarterly average EUR 75.28 published 2026-07-06 ({source} 8)",
            "shipments": 1,
            "certificates": "65.09850",  # 30 × 3.187 × 1.1 − 30 × 0.975 × 1.370
            "cost_eur": "4900.62",  # 65.0985 × 75.28 = 4900.61508
        },
        {
            "period": "Q3 2026",
            "period_start": "2026-07-01",
            "period_end": "2026-09-30",
            "kind": "quarterly",
            "basis": "assumption",
            "price_eur": "80.00",
            "published_on": None,
            "source": assumption,
            "label": f"assumption EUR 80 for Q3 2026 ({assumption}): no price published for it",
            "shipments": 1,
            "certificates": "22.98150",
            "cost_eur": "1838.52",  # 22.9815 × 80
        },
    ]
    assert body["de_minimis"]["exceeded"] is True  # 65 t > 50 t
    # Row 1, default values, A (Q1) + B (Q2) = 50 t:
    #   EE  = 50 × 3.187 × (1 + 0.10)              = 175.285
    #   FAA = 50 × 0.975 × 1 × 1.370 (column B, C) =  66.7875
    #   certificates = 175.285 − 66.7875           = 108.4975
    #   cost = 43.399 × 75.36 + 65.0985 × 75.28 = 3270.54864 + 4900.61508 = 8171.16372
    # Row 2, actual data of the verified footprint (SEE 1.8, no mark-up), C = 15 t in Q3:
    #   EE  = 15 × 1.8                             =  27
    #   FAA = 15 × 0.975 × 1 × 0.044 (column A)    =   0.6435
    #   Art. 9 = 10 EUR/tCO2e × 27 / 80 EUR        =   3.375 (at the shipment's price, assumed)
    #   certificates = 27 − 0.6435 − 3.375         =  22.9815
    #   cost = 22.9815 × 80                        = 1838.52
    assert body["rows"] == [
        {
            "cn_code": "72083900",
            "country_of_origin": "CN",
            "installation": "(installation not stated)",
            "basis": "default",
            "shipments": 2,
            "quantity": "50",
            "unit": "t",
            "mark_up": "0.1",
            "embedded_emissions_tco2e": "175.28500",
            "free_allocation_adjustment_tco2e": "66.78750",
            "carbon_price_deduction_tco2e": "0.00000",
            "certificates": "108.49750",
            "cost_eur": "8171.16",
        },
        {
            "cn_code": "72083900",
            "country_of_origin": "CN",
            "installation": "CN-TS-001",
            "basis": "actual",
            "shipments": 1,
            "quantity": "15",
            "unit": "t",
            "mark_up": "0",
            "embedded_emissions_tco2e": "27.00000",
            "free_allocation_adjustment_tco2e": "0.64350",
            "carbon_price_deduction_tco2e": "3.37500",
            "certificates": "22.98150",
            "cost_eur": "1838.52",
        },
    ]
    # Totals: 175.285 + 27 = 202.285; 66.7875 + 0.6435 = 67.431;
    # 108.4975 + 22.9815 = 131.479 certificates, 132 to surrender (rounded up);
    # 8171.16372 + 1838.52 = 10009.68372 EUR.
    assert body["totals"] == {
        "embedded_emissions_tco2e": "202.28500",
        "free_allocation_adjustment_tco2e": "67.43100",
        "carbon_price_deduction_tco2e": "3.37500",
        "certificates": "131.47900",
        "certificates_to_surrender": 132,
        "cost_eur": "10009.68",
    }
    by_reference = {s["reference"]: s for s in body["shipments"]}
    assert {
        ref: (s["certificate_price"]["basis"], s["cost_eur"]) for ref, s in by_reference.items()
    } == {
        "A": ("published", "3270.55"),
        "B": ("published", "4900.62"),
        "C": ("assumption", "1838.52"),
    }
    assert body["notes"][0] == (
        "1 shipment(s) of Q3 2026 priced on an assumption: assumption EUR 80 for Q3 2026 "
        f"({assumption}): no price published for it. Replace it with the published price when "
        "the Commission publishes it (a new certificate_prices version)."
    )
    assert body["quarterly_holdings"] == []
    assert body["notes"][1].startswith("No quarterly holding for 2026")
    assert body["unresolved"] == []


def test_the_summary_downloads_as_csv_by_query_or_suffix(api, viewer):
    org = viewer.organisation
    make_shipment(org, "20", date(2026, 3, 10), reference="A")

    by_query = api.get(f"/api/v1/orgs/{org.slug}/declarations/2026/summary?format=csv")
    by_suffix = api.get(f"/api/v1/orgs/{org.slug}/declarations/2026/summary.csv")

    assert by_query.status_code == by_suffix.status_code == 200
    assert by_query["Content-Type"] == "text/csv; charset=utf-8"
    assert by_query.content == by_suffix.content
    lines = by_query.content.decode().splitlines()
    assert lines[:3] == [
        "# CBAM declaration summary 2026",
        "# deadline for declaration and surrender: 2027-09-30",
        "# certificate price: Q1 2026 quarterly average EUR 75.36 published 2026-04-07 "
        "(certificate_prices v1 (Certificate prices Q1-Q2 2026 (third-party reports)) line 7)",
    ]
    # 20 × 3.187 × 1.1 = 70.114; 20 × 0.975 × 1.370 = 26.715; 43.399 × 75.36 (Q1) = 3270.55.
    assert lines[-3:] == [
        "cn_code,country_of_origin,installation,basis,shipments,quantity,unit,mark_up,"
        "embedded_emissions_tco2e,free_allocation_adjustment_tco2e,"
        "carbon_price_deduction_tco2e,certificates,cost_eur",
        "72083900,CN,(installation not stated),default,1,20,t,0.1,70.11400,26.71500,0.00000,"
        "43.39900,3270.55",
        "TOTAL,,,,,,,,70.11400,26.71500,0.00000,43.39900,3270.55",
    ]


def test_a_footprint_whose_data_may_not_be_used_falls_back_to_the_default_value(api, viewer):
    org = viewer.organisation
    make_shipment(org, "20", date(2026, 3, 10), footprint=verified_footprint(org, allowed=False))

    body = api.get(f"/api/v1/orgs/{org.slug}/declarations/2026/summary").json()

    # 20 × 3.187 × 1.1 − 20 × 0.975 × 1.370 = 70.114 − 26.715 = 43.399
    assert body["rows"][0]["basis"] == "default"
    assert body["rows"][0]["certificates"] == "43.39900"
    assert body["shipments"][0]["notes"][0].endswith(
        "default value used (actual data not allowed: CBAM-VERIFY-001)"
    )


def test_the_default_value_row_cited_is_the_corrected_annex(api, viewer):
    org = viewer.organisation
    make_shipment(org, "20", date(2026, 3, 10))

    (line,) = api.get(f"/api/v1/orgs/{org.slug}/declarations/2026/summary").json()["shipments"]

    # v2 supersedes v1 from the same date (2026-01-01): CN 7208 from China is v2's line 36.
    assert line["default_value_row"] == (
        "default_values v2 (IR 2025/2621 Annex I as replaced by IR 2026/1740) line 36"
    )


def test_a_precision_tube_from_china_gets_the_free_allocation_of_route_c(api, viewer):
    org = viewer.organisation
    make_shipment(org, "10", date(2026, 5, 4), cn_code="73063018")

    body = api.get(f"/api/v1/orgs/{org.slug}/declarations/2026/summary").json()

    # Default values v2 line 149: 73063018, CN, 3.565, route C (v1 left the route blank, so the
    # lowest column-B benchmark, route E 0.072, was used: FAA 10 × 0.975 × 0.072 = 0.702,
    # certificates 38.513). Now column B route C (benchmarks line 1883):
    #   EE  = 10 × 3.565 × (1 + 0.10)     = 39.215
    #   FAA = 10 × 0.975 × 1 × 1.370      = 13.3575
    #   certificates = 39.215 − 13.3575   = 25.8575, 26 to surrender
    #   cost = 25.8575 × 75.28 (Q2 2026)  = 1946.5526
    assert body["rows"] == [
        {
            "cn_code": "73063018",
            "country_of_origin": "CN",
            "installation": "(installation not stated)",
            "basis": "default",
            "shipments": 1,
            "quantity": "10",
            "unit": "t",
            "mark_up": "0.1",
            "embedded_emissions_tco2e": "39.21500",
            "free_allocation_adjustment_tco2e": "13.35750",
            "carbon_price_deduction_tco2e": "0.00000",
            "certificates": "25.85750",
            "cost_eur": "1946.55",
        }
    ]
    assert (body["totals"]["certificates_to_surrender"], body["totals"]["cost_eur"]) == (
        26,
        "1946.55",
    )
    assert body["shipments"][0]["default_value_row"] == (
        "default_values v2 (IR 2025/2621 Annex I as replaced by IR 2026/1740) line 149"
    )


def test_high_speed_steel_from_an_other_country_uses_the_corrected_default_value(api, viewer):
    org = viewer.organisation
    # Brazil has no table of its own in the annex: "Other countries and territories" applies.
    make_shipment(org, "4", date(2026, 7, 1), cn_code="72262000", country="BR")

    body = api.get(f"/api/v1/orgs/{org.slug}/declarations/2026/summary").json()

    # Default values v2 line 1846: 72262000, OTHER, 5.500 (5.588 in v1), route F; column B
    # route F, period 1 (benchmarks line 1306): 1.577.
    #   EE  = 4 × 5.500 × (1 + 0.10)      = 24.2     (v1: 4 × 5.588 × 1.1 = 24.5872)
    #   FAA = 4 × 0.975 × 1 × 1.577       =  6.1503
    #   certificates = 24.2 − 6.1503      = 18.0497, 19 to surrender
    #   cost = 18.0497 × 80               = 1443.976 -> 1443.98
    assert body["rows"] == [
        {
            "cn_code": "72262000",
            "country_of_origin": "BR",
            "installation": "(installation not stated)",
            "basis": "default",
            "shipments": 1,
            "quantity": "4",
            "unit": "t",
            "mark_up": "0.1",
            "embedded_emissions_tco2e": "24.20000",
            "free_allocation_adjustment_tco2e": "6.15030",
            "carbon_price_deduction_tco2e": "0.00000",
            "certificates": "18.04970",
            "cost_eur": "1443.98",
        }
    ]
    assert (body["totals"]["certificates_to_surrender"], body["totals"]["cost_eur"]) == (
        19,
        "1443.98",
    )
    assert body["shipments"][0]["default_value_row"] == (
        "default_values v2 (IR 2025/2621 Annex I as replaced by IR 2026/1740) line 1846"
    )


def test_a_buyer_product_carries_the_mark_up_on_its_default_share(api, viewer):
    org = viewer.organisation
    product = BuyerProduct.objects.create(
        organisation=org, name="Bolts M12", cn_code="73181542", country_of_production="CN"
    )
    AggregationResult.objects.create(
        product=product,
        status=AggregationStatus.OK,
        see_direct=Decimal("2"),
        see_indirect=Decimal("0"),
        see_indirect_counted=Decimal("0"),
        see_total=Decimal("2"),
        default_share=Decimal("0.25"),
        year=2026,
        certificate_price_eur=Decimal(80),
        inputs_digest="x",
        computed_at=timezone.now(),
    )
    make_shipment(org, "10", date(2026, 4, 1), cn_code="73181542", buyer_product=product)

    (row,) = api.get(f"/api/v1/orgs/{org.slug}/declarations/2026/summary").json()["rows"]

    # SEE used = 2 × (1 + 0.10 × 0.25) = 2.05; EE = 10 × 2.05 = 20.5;
    # FAA = 10 × 0.975 × 0.038 (column A, no BOM lines) = 0.3705; certificates = 20.1295;
    # cost = 20.1295 × 75.28 (imported in Q2 2026) = 1515.34876.
    assert (row["basis"], row["mark_up"]) == ("complex_good", "0.1")
    assert row["embedded_emissions_tco2e"] == "20.50000"
    assert row["free_allocation_adjustment_tco2e"] == "0.37050"
    assert row["certificates"] == "20.12950"
    assert row["cost_eur"] == "1515.35"


def test_from_2027_half_the_certificates_due_must_be_held_at_each_quarter_end(api, viewer):
    org = viewer.organisation
    # Recorded directly: the service refuses dates after today.
    make_shipment(org, "10", date(2027, 2, 15))
    make_shipment(org, "20", date(2027, 5, 10))

    body = api.get(f"/api/v1/orgs/{org.slug}/declarations/2027/summary").json()

    # 2027: mark-up 0.20, CBAM factor 0.95.
    # Default values v2 (valid from 2026-01-01, open-ended) apply in 2027 too: 3.187.
    # Feb: 10 × 3.187 × 1.2 − 10 × 0.95 × 1.370 = 38.244 − 13.015 = 25.229
    # May: 20 × 3.187 × 1.2 − 20 × 0.95 × 1.370 = 76.488 − 26.03 = 50.458
    # Q1: 50 % × 25.229 = 12.6145 -> 13 whole; Q2-Q4: 50 % × 75.687 = 37.8435 -> 38 whole
    assert [
        (q["quarter_end"], q["holding_required"], q["holding_required_whole"])
        for q in body["quarterly_holdings"]
    ] == [
        ("2027-03-31", "12.61450", 13),
        ("2027-06-30", "37.84350", 38),
        ("2027-09-30", "37.84350", 38),
        ("2027-12-31", "37.84350", 38),
    ]
    assert body["deadline"] == "2028-09-30"


def test_a_shipment_without_a_default_value_is_listed_as_unresolved(api, viewer):
    org = viewer.organisation
    make_shipment(
        org,
        "5",
        date(2026, 3, 1),
        cn_code="28041000",
        category="Hydrogen",
        sector="Hydrogen",
        country="SA",
    )

    body = api.get(f"/api/v1/orgs/{org.slug}/declarations/2026/summary").json()

    assert body["rows"] == []
    (unresolved,) = body["unresolved"]
    assert "no default value for CN 28041000" in unresolved["problem"]
    assert body["notes"][1].startswith("1 shipment(s) could not be computed")


def test_a_price_given_by_the_caller_prices_every_shipment_and_says_so(api, viewer):
    org = viewer.organisation
    make_shipment(org, "20", date(2026, 3, 10), reference="A")
    make_shipment(org, "30", date(2026, 9, 1), reference="B")

    body = api.get(
        f"/api/v1/orgs/{org.slug}/declarations/2026/summary?certificate_price_eur=70"
    ).json()

    # 108.4975 certificates (50 t on defaults, as above) × 70 = 7594.825.
    assert body["totals"]["cost_eur"] == "7594.83"
    assert [
        (p["basis"], p["price_eur"], p["shipments"], p["label"]) for p in body["certificate_prices"]
    ] == [("given", "70.00", 2, "EUR 70 given by the caller for every period")]
    assert not any("assumption" in note for note in body["notes"])
