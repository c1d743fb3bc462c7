"""CBAM-PLAUS-*: direct SEE within the range derived from the default values (IR 2025/2621
Annex I) and the column-B benchmarks (IR 2025/2620), re-derived here from the shipped CSV."""

from __future__ import annotations

from decimal import ROUND_DOWN, ROUND_UP, Decimal

import pytest

from suppliers.validation.plausibility import SEE_DIRECT_RANGES, SeeRange, row_for_route
from tests.suppliers.validation.facts_builder import (
    category_facts,
    check,
    hot_rolled_coil,
    precursor,
    quantity,
    reference_snapshot,
)


def test_a_clean_coil_is_plausible():
    assert check("CBAM-PLAUS-001", hot_rolled_coil()) == []
    assert check("CBAM-PLAUS-002", hot_rolled_coil()) == []


def test_a_coil_without_its_slab_is_below_the_bf_bof_range():
    # Only the reheating furnace (0.072 t/t): the crude steel is missing.
    facts = hot_rolled_coil(precursors=())

    [finding] = check("CBAM-PLAUS-001", facts)

    assert (finding.severity, finding.path) == ("warning", "see_direct")
    assert finding.evidence == {
        "see_direct": "0.072",
        "plausible_range": "0.644-17.2",
        "range_for": "Iron or steel products, route C",
    }
    assert "below it" in finding.message_en
    assert "低于该范围" in finding.message_zh


def test_the_same_coil_from_scrap_eaf_is_plausible():
    # Route E (scrap EAF): column B benchmark 0.027 -> low 0.013.
    facts = hot_rolled_coil(precursors=(), benchmark_route="E")

    assert check("CBAM-PLAUS-001", facts) == []


def test_a_see_above_the_range_not_explained_by_a_unit_slip_is_a_warning():
    slab = precursor(see_direct="19")
    facts = hot_rolled_coil(precursors=(slab,))

    [finding] = check("CBAM-PLAUS-001", facts)

    # 0.072 + 1.025 x 19 = 19.547
    assert finding.evidence == {
        "see_direct": "19.547",
        "plausible_range": "0.644-17.2",
        "range_for": "Iron or steel products, route C",
    }
    assert "above it" in finding.message_en


def test_a_unit_slip_is_left_to_the_unit_rule():
    facts = hot_rolled_coil(attributed_direct=quantity("172800000", "tCO2e"))

    assert check("CBAM-PLAUS-001", facts) == []
    assert [f.code for f in check("CBAM-UNIT-001", facts)] == ["CBAM-UNIT-001"]


def test_a_precursor_see_outside_its_category_range_is_a_warning():
    facts = hot_rolled_coil(precursors=(precursor(see_direct="19"),))

    [finding] = check("CBAM-PLAUS-002", facts)

    assert (finding.severity, finding.path) == ("warning", "precursors[0].see_direct")
    assert finding.evidence == {
        "see_direct": "19",
        "plausible_range": "0.013-14.7",
        "range_for": "Crude steel",
    }


def test_a_precursor_on_the_default_value_is_not_checked():
    default = precursor(see_source="default_value", see_direct="19")

    assert check("CBAM-PLAUS-002", hot_rolled_coil(precursors=(default,))) == []


def test_routes_pick_their_row_then_fall_back_to_any_route():
    def low(category: str, production_route: str = "", benchmark_route: str = "") -> Decimal:
        row = row_for_route(SEE_DIRECT_RANGES, category, production_route, benchmark_route)
        assert row is not None
        return row.see_direct.low

    assert low("Crude steel", "Basic oxygen steelmaking") == Decimal("0.644")
    assert low("Crude steel", "Electric arc furnace", "C") == Decimal("0.013")  # name first
    assert low("Crude steel", "", "C/F") == Decimal("0.644")
    assert low("Crude steel") == Decimal("0.013")
    assert low("Unwrought aluminium", "Primary (electrolytic) smelting") == Decimal("0.711")
    assert low("Hydrogen", "Electrolysis of water") == Decimal("0")
    assert row_for_route(SEE_DIRECT_RANGES, "Electricity (export to EU)") is None


def _derived(row: SeeRange) -> tuple[Decimal, Decimal]:
    """low = ½ × min column B, high = 2 × max direct default (or 10 × max column B)."""
    snapshot = reference_snapshot()
    codes = [cn for cn, cat in snapshot.category_by_cn.items() if cat == row.category]

    def wanted(route: str) -> bool:
        return not row.qualifiers or route in row.qualifiers

    column_b = [
        b.value_tco2e_per_t
        for cn in codes
        for b in snapshot.benchmark_rows(cn)
        if b.column == "B" and wanted(b.qualifier)
    ]
    defaults = [d for d in snapshot.default_values if any(cn.startswith(d.cn_code) for cn in codes)]
    on_route = [d.see_direct for d in defaults if wanted(d.production_route)]
    every = [d.see_direct for d in defaults]
    low = (min(column_b) / 2).quantize(Decimal("0.001"), rounding=ROUND_DOWN)
    if row.basis == "defaults":
        high = 2 * max(on_route or every)
    else:
        assert every == []  # a basis of benchmarks only where the annex copy has no default
        high = 10 * max(column_b)
    return low, high.quantize(Decimal("0.1"), rounding=ROUND_UP)


@pytest.mark.parametrize("row", SEE_DIRECT_RANGES, ids=lambda r: f"{r.category}|{r.routes}")
def test_every_see_range_follows_its_documented_derivation(row):
    low, high = _derived(row)

    if row.note:  # hydrogen from electrolysis: no direct emissions of its own
        assert row.see_direct.low == 0
    else:
        assert row.see_direct.low == low
    assert row.see_direct.high == high


def test_every_category_with_a_benchmark_has_a_range_for_any_route():
    categories = set(reference_snapshot().category_by_cn.values()) - {"Electricity (export to EU)"}

    for category in categories:
        assert row_for_route(SEE_DIRECT_RANGES, category) is not None, category
        assert category_facts(category).name == category
