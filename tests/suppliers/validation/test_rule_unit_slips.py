"""CBAM-UNIT-*: a figure 1000× off its plausible range whose ×1000 or ÷1000 is plausible is an
error naming the unit as entered and the unit it was probably in (t/kg, MWh/kWh, GJ/TJ,
Nm³/1000 Nm³)."""

from __future__ import annotations

import pytest

from suppliers.validation.plausibility import likely_unit
from tests.suppliers.validation.facts_builder import (
    category_facts,
    check,
    hot_rolled_coil,
    precursor,
    quantity,
)

UNIT_CODES = [f"CBAM-UNIT-00{n}" for n in range(1, 7)]


def all_unit_findings(facts):
    return [f for code in UNIT_CODES for f in check(code, facts)]


def primary_aluminium(**overrides):
    values = {
        "cn_code": "76011010",
        "category": category_facts("Unwrought aluminium"),
        "production_route": "Primary (electrolytic) smelting",
        "benchmark_route": "K",
        "activity_level": quantity("400000", "t"),
        "attributed_direct": quantity("688000", "tCO2e"),
        "electricity": quantity("5600", "GWh"),
        "natural_gas": None,
        "precursors": (),
        "precursors_declared_absent": ("Unwrought aluminium",),
    }
    values.update(overrides)
    return hot_rolled_coil(**values)


def test_a_clean_coil_and_a_clean_smelter_have_no_unit_slip():
    assert all_unit_findings(hot_rolled_coil()) == []
    assert all_unit_findings(primary_aluminium()) == []


def test_emissions_in_kg_entered_as_tonnes_are_named():
    facts = hot_rolled_coil(attributed_direct=quantity("172800000", "tCO2e"))

    [finding] = all_unit_findings(facts)

    assert (finding.code, finding.severity, finding.path) == (
        "CBAM-UNIT-001",
        "error",
        "attributed_direct_emissions",
    )
    assert finding.evidence == {
        "attributed_direct_emissions": "172800000 tCO2e",
        "activity_level": "2400000 t",
        "see_direct": "74.0295",  # 72 + 1.025 x 1.98
        "plausible_range": "0.644-17.2",
        "corrected_see_direct": "2.1015",
        "unit_entered": "tCO2e",
        "likely_unit": "kgCO2e",
    }
    assert "is in kgCO2e but was entered as tCO2e" in finding.message_en
    assert "单位可能混淆：排放量实际以 kgCO2e 计，却按 tCO2e 填写。" in finding.message_zh
    assert "74.0295" in finding.message_zh


def test_emissions_in_tonnes_entered_as_kg_are_named():
    # 688 000 tCO2e typed with the unit kgCO2e: 688 t, 0.00172 t/t of aluminium.
    facts = primary_aluminium(attributed_direct=quantity("688000", "kgCO2e"))

    [finding] = all_unit_findings(facts)

    assert (finding.code, finding.path) == ("CBAM-UNIT-001", "attributed_direct_emissions")
    assert finding.evidence["see_direct"] == "0.00172"
    assert finding.evidence["corrected_see_direct"] == "1.72"
    assert finding.evidence["plausible_range"] == "0.711-6"
    assert (finding.evidence["unit_entered"], finding.evidence["likely_unit"]) == (
        "kgCO2e",
        "tCO2e",
    )
    assert "a thousandth of what is plausible" in finding.message_en


def test_an_activity_level_in_tonnes_entered_as_kg_is_named_once():
    facts = hot_rolled_coil(activity_level=quantity("2400000", "kg"))

    [finding] = all_unit_findings(facts)

    assert (finding.code, finding.severity, finding.path) == (
        "CBAM-UNIT-002",
        "error",
        "activity_level",
    )
    assert finding.evidence == {
        "activity_level": "2400000 kg",
        "see_direct": "74.0295",
        "electricity_mwh_per_t": "110",
        "natural_gas_nm3_per_t": "35000",
        "unit_entered": "kg",
        "likely_unit": "t",
    }
    assert "the activity level is in t but was entered as kg" in finding.message_en
    assert "活动水平实际以 t 计，却按 kg 填写" in finding.message_zh


