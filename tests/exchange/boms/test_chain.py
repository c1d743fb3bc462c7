"""The issue's acceptance case: a three-tier chain across four organisations, exact SEE and
euros computed by hand from the inputs and the reference rows; revoking a grant flips a line
to its default value and changes the exposure by exactly the saving that line showed."""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.utils import timezone

from accounts.audit import Actor
from core.jobs import job_execute
from core.models import Job
from exchange.boms.models import AggregationResult, BomLine
from exchange.boms.selectors import buyer_product_see
from exchange.boms.services.aggregation import products_recompute
from exchange.declarations.services.declaration import footprint_precursor_inputs
from exchange.sharing.services.grants import grant_revoke
from suppliers.models import (
    DefaultValueDecisionRecord,
    Footprint,
    FootprintPrecursor,
    PrecursorSeeSource,
)
from tests.exchange.boms.conftest import Chain, share
from tests.factories import FootprintFactory

pytestmark = pytest.mark.django_db

D = Decimal
TODAY = date(2026, 11, 21)  # priced year 2026: CBAM factor 0.975, mark-up +10 %
# Exposure is priced at the certificate price published last by TODAY: Q2 2026, EUR 75.28,
# published 2026-07-06 (certificate_prices v1 line 8), not the assumption of the setting (80).
PRICE = D("75.28")

# Reference rows used (reference/data/*.csv, as loaded by the reference_data fixture):
PIG_IRON_DEFAULT = D("1.66")  # default-values 7201,CN (no indirect)
# Default values in 2026: default_values v2 (IR 2025/2621 Annex I as replaced by IR 2026/1740).
CRUDE_DEFAULT = D("3.169")  # default-values 72071114,CN (route C)
COIL_DEFAULT = D("3.187")  # default-values 7208,CN (route C)
BM_A_BILLET_C = D("0.188")  # benchmarks 72071114 column A route C
BM_B_BILLET_C = D("1.364")  # benchmarks 72071114 column B route C
BM_B_PIG_IRON = D("1.210")  # benchmarks 72011011 column B (no route)
BM_A_COIL = D("0.044")  # benchmarks 72083900 column A
BM_B_COIL_C = D("1.370")  # benchmarks 72083900 column B route C
BM_A_SCREWS = D("0.038")  # benchmarks 73181595 column A
CBAM_FACTOR_2026 = D("0.975")
MARK_UP_2026 = D("0.10")


def cents(value: Decimal) -> str:
    return str(value.quantize(D("0.01"), rounding=ROUND_HALF_UP))


def see5(value: Decimal) -> str:
    return str(value.quantize(D("0.00001"), rounding=ROUND_HALF_UP))


