"""Specific embedded emissions (2025/2547 Annex III point B): SEE = (AttrEm + Σ M_i·SEE_i) / AL,
direct and indirect channels separately, exact values."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from cbam import (
    CalculationError,
    GoodInput,
    PrecursorInput,
    compute_see,
)
from cbam.reference import ReferenceSnapshot
from cbam.rounding import round_see
from cbam.types import ProvenanceNode


def test_a_simple_good_divides_its_attributed_emissions_by_its_activity_level(snapshot):
    # Unwrought aluminium from China, no precursors. Indirect = electricity × the default grid
    # factor of CN (IR 2025/2621 Annex II: 0.605 tCO2/MWh), because no factor is given.
    good = GoodInput(
        id="AL",
        cn_code="76011010",
        country_of_origin="CN",
        activity_level_t=D("10000"),
        attributed_direct_tco2e=D("16500"),
        electricity_mwh=D("150000"),
    )

    result = compute_see([good], snapshot)["AL"]

    assert result.see_direct == D("1.65")  # 16500 / 10000
    assert result.see_indirect == D("9.075")  # 150000 × 0.605 / 10000
    assert result.see_total == D("10.725")
    # Aluminium is in Annex II of Reg. 2023/956: only direct emissions count.
    assert result.category == "Unwrought aluminium"
    assert result.indirect_counts is False
    assert result.see_indirect_counted == D("0")
    assert result.see_counted == D("1.65")
    assert result.default_values_used == ()


def _steel_chain() -> list[GoodInput]:
    """Sinter -> pig iron -> crude steel -> hot-rolled flat, one installation in China, with a
    purchased ferro-chromium on default values (from India: 6-digit row; from Viet Nam: no row,
    Other countries), an EU-origin crude steel that counts zero and a supplier footprint."""
    sinter = GoodInput(
        id="SINTER",
        cn_code="26011200",
        country_of_origin="CN",
        activity_level_t=D("1000"),
        attributed_direct_tco2e=D("200"),
        electricity_mwh=D("50"),  # default grid factor CN 0.605
    )
    pig_iron = GoodInput(
        id="PIG",
        cn_code="72011011",
        country_of_origin="CN",
        activity_level_t=D("800"),
        attributed_direct_tco2e=D("1000"),
        electricity_mwh=D("40"),
        electricity_factor_tco2_per_mwh=D("0.5"),
        precursors=(
            PrecursorInput(mass_t=D("1200"), good="SINTER"),
            PrecursorInput(mass_t=D("8"), cn_code="72024110", country_of_origin="IN"),
        ),
    )
    crude = GoodInput(
        id="CRUDE",
        cn_code="72071111",
        country_of_origin="CN",
        activity_level_t=D("1000"),
        attributed_direct_tco2e=D("150"),
        attributed_indirect_tco2e=D("60"),
        precursors=(
            PrecursorInput(mass_t=D("900"), good="PIG"),
            PrecursorInput(
                mass_t=D("200"),
                cn_code="72061000",
                country_of_origin="DE",
                see_direct=D("1.9"),
                see_indirect=D("0.1"),
            ),
            PrecursorInput(mass_t=D("10"), cn_code="72024110", country_of_origin="VN"),
        ),
    )
    hot_rolled = GoodInput(
        id="HRC",
        cn_code="72085120",
        country_of_origin="CN",
        activity_level_t=D("950"),
        attributed_direct_tco2e=D("95"),
        electricity_mwh=D("95"),
        electricity_factor_tco2_per_mwh=D("0.6"),
        precursors=(
            PrecursorInput(mass_t=D("1000"), good="CRUDE"),
            PrecursorInput(
                mass_t=D("50"),
                cn_code="72071111",
                country_of_origin="KR",
                see_direct=D("1.8"),
                see_indirect=D("0.3"),
                footprint_id="pcf-kr-001",
            ),
        ),
    )
    # Input order is deliberately not production order.
    return [hot_rolled, crude, sinter, pig_iron]


def test_a_complex_good_adds_internal_and_purchased_precursors_through_four_tiers(snapshot):
    calc = compute_see(_steel_chain(), snapshot)

    # SINTER (2601 12 00, not in Annex II: indirect counts)
    #   direct   200 / 1000                  = 0.2
    #   indirect 50 MWh × 0.605 = 30.25 / 1000 = 0.03025
    sinter = calc["SINTER"]
    assert (sinter.see_direct, sinter.see_indirect) == (D("0.2"), D("0.03025"))
    assert sinter.indirect_counts is True
    assert sinter.see_indirect_counted == D("0.03025")

    # PIG (direct only). Ferro-chromium 7202 41 10 from IN: row 720241/IN = 2.35, no indirect.
    #   direct   (1000 + 1200 × 0.2 + 8 × 2.35) / 800 = (1000 + 240 + 18.8) / 800 = 1.5735
    #   indirect (40 × 0.5 + 1200 × 0.03025) / 800 = (20 + 36.3) / 800          = 0.070375
    #   counted  (cross-over: the sinter's indirect) 1200 × 0.03025 / 800      = 0.045375
    pig = calc["PIG"]
    assert (pig.see_direct, pig.see_indirect) == (D("1.5735"), D("0.070375"))
    assert pig.see_indirect_counted == D("0.045375")

    # CRUDE: EU (DE) precursor counts zero; ferro-chromium from VN has no VN row -> OTHER 2.35.
    #   direct   (150 + 900 × 1.5735 + 0 + 10 × 2.35) / 1000 = 1589.65 / 1000 = 1.58965
    #   indirect (60 + 900 × 0.070375) / 1000             = 123.3375 / 1000 = 0.1233375
    #   counted  900 × 0.045375 / 1000                                       = 0.0408375
    crude = calc["CRUDE"]
    assert (crude.see_direct, crude.see_indirect) == (D("1.58965"), D("0.1233375"))
    assert crude.see_indirect_counted == D("0.0408375")

    # HRC: the KR slab comes with a supplier footprint (direct-only category: its indirect is
    # shown but not carried as counted).
    #   direct   (95 + 1000 × 1.58965 + 50 × 1.8) / 950 = 1774.65 / 950
    #   indirect (95 × 0.6 + 1000 × 0.1233375 + 50 × 0.3) / 950 = 195.3375 / 950
    #   counted  1000 × 0.0408375 / 950 = 40.8375 / 950
    hrc = calc["HRC"]
    assert hrc.see_direct == D("1.868052631578947368421052632")
    assert hrc.see_indirect == D("0.2056184210526315789473684211")
    assert hrc.see_indirect_counted == D("0.04298684210526315789473684211")
    assert round_see(hrc.see_direct) == D("1.86805")
    assert round_see(hrc.see_indirect) == D("0.20562")
    assert round_see(hrc.see_total) == D("2.07367")
    assert round_see(hrc.see_counted) == D("1.91104")


def test_the_default_values_used_name_the_precursor_path_and_the_row(snapshot):
    calc = compute_see(_steel_chain(), snapshot)

    (pig_use,) = calc["PIG"].default_values_used
    (crude_use,) = calc["CRUDE"].default_values_used

    assert pig_use.path == "goods[3].precursors[1]"
    assert (pig_use.match.row.cn_code, pig_use.match.row.country) == ("720241", "IN")
    assert (pig_use.match.matched_digits, pig_use.match.used_other) == (6, False)
    assert crude_use.path == "goods[1].precursors[2]"
    assert (crude_use.match.row.cn_code, crude_use.match.row.country) == ("720241", "OTHER")
    assert crude_use.match.used_other is True
    assert crude_use.match.row.ref == "default-values-ir2025-2621.csv:1746"
    assert calc["HRC"].default_values_used == ()


def test_results_follow_input_order_in_goods_and_precursors_come_first_in_results(snapshot):
    calc = compute_see(_steel_chain(), snapshot)

    assert [g.id for g in calc.goods] == ["HRC", "CRUDE", "SINTER", "PIG"]
    assert list(calc.results) == ["SINTER", "PIG", "CRUDE", "HRC"]


def test_a_precursor_from_an_exempt_country_counts_zero_even_with_data(snapshot):
    # Annex III of Reg. 2023/956: Switzerland is outside CBAM, like the EU member states.
    good = GoodInput(
        id="G",
        cn_code="72085120",
        activity_level_t=D("100"),
        attributed_direct_tco2e=D("10"),
        precursors=(
            PrecursorInput(mass_t=D("50"), cn_code="72071111", country_of_origin="CH"),
            PrecursorInput(
                mass_t=D("50"), cn_code="72071111", country_of_origin="NO", see_direct=D("9")
            ),
        ),
    )

    result = compute_see([good], snapshot)["G"]

    assert result.see_direct == D("0.1")
    assert result.default_values_used == ()


def test_a_referenced_good_produced_in_the_eu_counts_zero_downstream(snapshot):
    eu_slab = GoodInput(
        id="SLAB",
        cn_code="72071111",
        country_of_origin="DE",
        activity_level_t=D("100"),
        attributed_direct_tco2e=D("180"),
    )
    coil = GoodInput(
        id="COIL",
        cn_code="72085120",
        country_of_origin="CN",
        activity_level_t=D("100"),
        attributed_direct_tco2e=D("10"),
        precursors=(PrecursorInput(mass_t=D("105"), good="SLAB"),),
    )

    calc = compute_see([eu_slab, coil], snapshot)

    assert calc["SLAB"].see_direct == D("1.8")  # its own SEE is still shown
    assert calc["COIL"].see_direct == D("0.1")  # but it adds nothing downstream


def test_an_actual_factor_replaces_the_default_grid_factor_and_attributed_indirect_is_taken_as_is(
    snapshot,
):
    with_factor = GoodInput(
        id="F",
        cn_code="25231000",
        country_of_origin="TR",
        activity_level_t=D("1000"),
        attributed_direct_tco2e=D("800"),
        electricity_mwh=D("100"),
        electricity_factor_tco2_per_mwh=D("0.833"),
    )
    default_factor = GoodInput(
        id="D",
        cn_code="25231000",
        country_of_origin="TR",
        activity_level_t=D("1000"),
        attributed_direct_tco2e=D("800"),
        electricity_mwh=D("100"),
    )
    unknown_country = GoodInput(
        id="U",
        cn_code="25231000",
        country_of_origin="BR",
        activity_level_t=D("1000"),
        attributed_direct_tco2e=D("800"),
        electricity_mwh=D("100"),
    )
    attributed = GoodInput(
        id="A",
        cn_code="25231000",
        activity_level_t=D("1000"),
        attributed_direct_tco2e=D("800"),
        attributed_indirect_tco2e=D("42"),
    )

    calc = compute_see([with_factor, default_factor, unknown_country, attributed], snapshot)

    assert calc["F"].see_indirect == D("0.0833")  # 100 × 0.833 / 1000
    assert calc["D"].see_indirect == D("0.042")  # 100 × 0.420 (TR, Annex II) / 1000
    assert calc["U"].see_indirect == D("0.0465")  # 100 × 0.465 (OTHER) / 1000
    assert calc["A"].see_indirect == D("0.042")
    # Cement clinker is not in Annex II: its indirect emissions count.
    assert calc["F"].see_counted == D("0.8833")


def test_a_chain_of_five_thousand_goods_is_computed_without_recursion(snapshot):
    goods = [
        GoodInput(
            id="G0", cn_code="72071111", activity_level_t=D("1"), attributed_direct_tco2e=D("1")
        )
    ]
    for k in range(1, 5000):
        goods.append(
            GoodInput(
                id=f"G{k}",
                cn_code="72085120",
                activity_level_t=D("1"),
                attributed_direct_tco2e=D("0.001"),
                precursors=(PrecursorInput(mass_t=D("1"), good=f"G{k - 1}"),),
            )
        )
    goods.reverse()

    calc = compute_see(goods, snapshot)

    assert calc["G4999"].see_direct == D("5.999")  # 1 + 4999 × 0.001
    assert calc.provenance("G4999").see_direct == D("5.999")


def test_a_cycle_is_an_error_naming_the_goods_in_it(snapshot):
    def good(good_id: str, ref: str) -> GoodInput:
        return GoodInput(
            id=good_id,
            cn_code="72085120",
            activity_level_t=D("1"),
            attributed_direct_tco2e=D("1"),
            precursors=(PrecursorInput(mass_t=D("1"), good=ref),),
        )

    with pytest.raises(CalculationError) as caught:
        compute_see([good("A", "B"), good("B", "C"), good("C", "A"), good("S", "S")], snapshot)

    problems = [(p.path, p.code, p.message) for p in caught.value.problems]
    assert problems == [
        ("goods[2].precursors[0].good", "cycle", "cycle between goods: A → B → C → A"),
        ("goods[3].precursors[0].good", "cycle", "cycle between goods: S → S"),
    ]


def test_a_cycle_below_a_valid_good_is_found_from_any_starting_point(snapshot):
    top = GoodInput(
        id="TOP",
        cn_code="72085120",
        activity_level_t=D("1"),
        attributed_direct_tco2e=D("1"),
        precursors=(PrecursorInput(mass_t=D("1"), good="X"),),
    )
    x = GoodInput(
        id="X",
        cn_code="72071111",
        activity_level_t=D("1"),
        attributed_direct_tco2e=D("1"),
        precursors=(PrecursorInput(mass_t=D("1"), good="Y"),),
    )
    y = GoodInput(
        id="Y",
        cn_code="72071111",
        activity_level_t=D("1"),
        attributed_direct_tco2e=D("1"),
        precursors=(PrecursorInput(mass_t=D("1"), good="X"),),
    )

    with pytest.raises(CalculationError) as caught:
        compute_see([top, x, y], snapshot)

    assert caught.value.paths == ["goods[2].precursors[0].good"]
    assert caught.value.problems[0].message == "cycle between goods: X → Y → X"


def test_every_problem_of_the_dataclass_input_is_reported_with_its_path(snapshot):
    goods = [
        GoodInput(
            id="A",
            cn_code="72085120",
            activity_level_t=D("0"),
            attributed_direct_tco2e=D("-1"),
            precursors=(
                PrecursorInput(mass_t=D("1"), good="NOPE"),
                PrecursorInput(mass_t=D("1"), cn_code="25232900", see_direct=D("0.7")),
                PrecursorInput(mass_t=D("1"), cn_code="28141000", country_of_origin="CN"),
            ),
        ),
        GoodInput(
            id="A", cn_code="12345678", activity_level_t=D("1"), attributed_direct_tco2e=D("0")
        ),
    ]

    with pytest.raises(CalculationError) as caught:
        compute_see(goods, snapshot)

    assert [(p.path, p.code) for p in caught.value.problems] == [
        ("goods[1].id", "duplicate_id"),
        ("goods[0].activity_level_t", "zero"),
        ("goods[0].attributed_direct_tco2e", "negative"),
        ("goods[0].precursors[0].good", "unknown_good"),
        # Cement counts indirect emissions: actual data must give them.
        ("goods[0].precursors[1].see_indirect", "required"),
        # No default value for ammonia in the annex copy: actual data needed.
        ("goods[0].precursors[2]", "no_default_value"),
        ("goods[1].cn_code", "out_of_scope"),
    ]


def _rebuild(node: ProvenanceNode, activity: D) -> tuple[D, D]:
    """SEE of a good re-derived from its provenance children alone."""
    direct = indirect = D(0)
    for child in node.children:
        if child.mass_t is None:  # own data, already per tonne of good
            direct += child.see_direct or 0
            indirect += child.see_indirect or 0
        else:
            direct += child.mass_t * (child.see_direct or 0) / activity
            indirect += child.mass_t * (child.see_indirect or 0) / activity
    return direct, indirect


def test_provenance_rebuilds_every_see_from_its_nodes(snapshot):
    goods = _steel_chain()
    calc = compute_see(goods, snapshot)

    for good in goods:
        node = calc.provenance(good.id)
        direct, indirect = _rebuild(node, good.activity_level_t)
        assert round_see(direct) == round_see(calc[good.id].see_direct), good.id
        assert round_see(indirect) == round_see(calc[good.id].see_indirect), good.id


def test_provenance_says_where_each_number_came_from(snapshot):
    calc = compute_see(_steel_chain(), snapshot)

    crude = calc.provenance("CRUDE")

    assert crude.label == "CRUDE (CN 72071111, Crude steel)"
    own_direct, own_indirect, pig, eu, ferro = crude.children
    assert (own_direct.source, own_direct.see_direct) == ("attributed_emissions", D("0.15"))
    assert (own_indirect.source, own_indirect.see_indirect) == ("attributed_emissions", D("0.06"))
    assert (pig.source, pig.reference, pig.mass_t) == ("good", "PIG", D("900"))
    # The referenced good's own sources hang beneath it, down to the sinter's grid factor.
    _, _, pig_sinter, pig_ferro = pig.children
    assert pig_sinter.children[1].reference == "electricity-emission-factors-ir2025-2621.csv:6"
    assert pig_ferro.source == "default_value"
    assert (eu.source, eu.reference, eu.see_direct) == ("exempt_origin", "DE", D("0"))
    assert ferro.source == "default_value"
    assert ferro.reference == "default-values-ir2025-2621.csv:1746"
    assert "no row for VN, Other countries used" in ferro.note
    footprint = calc.provenance("HRC").children[3]
    assert (footprint.source, footprint.reference) == ("supplier_footprint", "pcf-kr-001")


def test_the_snapshot_refuses_conflicting_rows_for_one_key():
    from cbam.types import ElectricityFactorRow

    with pytest.raises(ValueError, match="conflicting electricity factor rows for EG"):
        ReferenceSnapshot(
            category_by_cn={},
            electricity_factors=[
                ElectricityFactorRow("EG", D("0.387"), "a:1"),
                ElectricityFactorRow("EG", D("0.388"), "b:2"),
            ],
        )


def test_the_garbage_collector_is_left_as_the_caller_had_it(snapshot):
    import gc

    good = GoodInput(
        id="P", cn_code="72071111", activity_level_t=D("1"), attributed_direct_tco2e=D("1")
    )
    was_enabled = gc.isenabled()
    try:
        gc.enable()
        compute_see([good], snapshot)
        assert gc.isenabled() is True
        gc.disable()
        compute_see([good], snapshot)
        assert gc.isenabled() is False
        gc.enable()
        with pytest.raises(CalculationError):
            compute_see([good, good], snapshot)  # duplicate ids
        assert gc.isenabled() is True
    finally:
        if was_enabled:
            gc.enable()
        else:
            gc.disable()
