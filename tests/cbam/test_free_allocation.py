"""Free allocation adjustment per tonne (IR (EU) 2025/2620) with the CBAM factor of Directive
2003/87/EC Art. 10a(1a): default path on column B for the origin's route, actual path on
column A plus the precursors."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from cbam import (
    CalculationError,
    PrecursorBenchmarkInput,
    free_allocation_actual,
    free_allocation_default,
    lookup_benchmark,
)


def test_the_default_path_takes_column_b_of_the_route_the_annex_gives_the_origin(snapshot):
    # 7208 from CN: route C (carbon steel, BF-BOF); 7208 51 20 column B (C) = 1.370.
    fa = free_allocation_default(snapshot, cn_code="72085120", route="C", year=2026)

    assert fa.benchmark is not None
    assert (fa.benchmark.row.qualifier, fa.benchmark.row.value_tco2e_per_t) == ("C", D("1.370"))
    assert fa.benchmark.row.ref == "benchmarks-ir2025-2620.csv:312"
    assert (fa.cbam_factor.factor, fa.cscf, fa.cscf_source) == (
        D("0.975"),
        D("1"),
        "not published: 1",
    )
    assert fa.per_t == D("1.335750")  # 0.975 × 1 × 1.370


@pytest.mark.parametrize(
    ("year", "factor", "expected"),
    [
        (2026, "0.975", "1.335750"),
        (2027, "0.95", "1.30150"),
        (2028, "0.90", "1.2330"),
        (2029, "0.775", "1.061750"),
        (2030, "0.515", "0.705550"),
        (2031, "0.39", "0.53430"),
        (2032, "0.265", "0.363050"),
        (2033, "0.14", "0.19180"),
        (2034, "0", "0.000"),
    ],
)
def test_the_cbam_factor_phases_the_adjustment_out_by_2034(snapshot, year, factor, expected):
    fa = free_allocation_default(snapshot, cn_code="72085120", route="C", year=year)

    assert fa.cbam_factor.factor == D(factor)
    assert fa.per_t == D(expected)  # factor × 1.370


def test_route_c_slash_f_picks_c_for_carbon_steel_codes_and_f_for_low_alloy_codes(snapshot):
    # 7227 from CN carries route "C/F": the heading holds carbon (C/D/E) and low-alloy
    # (F/G/H/J) codes; each 8-digit code has rows of one kind only.
    carbon = free_allocation_default(snapshot, cn_code="72279010", route="C/F", year=2026)
    low_alloy = free_allocation_default(snapshot, cn_code="72271000", route="C/F", year=2026)

    assert carbon.benchmark is not None
    assert low_alloy.benchmark is not None
    assert (carbon.benchmark.row.qualifier, carbon.per_t) == ("C", D("1.399125"))  # 0.975 × 1.435
    assert (low_alloy.benchmark.row.qualifier, low_alloy.benchmark.row.period) == ("F", 1)
    assert low_alloy.per_t == D("1.572675")  # 0.975 × 1.613
    assert low_alloy.benchmark.note == "route C/F: row F of this CN code used"


def test_the_benchmark_period_follows_the_year(snapshot):
    # Period 1 = 2026-2027 (1.613), period 2 = 2028-2030 (1.446), and after 2030 the last.
    in_2027 = lookup_benchmark(snapshot, cn_code="72271000", column="B", route="F", year=2027)
    in_2028 = lookup_benchmark(snapshot, cn_code="72271000", column="B", route="F", year=2028)
    in_2031 = lookup_benchmark(snapshot, cn_code="72271000", column="B", route="F", year=2031)

    assert in_2027 is not None
    assert in_2028 is not None
    assert in_2031 is not None
    assert (in_2027.row.period, in_2027.row.value_tco2e_per_t) == (1, D("1.613"))
    assert (in_2028.row.period, in_2028.row.value_tco2e_per_t) == (2, D("1.446"))
    assert (in_2031.row.period, in_2031.note) == (
        2,
        "no benchmark adopted for 2031; period 2 (2028-2030) used",
    )


def test_aluminium_routes_k_and_l_select_primary_or_secondary(snapshot):
    primary = free_allocation_default(snapshot, cn_code="76011010", route="K", year=2026)
    secondary = free_allocation_default(snapshot, cn_code="76011010", route="L", year=2026)

    assert primary.per_t == D("1.387425")  # 0.975 × 1.423
    assert secondary.per_t == D("0.088725")  # 0.975 × 0.091


def test_route_c_on_a_low_alloy_code_uses_the_bf_bof_low_alloy_row(snapshot):
    # 7205 from CN is printed with route C, but 7205 21 00 (alloy steel powders) has only
    # F/G/H/J rows; F is the same BF-BOF route for low-alloy steel.
    fa = free_allocation_default(snapshot, cn_code="72052100", route="C", year=2026)

    assert fa.benchmark is not None
    assert (fa.benchmark.row.qualifier, fa.benchmark.row.value_tco2e_per_t) == ("F", D("1.460"))
    assert fa.benchmark.note == "route C: row F of this CN code used"


def test_a_route_split_benchmark_without_a_route_uses_the_lowest_value(snapshot):
    # 7306 30 18 from CN: the annex gives no route, the benchmark has C/D/E rows. The lowest
    # (E, 0.072) keeps the adjustment from being overstated.
    fa = free_allocation_default(snapshot, cn_code="73063018", route="", year=2026)

    assert fa.benchmark is not None
    assert (fa.benchmark.row.qualifier, fa.per_t) == ("E", D("0.070200"))
    assert "the lowest value (route E) is used" in fa.benchmark.note


def test_a_route_free_benchmark_applies_to_any_route(snapshot):
    fa = free_allocation_default(snapshot, cn_code="72189911", route="C", year=2026)

    assert fa.benchmark is not None
    assert (fa.benchmark.row.qualifier, fa.benchmark.row.period) == ("", 1)
    assert fa.per_t == D("1.159275")  # 0.975 × 1.189


def test_a_given_cscf_scales_the_adjustment(snapshot):
    fa = free_allocation_default(snapshot, cn_code="72085120", route="C", year=2026, cscf=D("0.9"))

    assert (fa.cscf, fa.cscf_source) == (D("0.9"), "given")
    assert fa.per_t == D("1.2021750")  # 0.975 × 0.9 × 1.370


def test_a_good_without_a_benchmark_has_no_adjustment(snapshot):
    fa = free_allocation_default(snapshot, cn_code="27160000", route=None, year=2026)

    assert (fa.benchmark, fa.per_t) == (None, D("0"))
    assert "no column B benchmark for CN 27160000" in fa.note


def test_there_is_no_adjustment_before_the_definitive_period(snapshot):
    with pytest.raises(CalculationError) as caught:
        free_allocation_default(snapshot, cn_code="72085120", route="C", year=2025)

    assert caught.value.paths == ["year"]


def test_the_actual_path_adds_column_a_and_each_precursors_benchmark(snapshot):
    precursors = [
        # verified actual data: column A of pig iron 7201 10 11 = 1.089
        PrecursorBenchmarkInput("72011011", D("0.9"), country_of_origin="IN", verified=True),
        # no verified value: column B for the origin's route (IN row for 720241: no route;
        # the benchmark has no route rows), period 1 = 1.142
        PrecursorBenchmarkInput("72024110", D("0.01"), country_of_origin="IN"),
        # the supplier's own benchmark figure
        PrecursorBenchmarkInput("72031000", D("0.05"), sefa_tco2e_per_t=D("0.3")),
        # from the EU: no embedded emissions, no adjustment
        PrecursorBenchmarkInput("72071111", D("0.2"), country_of_origin="DE", verified=True),
    ]

    fa = free_allocation_actual(
        snapshot, cn_code="72071111", production_route="C", year=2026, precursors=precursors
    )

    assert fa.benchmark is not None
    assert (fa.benchmark.row.column, fa.benchmark.row.value_tco2e_per_t) == ("A", D("0.188"))
    assert [(t.source, t.sefa_tco2e_per_t) for t in fa.precursor_terms] == [
        ("column_a", D("1.089")),
        ("column_b", D("1.142")),
        ("given", D("0.3")),
        ("exempt_origin", D("0")),
    ]
    # 0.975 × (0.188 + 0.9 × 1.089 + 0.01 × 1.142 + 0.05 × 0.3 + 0.2 × 0)
    # = 0.975 × (0.188 + 0.9801 + 0.01142 + 0.015) = 0.975 × 1.19452
    assert fa.per_t == D("1.16465700")


def test_the_actual_path_asks_for_every_missing_route(snapshot):
    with pytest.raises(CalculationError) as caught:
        free_allocation_actual(
            snapshot,
            cn_code="72071111",
            production_route=None,
            year=2026,
            precursors=[PrecursorBenchmarkInput("72061000", D("1"), verified=True)],
        )

    assert caught.value.paths == ["production_route", "precursors[0].production_route"]
    assert caught.value.problems[0].message == (
        "the column A benchmark of CN 72071111 depends on the production route; "
        "give production_route as one of C, D, E"
    )


def test_the_actual_path_refuses_a_route_that_does_not_apply(snapshot):
    with pytest.raises(CalculationError) as caught:
        free_allocation_actual(snapshot, cn_code="76011010", production_route="C", year=2026)

    assert caught.value.problems[0].message == (
        "route C does not apply to CN 76011010; give one of K, L"
    )
