"""The obligation (Reg. (EU) 2023/956 Art. 21-22, Art. 9): certificates = EE (× (1 + mark-up) on
defaults) − free allocation adjustment − carbon price deduction, never below zero; cost in
EUR; the 2026-2034 projection; the cost on defaults beside actual data."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from cbam import (
    CalculationError,
    ObligationInput,
    PrecursorBenchmarkInput,
    compute_obligation,
)
from cbam.rounding import round_emissions, round_money

HOT_ROLLED_FROM_CHINA = ObligationInput(
    year=2026,
    cn_code="72085120",
    country_of_origin="CN",
    quantity_t=D("100"),
    certificate_price_eur=D("80"),
)


def test_on_default_values_the_mark_up_applies_and_column_b_is_deducted(snapshot):
    result = compute_obligation(HOT_ROLLED_FROM_CHINA, snapshot)
    year = result.current

    # Default 7208/CN = 3.186892655 tCO2e/t (route C), mark-up 2026 = 10 %:
    # EE = 100 × 3.186892655 × 1.10 = 350.55819205
    assert year.default_used is True
    assert year.mark_up == D("0.10")
    assert year.embedded_emissions_tco2e == D("350.55819205")
    # FAA = 100 × 0.975 × 1 × 1.370 (column B, route C) = 133.575
    assert year.free_allocation_adjustment_tco2e == D("133.575")
    assert year.carbon_price_deduction_tco2e == D("0")
    # certificates = 350.55819205 − 133.575 = 216.98319205; cost = × 80 = 17358.655364
    assert year.certificates == D("216.98319205")
    assert year.cost_eur == D("17358.655364")
    assert round_emissions(year.certificates) == D("216.98319")
    assert round_money(year.cost_eur) == D("17358.66")
    assert year.default_value is not None
    assert year.default_value.row.ref == "default-values-ir2025-2621.csv:35"
    assert result.on_defaults is None
    assert result.saving_eur is None


def test_the_projection_repeats_the_obligation_for_every_year_to_2034(snapshot):
    result = compute_obligation(HOT_ROLLED_FROM_CHINA, snapshot)

    # EE = 318.6892655 × (1 + mark-up); FAA = 137 × CBAM factor; cost = (EE − FAA) × 80.
    assert [
        (e.year, e.cbam_factor, e.mark_up, e.certificates, round_money(e.cost_eur))
        for e in result.projection
    ] == [
        (2026, D("0.975"), D("0.10"), D("216.98319205"), D("17358.66")),
        (2027, D("0.95"), D("0.20"), D("252.2771186"), D("20182.17")),
        (2028, D("0.90"), D("0.30"), D("290.99604515"), D("23279.68")),
        (2029, D("0.775"), D("0.30"), D("308.12104515"), D("24649.68")),
        (2030, D("0.515"), D("0.30"), D("343.74104515"), D("27499.28")),
        (2031, D("0.39"), D("0.30"), D("360.86604515"), D("28869.28")),
        (2032, D("0.265"), D("0.30"), D("377.99104515"), D("30239.28")),
        (2033, D("0.14"), D("0.30"), D("395.11604515"), D("31609.28")),
        (2034, D("0"), D("0.30"), D("414.29604515"), D("33143.68")),
    ]


VERIFIED_ACTUAL = ObligationInput(
    year=2026,
    cn_code="72085120",
    country_of_origin="CN",
    quantity_t=D("100"),
    certificate_price_eur=D("80"),
    see_direct=D("1.9"),
    see_indirect=D("0.4"),
    verified=True,
    carbon_price_paid_eur_per_tco2e=D("8.50"),
    precursors=(
        PrecursorBenchmarkInput(
            "72071111", D("1.05"), country_of_origin="CN", verified=True, production_route="C"
        ),
    ),
)


def test_verified_actual_data_deducts_column_a_and_the_carbon_price_paid(snapshot):
    result = compute_obligation(VERIFIED_ACTUAL, snapshot)
    year = result.current

    # Steel: only direct emissions count. EE = 100 × 1.9 = 190, no mark-up.
    assert (year.default_used, year.mark_up) == (False, D("0"))
    assert year.embedded_emissions_tco2e == D("190.0")
    # FAA = 100 × 0.975 × (0.044 + 1.05 × 0.188) = 100 × 0.975 × 0.2414 = 23.5365
    assert year.free_allocation_adjustment_tco2e == D("23.5365")
    # Art. 9: 8.50 EUR/t × 190 t / 80 EUR = 20.1875 certificates
    assert year.carbon_price_deduction_tco2e == D("20.1875")
    # 190 − 23.5365 − 20.1875 = 146.276 certificates × 80 = 11702.08 EUR
    assert year.certificates == D("146.276")
    assert round_money(year.cost_eur) == D("11702.08")
    assert result.notes == ()


def test_actual_data_shows_the_cost_on_defaults_and_what_it_saves(snapshot):
    result = compute_obligation(VERIFIED_ACTUAL, snapshot)

    assert result.on_defaults is not None
    assert result.on_defaults.certificates == D("216.98319205")
    assert round_money(result.on_defaults.cost_eur) == D("17358.66")
    # 17358.655364 − 11702.08
    assert round_money(result.saving_eur or D(0)) == D("5656.58")
    first, *_, last = result.projection
    assert (first.certificates_on_defaults, round_money(first.cost_eur_on_defaults or D(0))) == (
        D("216.98319205"),
        D("17358.66"),
    )
    # 2034: no free allocation left. Actual: 190 − 20.1875; defaults: 414.29604515.
    assert (last.certificates, last.certificates_on_defaults) == (D("169.8125"), D("414.29604515"))


def test_the_obligation_never_goes_below_zero(snapshot):
    inp = ObligationInput(
        year=2026,
        cn_code="72085120",
        country_of_origin="CN",
        quantity_t=D("100"),
        certificate_price_eur=D("80"),
        see_direct=D("0.01"),
        verified=True,
        carbon_price_paid_eur_per_tco2e=D("100"),
        precursors=VERIFIED_ACTUAL.precursors,
    )

    year = compute_obligation(inp, snapshot).current

    # EE 1 − FAA 23.5365 − deduction 1.25 < 0
    assert (year.certificates, year.cost_eur) == (D("0"), D("0"))


def test_unverified_actual_data_gets_no_carbon_price_deduction_and_says_why(snapshot):
    inp = ObligationInput(
        year=2026,
        cn_code="72085120",
        country_of_origin="CN",
        quantity_t=D("100"),
        certificate_price_eur=D("80"),
        see_direct=D("1.9"),
        verified=False,
        carbon_price_paid_eur_per_tco2e=D("8.50"),
    )

    result = compute_obligation(inp, snapshot)

    assert result.current.carbon_price_deduction_tco2e == D("0")
    # FAA without precursors: 100 × 0.975 × 0.044 = 4.29; 190 − 4.29 = 185.71
    assert result.current.certificates == D("185.710")
    assert result.notes[0].startswith("actual data without a verification report")
    assert result.notes[1].startswith("carbon price paid not deducted")
    assert result.notes[2] == (
        "free allocation: no precursors given: only the good's own process is adjusted"
    )


def test_defaults_get_no_carbon_price_deduction(snapshot):
    inp = ObligationInput(
        year=2026,
        cn_code="72085120",
        country_of_origin="CN",
        quantity_t=D("100"),
        certificate_price_eur=D("80"),
        verified=True,
        carbon_price_paid_eur_per_tco2e=D("8.50"),
    )

    result = compute_obligation(inp, snapshot)

    assert result.current.carbon_price_deduction_tco2e == D("0")
    assert result.current.certificates == D("216.98319205")


def test_cement_counts_both_channels_and_has_no_defaults_to_compare(snapshot):
    inp = ObligationInput(
        year=2026,
        cn_code="25232900",
        country_of_origin="TR",
        quantity_t=D("1000"),
        certificate_price_eur=D("80"),
        see_direct=D("0.78521"),
        see_indirect=D("0.12224"),
        verified=True,
        precursors=(
            PrecursorBenchmarkInput(
                "25231000", D("0.95"), country_of_origin="TR", verified=True, production_route="A"
            ),
        ),
    )

    result = compute_obligation(inp, snapshot)

    # Cement is outside Annex II: EE = 1000 × (0.78521 + 0.12224) = 907.45
    assert result.current.embedded_emissions_tco2e == D("907.45000")
    # FAA = 1000 × 0.975 × (0.000 + 0.95 × 0.666 (grey clinker, column A)) = 616.8825
    assert result.current.free_allocation_adjustment_tco2e == D("616.8825")
    assert result.current.certificates == D("290.5675")
    assert round_money(result.current.cost_eur) == D("23245.40")
    assert result.on_defaults is None
    assert "no cost on defaults to compare" in result.notes[0]


def test_the_indirect_part_a_direct_only_good_inherits_counts_when_given(snapshot):
    # Cross-over rule (2025/2547 Annex I 3.1): pig iron made from sintered ore.
    inp = ObligationInput(
        year=2026,
        cn_code="72011011",
        country_of_origin="CN",
        quantity_t=D("10"),
        certificate_price_eur=D("80"),
        see_direct=D("1.5735"),
        see_indirect=D("0.070375"),
        see_indirect_counted=D("0.045375"),
        verified=True,
    )

    year = compute_obligation(inp, snapshot).current

    assert year.embedded_emissions_tco2e == D("16.18875")  # 10 × (1.5735 + 0.045375)


def test_every_problem_of_an_obligation_is_reported_at_once(snapshot):
    inp = ObligationInput(
        year=2025,
        cn_code="72044910",
        country_of_origin="CN",
        quantity_t=D("-1"),
        certificate_price_eur=D("0"),
        see_indirect=D("0.1"),
    )

    with pytest.raises(CalculationError) as caught:
        compute_obligation(inp, snapshot)

    assert [(p.path, p.code) for p in caught.value.problems] == [
        ("cn_code", "out_of_scope"),
        ("year", "invalid"),
        ("quantity_t", "negative"),
        ("certificate_price_eur", "zero"),
        ("see_direct", "invalid"),
    ]


def test_goods_from_an_exempt_country_have_no_obligation(snapshot):
    inp = ObligationInput(
        year=2026,
        cn_code="72085120",
        country_of_origin="CH",
        quantity_t=D("100"),
        certificate_price_eur=D("80"),
    )

    with pytest.raises(CalculationError) as caught:
        compute_obligation(inp, snapshot)

    assert caught.value.paths == ["country_of_origin"]


def test_without_actual_data_and_without_a_default_value_the_user_is_asked_for_data(snapshot):
    inp = ObligationInput(
        year=2026,
        cn_code="25232900",
        country_of_origin="TR",
        quantity_t=D("100"),
        certificate_price_eur=D("80"),
    )

    with pytest.raises(CalculationError) as caught:
        compute_obligation(inp, snapshot)

    assert [(p.path, p.code) for p in caught.value.problems] == [("see_direct", "no_default_value")]
