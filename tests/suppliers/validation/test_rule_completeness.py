"""CBAM-COMPLETE-*: every relevant precursor of the category is declared or declared absent
(IR 2025/2547 Annex III point B; relevant precursors from the goods-categories table)."""

from __future__ import annotations

from tests.suppliers.validation.facts_builder import (
    HRC_ABSENT,
    category_facts,
    check,
    hot_rolled_coil,
    precursor,
)


def test_declared_and_declared_absent_precursors_complete_the_list():
    assert check("CBAM-COMPLETE-001", hot_rolled_coil()) == []
    assert check("CBAM-COMPLETE-002", hot_rolled_coil()) == []


def test_relevant_precursors_not_accounted_for_are_a_warning():
    facts = hot_rolled_coil(precursors_declared_absent=("Pig iron", "Hydrogen"))

    [finding] = check("CBAM-COMPLETE-001", facts)

    assert (finding.severity, finding.path) == ("warning", "precursors")
    assert finding.evidence == {
        "missing": "Iron or steel products; Alloys (FeMn, FeCr, FeNi); Sintered Ore; "
        "Direct reduced iron",
        "declared": "Crude steel",
        "declared_absent": "Hydrogen; Pig iron",
    }
    assert "neither declared nor declared absent: Iron or steel products; Alloys" in (
        finding.message_en
    )
    assert "钢铁制品；铁合金（锰铁、铬铁、镍铁）；烧结矿；直接还原铁" in finding.message_zh


def test_nothing_declared_lists_every_relevant_precursor():
    facts = hot_rolled_coil(precursors=(), precursors_declared_absent=())

    [finding] = check("CBAM-COMPLETE-001", facts)

    assert finding.evidence["missing"] == "; ".join(
        category_facts("Iron or steel products").relevant_precursors
    )
    assert finding.evidence["declared"] == ""


def test_a_category_without_relevant_precursors_needs_no_declaration():
    clinker = hot_rolled_coil(
        cn_code="25231000",
        category=category_facts("Cement clinker"),
        benchmark_route="",
        precursors=(),
        precursors_declared_absent=(),
    )

    assert check("CBAM-COMPLETE-001", clinker) == []


def test_a_precursor_declared_and_declared_absent_is_an_error():
    facts = hot_rolled_coil(precursors_declared_absent=("Crude steel", *HRC_ABSENT))

    [finding] = check("CBAM-COMPLETE-002", facts)

    assert (finding.severity, finding.path) == ("error", "precursors_declared_absent")
    assert finding.evidence == {"category": "Crude steel"}
    assert "粗钢既被申报为前体物，又被声明为未使用" in finding.message_zh


def test_two_precursors_of_one_category_count_once():
    bought = precursor(position=1, mass=("0.2", "t/t"), see_source="default_value")
    facts = hot_rolled_coil(precursors=(precursor(mass=("0.825", "t/t")), bought))

    assert check("CBAM-COMPLETE-001", facts) == []


def smelter(route: str, benchmark_route: str):
    return hot_rolled_coil(
        cn_code="76011090",
        category=category_facts("Unwrought aluminium"),
        production_route=route,
        benchmark_route=benchmark_route,
        precursors=(),
        precursors_declared_absent=(),
        electricity=None,
        natural_gas=None,
    )


def test_a_primary_smelter_need_not_declare_other_unwrought_aluminium():
    # The template: "Unwrought aluminium (from other sources; secondary route)".
    assert check("CBAM-COMPLETE-001", smelter("Primary (electrolytic) smelting", "K")) == []


def test_a_secondary_smelter_must_account_for_other_unwrought_aluminium():
    [finding] = check("CBAM-COMPLETE-001", smelter("Secondary melting (recycling)", "L"))

    assert finding.evidence["missing"] == "Unwrought aluminium"
