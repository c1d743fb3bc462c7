"""CBAM-DEFAULT-*: actual SEE against the default value for the CN code and country of origin
(IR 2025/2621 Annex I, year of the period end, with its mark-up)."""

from __future__ import annotations

from datetime import date

from tests.suppliers.validation.facts_builder import (
    category_facts,
    check,
    hot_rolled_coil,
    precursor,
    quantity,
)

CODES = ("CBAM-DEFAULT-001", "CBAM-DEFAULT-002", "CBAM-DEFAULT-003")

#: 7208 from China: 3.186892655 tCO2e/t (line 35), route C; +10 % in 2026.
CN_DEFAULT = {
    "default_value": "3.18689",
    "default_value_ref": "default-values-ir2025-2621.csv:35",
    "default_value_country": "CN",
    "year": "2026",
    "mark_up": "0.1",
    "default_with_mark_up": "3.50558",
}


def coil_with_slab_see(see_direct: str, **overrides):
    return hot_rolled_coil(precursors=(precursor(see_direct=see_direct),), **overrides)


def findings(facts):
    return [f for code in CODES for f in check(code, facts)]


def test_a_clean_coil_at_two_thirds_of_the_default_gives_nothing():
    # 2.1015 / 3.18689 = 66 %.
    assert findings(hot_rolled_coil()) == []


def test_an_actual_see_under_30_percent_of_the_default_asks_for_evidence():
    facts = coil_with_slab_see("0.7")  # 0.072 + 1.025 x 0.7 = 0.7895

    [finding] = findings(facts)

    assert (finding.code, finding.severity, finding.path) == (
        "CBAM-DEFAULT-001",
        "warning",
        "see_direct",
    )
    assert finding.evidence == {
        "see_direct": "0.7895",
        **CN_DEFAULT,
        "share_of_default_pct": "24.8",
        "threshold_pct": "30",
    }
    assert "is 24.8 % of the default value 3.18689 tCO2e/t for CN 72083900 from CN" in (
        finding.message_en
    )
    assert "默认值 3.18689 tCO2e/t 的 24.8%" in finding.message_zh
    assert finding.default_value_required is False


def test_an_actual_see_just_above_30_percent_is_not_questioned():
    assert findings(coil_with_slab_see("0.87")) == []  # 0.96375 = 30.2 %


def test_an_implausible_see_is_left_to_the_plausibility_rules():
    assert findings(hot_rolled_coil(precursors=())) == []  # 0.072: CBAM-PLAUS-001


def test_above_the_default_but_below_it_with_mark_up_is_a_small_margin():
    facts = coil_with_slab_see("3.2")  # 3.352

    [finding] = findings(facts)

    assert (finding.code, finding.severity, finding.path) == (
        "CBAM-DEFAULT-002",
        "info",
        "see_direct",
    )
    assert finding.evidence == {"see_direct": "3.352", **CN_DEFAULT}
    assert "the default value still costs more" in finding.message_en
    assert "默认值仍然更高" in finding.message_zh


def test_above_the_default_with_mark_up_the_default_would_be_cheaper():
    facts = coil_with_slab_see("3.5")  # 3.6595 > 3.50558

    [finding] = findings(facts)

    assert finding.code == "CBAM-DEFAULT-002"
    assert finding.evidence["see_direct"] == "3.6595"
    assert "even with the 2026 mark-up of 10 % (3.50558 tCO2e/t) the default value would be" in (
        finding.message_en
    )
    assert "采用默认值对买方也更便宜" in finding.message_zh


def test_without_a_mark_up_above_the_default_is_cheaper_on_defaults():
    facts = coil_with_slab_see("3.2", period_start=date(2025, 1, 1), period_end=date(2025, 12, 31))

    [finding] = findings(facts)

    assert finding.evidence["year"] == "2025"
    assert (finding.evidence["mark_up"], finding.evidence["default_with_mark_up"]) == (
        "0",
        "3.18689",
    )
    assert "with no mark-up in 2025, the default value would be cheaper" in finding.message_en


def test_a_country_without_its_own_value_compares_with_other_countries():
    facts = coil_with_slab_see("0.9", country="BR")  # 0.9945 / 4.04869 = 24.6 %

    [finding] = findings(facts)

    assert finding.code == "CBAM-DEFAULT-001"
    assert finding.evidence["default_value"] == "4.04869"
    assert finding.evidence["default_value_country"] == "OTHER"
    assert finding.evidence["default_value_ref"] == "default-values-ir2025-2621.csv:1771"
    assert "CN 72083900 from BR (Other countries)" in finding.message_en


def test_an_exempt_origin_is_not_compared():
    assert findings(coil_with_slab_see("0.7", country="DE")) == []


def test_no_default_value_is_reported_as_info():
    cement = hot_rolled_coil(
        cn_code="25232900",
        category=category_facts("Cement"),
        benchmark_route="",
        precursors=(),
        precursors_declared_absent=("Cement clinker", "Calcined clays"),
        activity_level=quantity("1000000", "t"),
        attributed_direct=quantity("600000", "tCO2e"),
    )

    [finding] = findings(cement)

    assert (finding.code, finding.severity, finding.path) == (
        "CBAM-DEFAULT-003",
        "info",
        "product.cn_code",
    )
    assert finding.evidence == {"cn_code": "25232900", "country": "CN"}