def test_the_chain_gives_exact_see_and_euros(chain: Chain) -> None:
    products_recompute(organisation_id=chain.buyer.pk, today=TODAY)

    # SEE per channel = own process per t + Σ m_i × SEE_i (2025/2547 Annex III B).
    # Billet: pig iron on its default (the pig-iron maker is not verified: decision = default).
    billet_direct = D("0.2") + D("1.1") * PIG_IRON_DEFAULT  # 2.026
    billet_indirect = D("0.5") * D("0.6")  # 0.3 (own electricity)
    # Coil: 0.6 t billet (own product) + 0.45 t crude steel from the steel mill (actual).
    hrc_direct = D("0.1") + D("0.6") * billet_direct + D("0.45") * D("1.9")  # 2.1706
    hrc_indirect = D("0.1") * D("0.6") + D("0.6") * billet_indirect + D("0.45") * D("0.3")
    # Screws: 0.7 t coil (own product) + 0.4 t coil from the rolling mill (actual).
    screws_direct = D("0.05") + D("0.7") * hrc_direct + D("0.4") * D("2.1")  # 2.40942
    screws_indirect = D("0.4") * D("0.6") + D("0.7") * hrc_indirect + D("0.4") * D("0.15")
    assert screws_direct == D("2.40942")
    assert screws_indirect == D("0.5625")

    result = AggregationResult.objects.get(product=chain.screws)
    assert result.status == "ok"
    assert result.see_direct == screws_direct
    assert result.see_indirect == screws_indirect
    assert result.see_indirect_counted == 0  # iron and steel: direct only, no cross-over input
    assert AggregationResult.objects.get(product=chain.hrc).see_direct == hrc_direct
    assert AggregationResult.objects.get(product=chain.billet).see_direct == billet_direct

    # Default share: the pig iron default, carried up 0.6 t per t of coil, 0.7 t per t of screws.
    screws_default = D("0.7") * D("0.6") * D("1.1") * PIG_IRON_DEFAULT  # 0.76692
    see = buyer_product_see(product=chain.screws)
    assert see is not None
    assert see.see_direct == screws_direct
    assert see.see_indirect == 0
    assert see.see_total == screws_direct
    assert see.default_share == (screws_default / screws_direct).quantize(D("1E-10"))
    assert see.result_id == str(result.id)

    # Exposure 2026, per t of screws:
    #   SEE* = SEE counted + mark-up × default part
    #   FA   = CBAM factor × (BM_A(screws) + Σ m_i · SEFA_i)
    #   SEFA(billet) = BM_A(billet, C) + 1.1 × BM_B(pig iron)        (pig iron on defaults)
    #   SEFA(coil)   = BM_A(coil) + 0.6 × SEFA(billet) + 0.45 × BM_A(billet, C)  (verified)
    sefa_billet = BM_A_BILLET_C + D("1.1") * BM_B_PIG_IRON  # 1.519
    sefa_hrc = BM_A_COIL + D("0.6") * sefa_billet + D("0.45") * BM_A_BILLET_C  # 1.04
    faa = CBAM_FACTOR_2026 * (BM_A_SCREWS + D("0.7") * sefa_hrc + D("0.4") * BM_A_COIL)
    certificates = screws_direct + MARK_UP_2026 * screws_default - faa
    cost = certificates * PRICE
    assert cents(cost) == "129.64"  # 1.722102 certificates × 75.28 = 129.63983856

    # Every line on its default value (own processes kept):
    #   coil   0.1 + 0.6 × 2.026 + 0.45 × 3.169 = 2.74165
    #   screws 0.05 + 0.7 × 2.74165 + 0.4 × 3.187 = 3.243955; default part 3.039955
    #   FA = 0.975 × (0.038 + 0.7 × (0.044 + 0.6 × 1.519 + 0.45 × 1.364) + 0.4 × 1.370)
    #      = 0.975 × 1.68444 = 1.642329
    #   cost = (3.243955 + 0.3039955 − 1.642329) × 75.28 = 1.9056215 × 75.28 = 143.45518652
    hrc_direct_d = D("0.1") + D("0.6") * billet_direct + D("0.45") * CRUDE_DEFAULT
    screws_direct_d = D("0.05") + D("0.7") * hrc_direct_d + D("0.4") * COIL_DEFAULT
    default_part_d = (
        screws_direct_d - D("0.05") - D("0.7") * D("0.1") - D("0.7") * D("0.6") * D("0.2")
    )
    sefa_hrc_d = BM_A_COIL + D("0.6") * sefa_billet + D("0.45") * BM_B_BILLET_C
    faa_d = CBAM_FACTOR_2026 * (BM_A_SCREWS + D("0.7") * sefa_hrc_d + D("0.4") * BM_B_COIL_C)
    cost_d = (screws_direct_d + MARK_UP_2026 * default_part_d - faa_d) * PRICE
    assert cents(cost_d) == "143.46"

    exposure = chain.api("viewer").get(chain.url(f"buyer-products/{chain.screws.pk}/exposure/"))
    assert exposure.status_code == 200, exposure.content
    body = exposure.json()
    assert body["year"] == 2026
    assert body["certificate_price_eur"] == "75.28"
    source = "certificate_prices v1 (Certificate prices Q1-Q2 2026 (third-party reports)) line 8"
    assert body["certificate_price"] == {
        "period": "Q2 2026",
        "period_start": "2026-04-01",
        "period_end": "2026-06-30",
        "kind": "quarterly",
        "basis": "published",
        "price_eur": "75.28",
        "published_on": "2026-07-06",
        "source": source,
        "label": f"Q2 2026 quarterly average EUR 75.28 published 2026-07-06 ({source})",
    }
    assert body["cost_eur_per_t"] == cents(cost)
    assert body["cost_all_defaults_eur_per_t"] == cents(cost_d)
    assert body["saving_eur_per_t"] == cents(cost_d - cost)
    assert [p["year"] for p in body["projection"]] == list(range(2026, 2035))
    assert body["projection"][0]["cost_eur_per_t"] == cents(cost)
    # 2034: no free allocation any more, mark-up 30 %.
    assert body["projection"][-1]["cost_eur_per_t"] == cents(
        (screws_direct + D("0.30") * screws_default) * PRICE
    )

    # The rolling mill's coil saves: (its default with mark-up − its actual) × 0.4 t, and its
    # benchmark term moves from column A to column B:
    # (0.4 × (3.187 × 1.1 − 2.1) − 0.975 × 0.4 × (1.370 − 0.044)) × 75.28 = (0.56228 −
    # 0.51714) × 75.28 = 3.3981392; after the flip 129.63983856 + 3.3981392 = 133.03797776.
    coil_saving = (
        D("0.4") * (COIL_DEFAULT * (1 + MARK_UP_2026) - D("2.1"))
        - CBAM_FACTOR_2026 * D("0.4") * (BM_B_COIL_C - BM_A_COIL)
    ) * PRICE
    lines = {line["line"]: line for line in body["lines"]}
    coil_line = lines[str(chain.lines["coil"].pk)]
    assert coil_line["use"] == "actual"
    assert coil_line["saving_eur_per_t"] == cents(coil_saving)
    # The own-product line has no saving of its own.
    assert lines[str(chain.lines["hrc"].pk)]["saving_eur_per_t"] is None

    # Revoking the rolling mill's grant flips the line to the default value...
    grant_revoke(actor=Actor.platform("tests"), grant=chain.grants["coil"], reason="contract ended")
    jobs = Job.objects.filter(kind="boms.recompute", status="pending")
    assert jobs.count() >= 1
    for job in jobs:
        job_execute(job_id=job.pk)

    after = chain.api("viewer").get(chain.url(f"buyer-products/{chain.screws.pk}/exposure/"))
    body_after = after.json()
    flipped = {line["line"]: line for line in body_after["lines"]}[str(chain.lines["coil"].pk)]
    assert flipped["use"] == "default"
    assert [r["code"] for r in flipped["reasons"]] == ["BOMS-NO-GRANT"]
    # ...and the exposure changes by exactly the saving the line showed.
    cost_after = cost + coil_saving
    assert body_after["cost_eur_per_t"] == cents(cost_after) == "133.04"
    screws_after = AggregationResult.objects.get(product=chain.screws)
    # 2.40942 + 0.4 × (3.187 − 2.1) = 2.84422
    assert screws_after.see_direct == screws_direct + D("0.4") * (COIL_DEFAULT - D("2.1"))
    assert screws_after.see_direct == D("2.84422")


