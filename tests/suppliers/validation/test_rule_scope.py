"""CBAM-SCOPE-*: the CN code is a CBAM good, the route fits its category, precursors are
relevant precursors of the category (Reg. 2023/956 Annex I; IR 2025/2547)."""

from __future__ import annotations

from tests.suppliers.validation.facts_builder import (
    category_facts,
    check,
    hot_rolled_coil,
    precursor,
)


def crude_steel(**overrides):
    values = {
        "cn_code": "72071210",
        "category": category_facts("Crude steel"),
        "production_route": "Basic oxygen steelmaking",
        "benchmark_route": "C",
        "precursors": (),
        "precursors_declared_absent": (),
    }
    values.update(overrides)
    return hot_rolled_coil(**values)


def test_a_hot_rolled_coil_is_a_cbam_good():
    assert check("CBAM-SCOPE-001", hot_rolled_coil()) == []


def test_a_cn_code_outside_annex_i_is_an_error():
    # 7325 10 00: cast articles of non-malleable cast iron, not in Annex I.
    facts = hot_rolled_coil(cn_code="73251000", category=None)

    [finding] = check("CBAM-SCOPE-001", facts)

    assert (finding.severity, finding.path) == ("error", "product.cn_code")
    assert finding.evidence == {"cn_code": "73251000"}
    assert "CN code 73251000 is not a CBAM good" in finding.message_en
    assert "CN 编码 73251000 不属于 CBAM 货物" in finding.message_zh
    assert finding.default_value_required is False


def test_a_route_of_the_category_passes():
    assert check("CBAM-SCOPE-002", crude_steel()) == []
    assert check("CBAM-SCOPE-002", crude_steel(production_route="Electric arc furnace")) == []


def test_a_route_outside_the_category_is_an_error():
    facts = crude_steel(production_route="Hot rolling")

    [finding] = check("CBAM-SCOPE-002", facts)

    assert (finding.severity, finding.path) == ("error", "product.production_route")
    assert finding.evidence == {
        "production_route": "Hot rolling",
        "category": "Crude steel",
        "routes": "Basic oxygen steelmaking | Electric arc furnace",
    }
    assert "expected one of: Basic oxygen steelmaking | Electric arc furnace" in finding.message_en
    assert "粗钢" in finding.message_zh


def test_any_route_fits_a_category_made_by_all_routes():
    # Iron or steel products: "All production routes".
    assert check("CBAM-SCOPE-002", hot_rolled_coil(production_route="Hot rolling")) == []


def test_relevant_precursors_pass():
    assert check("CBAM-SCOPE-003", hot_rolled_coil()) == []


def test_a_precursor_that_is_not_relevant_to_the_category_is_an_error():
    # Unwrought aluminium (7601 20 30) is no precursor of a steel product.
    aluminium = precursor(position=1, cn_code="76012030", mass=("0.01", "t/t"), see_direct="8")
    facts = hot_rolled_coil(precursors=(precursor(), aluminium))

    [finding] = check("CBAM-SCOPE-003", facts)

    assert (finding.severity, finding.path) == ("error", "precursors[1].cn_code")
    assert finding.evidence == {
        "cn_code": "76012030",
        "precursor_category": "Unwrought aluminium",
        "relevant_precursors": "Crude steel; Iron or steel products; Pig iron; "
        "Alloys (FeMn, FeCr, FeNi); Sintered Ore; Direct reduced iron; Hydrogen",
    }
    assert "is not a relevant precursor of Iron or steel products" in finding.message_en
    assert "不是钢铁制品的相关前体物" in finding.message_zh


def test_a_precursor_outside_cbam_is_an_error():
    coke = precursor(position=1, cn_code="27040010", mass=("0.4", "t/t"), see_direct="0.5")
    facts = hot_rolled_coil(precursors=(precursor(), coke))

    [finding] = check("CBAM-SCOPE-003", facts)

    assert (finding.path, finding.evidence["precursor_category"]) == ("precursors[1].cn_code", "")
    assert finding.message_en.startswith("CN 27040010 is not a CBAM good")


def test_a_route_relevant_category_without_a_route_is_a_warning():
    facts = crude_steel(production_route="", benchmark_route="")

    [finding] = check("CBAM-SCOPE-004", facts)

    assert (finding.severity, finding.path) == ("warning", "product.production_route")
    assert finding.evidence == {
        "category": "Crude steel",
        "routes": "Basic oxygen steelmaking | Electric arc furnace",
    }


def test_a_benchmark_route_is_enough_and_other_categories_need_none():
    assert check("CBAM-SCOPE-004", crude_steel(production_route="", benchmark_route="D")) == []
    assert check("CBAM-SCOPE-004", hot_rolled_coil(benchmark_route="")) == []
