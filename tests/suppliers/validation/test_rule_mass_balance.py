"""CBAM-MASS-*: metal-bearing precursors per tonne of product between the physical minimum and
the documented bound for yield losses (IR 2025/2547 Annex III point B: M_i is the total mass
consumed)."""

from __future__ import annotations

from tests.suppliers.validation.facts_builder import (
    category_facts,
    check,
    hot_rolled_coil,
    precursor,
)


def coil_with_slab(mass: str, **overrides):
    return hot_rolled_coil(precursors=(precursor(mass=(mass, "t/t")),), **overrides)


def test_a_coil_from_1_025_t_of_slab_balances():
    assert check("CBAM-MASS-001", hot_rolled_coil()) == []
    assert check("CBAM-MASS-002", hot_rolled_coil()) == []


def test_less_than_a_tonne_of_steel_per_tonne_of_coil_is_an_error():
    [finding] = check("CBAM-MASS-001", coil_with_slab("0.8"))

    assert (finding.severity, finding.path) == ("error", "precursors")
    assert finding.evidence == {
        "metal_input_t_per_t": "0.8",
        "inputs": "Crude steel 0.8",
        "minimum_t_per_t": "1",
        "maximum_t_per_t": "1.5",
    }
    assert "add up to 0.8 t per tonne of product" in finding.message_en
    assert "每吨钢铁制品至少需要 1 t" in finding.message_zh
    assert finding.default_value_required is False


def test_several_inputs_are_summed():
    bought = precursor(position=1, mass=("0.2", "t/t"), see_source="default_value")
    facts = hot_rolled_coil(precursors=(precursor(mass=("0.82", "t/t")), bought))

    assert check("CBAM-MASS-001", facts) == []  # 1.02


def test_a_steel_product_without_any_steel_input_is_an_error():
    [finding] = check("CBAM-MASS-001", hot_rolled_coil(precursors=()))

    assert finding.evidence["metal_input_t_per_t"] == "0"
    assert finding.evidence["inputs"] == "none"


def test_a_coated_sheet_may_hold_less_steel_than_its_mass():
    galvanised = {"cn_code": "72104900"}  # zinc-coated flat products

    assert check("CBAM-MASS-001", coil_with_slab("0.95", **galvanised)) == []
    [finding] = check("CBAM-MASS-001", coil_with_slab("0.85", **galvanised))
    assert finding.evidence["minimum_t_per_t"] == "0.9"


def test_more_than_the_yield_loss_bound_is_a_warning():
    [finding] = check("CBAM-MASS-002", coil_with_slab("1.6"))

    assert (finding.severity, finding.path) == ("warning", "precursors")
    assert finding.evidence == {
        "metal_input_t_per_t": "1.6",
        "inputs": "Crude steel 1.6",
        "minimum_t_per_t": "1",
        "maximum_t_per_t": "1.5",
    }


def test_articles_may_lose_more_to_stamping_and_machining():
    screws = {"cn_code": "73181558"}

    assert check("CBAM-MASS-002", coil_with_slab("1.6", **screws)) == []
    [finding] = check("CBAM-MASS-002", coil_with_slab("2.1", **screws))
    assert finding.evidence["maximum_t_per_t"] == "2"


def test_crude_steel_from_scrap_needs_no_iron_precursor():
    eaf = hot_rolled_coil(
        cn_code="72071210",
        category=category_facts("Crude steel"),
        production_route="Electric arc furnace",
        benchmark_route="E",
        precursors=(),
    )

    assert check("CBAM-MASS-001", eaf) == []


def test_a_unit_slip_in_a_mass_is_left_to_the_unit_rule():
    facts = coil_with_slab("1025")

    assert check("CBAM-MASS-002", facts) == []
    assert [f.code for f in check("CBAM-UNIT-005", facts)] == ["CBAM-UNIT-005"]


def test_aluminium_products_balance_on_unwrought_aluminium():
    profiles = {
        "cn_code": "76042100",
        "category": category_facts("Aluminium products"),
        "benchmark_route": "K",
    }
    ingot = precursor(cn_code="76012030", mass=("0.7", "t/t"), see_direct="1.72")

    [finding] = check("CBAM-MASS-001", hot_rolled_coil(precursors=(ingot,), **profiles))

    assert finding.evidence["inputs"] == "Unwrought aluminium 0.7"
    assert "铝制品" in finding.message_zh