def test_electricity_in_kwh_entered_as_mwh_is_named():
    facts = hot_rolled_coil(electricity=quantity("264000000", "MWh"))

    [finding] = all_unit_findings(facts)

    assert (finding.code, finding.severity, finding.path) == (
        "CBAM-UNIT-003",
        "error",
        "electricity",
    )
    assert finding.evidence == {
        "electricity": "264000000 MWh",
        "activity_level": "2400000 t",
        "electricity_mwh_per_t": "110",
        "plausible_range": "0.005-6",
        "corrected_electricity_mwh_per_t": "0.11",
        "unit_entered": "MWh",
        "likely_unit": "kWh",
    }
    assert "is in kWh but was entered as MWh" in finding.message_en
    assert "电力消耗实际以 kWh 计，却按 MWh 填写" in finding.message_zh


def test_electricity_in_mwh_entered_as_kwh_is_named():
    # A smelter's 5 600 000 MWh typed with the unit kWh: 0.014 MWh/t instead of 14.
    facts = primary_aluminium(electricity=quantity("5600000", "kWh"))

    [finding] = all_unit_findings(facts)

    assert finding.code == "CBAM-UNIT-003"
    assert finding.evidence["electricity_mwh_per_t"] == "0.014"
    assert finding.evidence["plausible_range"] == "1.3-160"
    assert finding.evidence["corrected_electricity_mwh_per_t"] == "14"
    assert (finding.evidence["unit_entered"], finding.evidence["likely_unit"]) == ("kWh", "MWh")


def test_electricity_in_gj_entered_as_tj_is_named():
    # 950 400 GJ (264 000 MWh) typed with the unit TJ.
    facts = hot_rolled_coil(electricity=quantity("950400", "TJ"))

    [finding] = all_unit_findings(facts)

    assert finding.code == "CBAM-UNIT-003"
    assert finding.evidence["electricity_mwh_per_t"] == "110"
    assert (finding.evidence["unit_entered"], finding.evidence["likely_unit"]) == ("TJ", "GJ")
    assert "is in GJ but was entered as TJ" in finding.message_en


def test_natural_gas_in_nm3_entered_as_thousands_is_named():
    facts = hot_rolled_coil(natural_gas=quantity("84000000", "1000Nm3"))

    [finding] = all_unit_findings(facts)

    assert (finding.code, finding.path) == ("CBAM-UNIT-004", "natural_gas")
    assert finding.evidence == {
        "natural_gas": "84000000 1000 Nm³",
        "activity_level": "2400000 t",
        "natural_gas_nm3_per_t": "35000",
        "plausible_range": "1-600",
        "corrected_natural_gas_nm3_per_t": "35",
        "unit_entered": "1000Nm3",
        "likely_unit": "Nm3",
    }
    assert "is in Nm³ but was entered as 1000 Nm³" in finding.message_en


def test_natural_gas_in_thousands_entered_as_nm3_is_named():
    facts = hot_rolled_coil(natural_gas=quantity("84000", "Nm3"))

    [finding] = all_unit_findings(facts)

    assert finding.code == "CBAM-UNIT-004"
    assert finding.evidence["natural_gas_nm3_per_t"] == "0.035"
    assert (finding.evidence["unit_entered"], finding.evidence["likely_unit"]) == (
        "Nm3",
        "1000Nm3",
    )