def test_every_line_carries_its_decision_and_contribution(chain: Chain) -> None:
    products_recompute(organisation_id=chain.buyer.pk, today=TODAY)

    response = chain.api("viewer").get(chain.url(f"buyer-products/{chain.billet.pk}/aggregation/"))

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "ok"
    assert body["see_direct"] == see5(D("2.026"))
    assert body["see_indirect"] == "0.30000"
    (line,) = body["lines"]
    assert line["use"] == "default"
    assert line["decision"]["actual_data_allowed"] is False
    assert line["decision"]["default_value_required"] is True
    assert line["decision"]["reasons"][0]["code"] == "CBAM-VERIFICATION-001"
    assert line["decision"]["footprint_used"] == str(chain.pig_iron.pk)
    assert D(line["contribution"]["direct"]) == D("1.1") * PIG_IRON_DEFAULT
    assert line["see_used"]["default_value"] is not None
    assert body["versions"]["footprints"] == [str(chain.pig_iron.pk)]
    assert body["versions"]["grants"] == [str(chain.grants["pig_iron"].pk)]
    assert body["provenance"]["source"] == "good"
    # The sure saving of a line on defaults is its mark-up: 10 % × 1.1 × 1.66 × 75.28 EUR.
    assert line["saving"]["sure_eur_per_t"] is not None
    assert cents(D(line["saving"]["sure_eur_per_t"])) == cents(
        D("0.10") * D("1.1") * PIG_IRON_DEFAULT * PRICE
    )


def test_the_chase_list_ranks_lines_by_saving(chain: Chain) -> None:
    products_recompute(organisation_id=chain.buyer.pk, today=TODAY)

    response = chain.api("viewer").get(chain.url("chase-list/"))

    assert response.status_code == 200, response.content
    lines = response.json()["lines"]
    savings = [D(line["saving_eur_per_t"]) for line in lines]
    assert savings == sorted(savings, reverse=True)
    assert {line["supplier_name"] for line in lines} == {
        "Anshan Pig Iron",
        "Tangshan Steel",
        "Rizhao Rolling",
    }
    assert response.json()["assumptions"]["actual_equals_default"]


def test_a_second_recompute_with_nothing_changed_stores_nothing(chain: Chain) -> None:
    products_recompute(organisation_id=chain.buyer.pk, today=TODAY)

    again = products_recompute(organisation_id=chain.buyer.pk, today=TODAY, only_changed=True)

    assert again == {"stored": 0, "failed": 0, "unchanged": 3}


