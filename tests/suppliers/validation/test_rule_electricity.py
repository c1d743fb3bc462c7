"""CBAM-ELEC-*: the electricity emission factor comes from an accepted source (Reg. 2023/956
Annex IV point 6; IR 2025/2547 Annex III; grid factors IR 2025/2621 Annex II)."""

from __future__ import annotations

from datetime import date

import pytest

from tests.suppliers.validation.facts_builder import check, hot_rolled_coil, quantity

CODES = ("CBAM-ELEC-001", "CBAM-ELEC-002", "CBAM-ELEC-003", "CBAM-ELEC-004")
CN_GRID = {
    "country_default_factor": "0.605",
    "country_default_ref": "electricity-emission-factors-ir2025-2621.csv:6",
}


def findings(facts):
    return [f for code in CODES for f in check(code, facts)]


def factor(value: str, source: str, **overrides):
    return hot_rolled_coil(
        electricity_factor=quantity(value, "tCO2/MWh"),
        electricity_factor_source=source,
        **overrides,
    )


def test_the_country_default_is_accepted():
    assert findings(hot_rolled_coil()) == []
    assert findings(factor("0.605", "country_default")) == []


def test_green_certificates_are_an_error():
    facts = factor("0", "green_certificate")

    [finding] = findings(facts)

    assert (finding.code, finding.severity, finding.path) == (
        "CBAM-ELEC-001",
        "error",
        "electricity_factor_source",
    )
    assert finding.evidence == {
        "electricity_factor_source": "green_certificate",
        "electricity_factor": "0",
        **CN_GRID,
    }
    assert finding.message_en.startswith("Green certificates are not accepted for CBAM")
    assert "CBAM 不接受绿色电力证书（绿证）" in finding.message_zh
    assert "0.605 tCO2/MWh" in finding.message_zh


@pytest.mark.parametrize(
    ("source", "name"),
    [
        ("guarantee_of_origin", "Guarantees of origin"),
        ("Guarantees of Origin", "Guarantees of origin"),
        ("GO", "Guarantees of origin"),
        ("I-REC", "Renewable energy certificates (I-REC)"),
        ("green certificates", "Green certificates"),
    ],
)
def test_every_spelling_of_a_certificate_is_refused(source, name):
    [finding] = findings(factor("0", source))

    assert finding.code == "CBAM-ELEC-001"
    assert finding.message_en.startswith(f"{name} are not accepted")


@pytest.mark.parametrize("source", ["ppa", "direct_link"])
def test_a_ppa_or_direct_link_without_evidence_is_an_error(source):
    [finding] = findings(factor("0.02", source))

    assert (finding.code, finding.severity, finding.path) == (
        "CBAM-ELEC-002",
        "error",
        "electricity_factor_source",
    )
    assert finding.evidence == {
        "electricity_factor_source": source,
        "evidence_kinds": "carbon_price; verification",
        **CN_GRID,
    }


def test_a_ppa_with_evidence_is_accepted():
    facts = factor(
        "0.02", "ppa", evidence_kinds=frozenset({"electricity", "carbon_price", "verification"})
    )

    assert findings(facts) == []


def test_the_2023_chinese_factor_in_2026_is_outdated():
    [finding] = findings(factor("0.6205", "official_national"))

    assert (finding.code, finding.severity, finding.path) == (
        "CBAM-ELEC-003",
        "warning",
        "electricity_factor",
    )
    assert finding.evidence == {
        "electricity_factor": "0.6205",
        "data_year": "2023",
        "current_factor": "0.5777",
        "current_data_year": "2024",
    }
    assert "已有更新的数值：0.5777 tCO2/MWh（2024 年）" in finding.message_zh


def test_the_current_chinese_factor_is_accepted_and_rounding_is_tolerated():
    assert findings(factor("0.5777", "official_national")) == []
    assert findings(factor("0.578", "official_national")) == []  # within 0.0005


def test_the_2023_factor_for_a_2023_period_is_current():
    facts = factor(
        "0.6205",
        "official_national",
        period_start=date(2023, 10, 1),
        period_end=date(2023, 12, 31),
    )

    assert findings(facts) == []


def test_an_unknown_national_factor_is_unofficial():
    [finding] = findings(
        factor("0.42", "official_national", electricity_factor_reference="Shandong 2024")
    )

    assert (finding.code, finding.severity, finding.path) == (
        "CBAM-ELEC-004",
        "warning",
        "electricity_factor",
    )
    assert finding.evidence == {
        "electricity_factor": "0.42",
        "electricity_factor_source": "official_national",
        "electricity_factor_reference": "Shandong 2024",
        **CN_GRID,
        "official_factors": "2023: 0.6205; 2024: 0.5777",
    }
    assert "it is not an official national factor known for CN (2023: 0.6205; 2024: 0.5777)" in (
        finding.message_en
    )


def test_a_country_default_that_is_not_the_annex_value_is_unofficial():
    [finding] = findings(factor("0.5", "country_default"))

    assert finding.code == "CBAM-ELEC-004"
    assert "it is given as the country default, but that is 0.605 tCO2/MWh" in finding.message_en


def test_a_factor_without_a_source_is_unofficial():
    [finding] = findings(factor("0.5", ""))

    assert finding.code == "CBAM-ELEC-004"
    assert "no accepted source is given for it" in finding.message_en


def test_a_factor_1000_times_too_large_is_left_to_the_unit_rule():
    facts = hot_rolled_coil(
        electricity_factor=quantity("577.7", "kgCO2/kWh"),
        electricity_factor_source="official_national",
    )

    assert findings(facts) == []