def test_a_precursor_mass_in_kg_per_tonne_entered_as_t_per_t_is_named():
    facts = hot_rolled_coil(precursors=(precursor(mass=("1025", "t/t")),))

    [finding] = all_unit_findings(facts)

    assert (finding.code, finding.severity, finding.path) == (
        "CBAM-UNIT-005",
        "error",
        "precursors[0].mass_per_t",
    )
    assert finding.evidence == {
        "mass_per_t": "1025 t/t",
        "mass_t_per_t": "1025",
        "plausible_range": "0.09-13",
        "corrected_mass_t_per_t": "1.025",
        "unit_entered": "t/t",
        "likely_unit": "kg/t",
    }
    assert "the mass is in kg/t but was entered as t/t" in finding.message_en
    assert "质量实际以 kg/t 计，却按 t/t 填写" in finding.message_zh


def test_a_precursor_mass_in_t_per_t_entered_as_kg_per_tonne_is_named():
    facts = hot_rolled_coil(precursors=(precursor(mass=("1.025", "kg/t")),))

    [finding] = check("CBAM-UNIT-005", facts)

    assert finding.evidence["mass_t_per_t"] == "0.00103"  # 0.001025 at 5 decimals
    assert finding.evidence["corrected_mass_t_per_t"] == "1.025"
    assert (finding.evidence["unit_entered"], finding.evidence["likely_unit"]) == ("kg/t", "t/t")
    assert "1.025 kg/t (0.00103 t/t) per tonne" in finding.message_en


def test_ferro_alloys_in_kg_per_tonne_are_plausible_and_entered_as_t_per_t_are_not():
    crude = {
        "cn_code": "72071210",
        "category": category_facts("Crude steel"),
        "benchmark_route": "C",
    }
    alloy = precursor(position=1, cn_code="72021120", mass=("12", "kg/t"), see_direct="1.5")
    slab = precursor(cn_code="72011011", mass=("0.9", "t/t"), see_direct="1.9")
    assert check("CBAM-UNIT-005", hot_rolled_coil(precursors=(slab, alloy), **crude)) == []

    slipped = precursor(position=1, cn_code="72021120", mass=("12", "t/t"), see_direct="1.5")
    [finding] = check("CBAM-UNIT-005", hot_rolled_coil(precursors=(slab, slipped), **crude))
    assert finding.path == "precursors[1].mass_per_t"
    assert finding.evidence["corrected_mass_t_per_t"] == "0.012"


def test_an_electricity_factor_in_g_per_kwh_entered_as_kg_per_kwh_is_named():
    facts = hot_rolled_coil(
        electricity_factor=quantity("577.7", "kgCO2/kWh"),
        electricity_factor_source="official_national",
    )

    [finding] = all_unit_findings(facts)

    assert (finding.code, finding.severity, finding.path) == (
        "CBAM-UNIT-006",
        "error",
        "electricity_factor",
    )
    assert finding.evidence == {
        "electricity_factor": "577.7 kgCO2/kWh",
        "tco2_per_mwh": "577.7",
        "plausible_range": "0-1.5",
        "corrected_tco2_per_mwh": "0.5777",
        "unit_entered": "kgCO2/kWh",
        "likely_unit": "gCO2/kWh",
    }


def test_a_figure_far_off_but_not_by_1000_is_no_unit_slip():
    # 200 MWh/t for a smelter is far above 1.3-160, but its ÷1000 (0.2) is implausible too.
    facts = primary_aluminium(electricity=quantity("80000", "GWh"))

    assert check("CBAM-UNIT-003", facts) == []


@pytest.mark.parametrize(
    ("entered", "slip", "likely"),
    [
        ("t", "too_large", "kg"),
        ("kg", "too_small", "t"),
        ("MWh", "too_large", "kWh"),
        ("kWh", "too_small", "MWh"),
        ("TJ", "too_large", "GJ"),
        ("GJ", "too_small", "TJ"),
        ("1000Nm3", "too_large", "Nm3"),
        ("Nm3", "too_small", "1000Nm3"),
        ("kg", "too_large", None),  # grams are not a unit anyone can enter
    ],
)
def test_the_likely_unit_is_the_one_1000_times_off(entered, slip, likely):
    assert likely_unit(entered, slip) == likely