def test_a_supplier_footprints_own_precursors_count_in_its_sefa(chain: Chain) -> None:
    """A supplier footprint on actual data is a precursor with its own specific embedded free
    allocation: column A of its CN code plus its own precursors' terms (IR 2025/2620), by the
    same rule as its default-value decision and a declaration's shipment linked to it."""
    # The rolling mill's coil is rolled from 1.02 t of its own verified billet (column A,
    # its route C) and 0.03 t of bought billet on the default value (column B, route C of the
    # 72071114 CN default row). A published footprint is immutable: the precursors go in
    # while it is a draft, then it is published and the buyer's coil line points to it.
    coil = FootprintFactory(
        organisation=chain.rolling_mill,
        product=chain.coil.product,
        see_direct="2.1",
        see_indirect="0.15",
        see_total="2.25",
    )
    FootprintPrecursor.objects.create(
        footprint=coil,
        position=1,
        cn_code="72071114",
        mass_t_per_t=D("1.02"),
        country_of_origin="CN",
        see_source=PrecursorSeeSource.OWN_VERIFIED,
        see_direct=D("1.9"),
        see_indirect=D("0.3"),
    )
    FootprintPrecursor.objects.create(
        footprint=coil,
        position=2,
        cn_code="72071114",
        mass_t_per_t=D("0.03"),
        country_of_origin="CN",
        see_source=PrecursorSeeSource.DEFAULT_VALUE,
    )
    Footprint.objects.filter(pk=coil.pk).update(
        status="published",
        published_at=timezone.now(),
        signed_document=b"{}",
        signature="test-signature",
    )
    coil.refresh_from_db()
    DefaultValueDecisionRecord.objects.create(
        footprint=coil,
        actual_data_allowed=True,
        reasons=[],
        year=2026,
        certificate_price_eur=PRICE,
        inputs_fingerprint=f"test-{coil.pk}",
        computed_at=timezone.now(),
    )
    share(coil, chain.buyer)
    BomLine.objects.filter(pk=chain.lines["coil"].pk).update(footprint=coil, lineage=coil.lineage)
    products_recompute(organisation_id=chain.buyer.pk, today=TODAY)

    # The declarations' inputs for the same footprint: the one rule.
    assert [(p.verified, p.production_route) for p in footprint_precursor_inputs(coil)] == [
        (True, "C"),
        (False, None),
    ]

    # SEFA(coil line) = 0.044 + 1.02 × 0.188 + 0.03 × 1.364 = 0.044 + 0.19176 + 0.04092
    # = 0.27668 (was 0.044 with column A alone).
    sefa_coil_line = BM_A_COIL + D("1.02") * BM_A_BILLET_C + D("0.03") * BM_B_BILLET_C
    assert sefa_coil_line == D("0.27668")
    # SEE unchanged: 2.40942 direct, default part 0.76692. SEFA of the own coil unchanged:
    # 1.04. FA = 0.975 × (0.038 + 0.7 × 1.04 + 0.4 × 0.27668) = 0.975 × 0.876672 = 0.8547552;
    # cost = (2.40942 + 0.076692 − 0.8547552) × 75.28 = 1.6313568 × 75.28 = 122.808539904.
    faa = CBAM_FACTOR_2026 * (BM_A_SCREWS + D("0.7") * D("1.04") + D("0.4") * sefa_coil_line)
    assert faa == D("0.8547552")
    cost = (D("2.40942") + D("0.076692") - faa) * PRICE
    assert cost == D("122.808539904")

    body = chain.api("viewer").get(chain.url(f"buyer-products/{chain.screws.pk}/exposure/"))
    assert body.status_code == 200, body.content
    exposure = body.json()
    assert exposure["cost_eur_per_t"] == "122.81"
    # All on defaults: the coil line is on column B anyway, nothing changes (143.46).
    assert exposure["cost_all_defaults_eur_per_t"] == "143.46"
    # The coil's saving: its default with mark-up minus its actual, and its benchmark term
    # from 0.27668 to column B 1.370: (0.4 × (3.187 × 1.1 − 2.1) − 0.975 × 0.4 ×
    # (1.370 − 0.27668)) × 75.28 = (0.56228 − 0.4263948) × 75.28 = 10.229437856.
    coil_saving = (
        D("0.4") * (COIL_DEFAULT * (1 + MARK_UP_2026) - D("2.1"))
        - CBAM_FACTOR_2026 * D("0.4") * (BM_B_COIL_C - sefa_coil_line)
    ) * PRICE
    assert coil_saving == D("10.229437856")
    lines = {line["line"]: line for line in exposure["lines"]}
    assert lines[str(chain.lines["coil"].pk)]["saving_eur_per_t"] == "10.23"
