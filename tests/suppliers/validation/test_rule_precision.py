"""CBAM-PRECISION-*: SEE to at most 5 decimals (rounded half-up and reported), period totals in
whole tonnes (IR 2025/2547 Annex III)."""

from __future__ import annotations

from tests.suppliers.validation.facts_builder import check, hot_rolled_coil, quantity


def test_five_decimals_are_fine():
    facts = hot_rolled_coil(see_as_given={"see_direct": "2.10150", "see_total": "2.3833"})

    assert check("CBAM-PRECISION-001", facts) == []


def test_more_than_five_decimals_are_rounded_and_reported():
    facts = hot_rolled_coil(see_as_given={"see_direct": "2.1015049", "see_indirect": "0.281825"})

    findings = check("CBAM-PRECISION-001", facts)

    assert [(f.severity, f.path, f.evidence) for f in findings] == [
        ("info", "see_direct", {"given": "2.1015049", "rounded": "2.10150", "decimal_places": "7"}),
        (
            "info",
            "see_indirect",
            {"given": "0.281825", "rounded": "0.28183", "decimal_places": "6"},
        ),
    ]
    assert "used as 2.10150" in findings[0].message_en
    assert "按 2.10150 使用" in findings[0].message_zh


def test_trailing_zeros_and_non_numbers_are_not_reported():
    facts = hot_rolled_coil(see_as_given={"see_direct": "2.101500000", "see_total": "n/a"})

    assert check("CBAM-PRECISION-001", facts) == []


def test_whole_tonnes_are_fine():
    assert check("CBAM-PRECISION-002", hot_rolled_coil()) == []


def test_a_total_with_a_fraction_of_a_tonne_is_reported_in_whole_tonnes():
    facts = hot_rolled_coil(
        attributed_direct=quantity("172800500", "kgCO2e"),
        attributed_indirect=quantity("159720.25", "tCO2e"),
        electricity=None,
    )

    findings = check("CBAM-PRECISION-002", facts)

    assert [(f.severity, f.path, f.evidence) for f in findings] == [
        (
            "info",
            "attributed_direct_emissions",
            {"given": "172800500 kgCO2e", "tco2e": "172800.5", "rounded_tco2e": "172801"},
        ),
        (
            "info",
            "attributed_indirect_emissions",
            {"given": "159720.25 tCO2e", "tco2e": "159720.25", "rounded_tco2e": "159720"},
        ),
    ]
    assert "whole tonnes: 172801 tCO2e" in findings[0].message_en
