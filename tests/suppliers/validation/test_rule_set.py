"""All rules together: a clean, verified hot-rolled coil passes without a finding; a submission
with a unit slip, a green certificate and no verification comes back with exactly those three
(two errors and the "default value must be used" flag)."""

from __future__ import annotations

import pytest

from tests.suppliers.validation.facts_builder import (
    check_all,
    hot_rolled_coil,
    precursor,
    quantity,
)

UNVERIFIED_WITH_GREEN_CERTIFICATE = {
    "electricity_factor": quantity("0", "tCO2/MWh"),
    "electricity_factor_source": "green_certificate",
    "verification_statement_date": None,
    "verifier_name": "",
    "verifier_organisation_slug": None,
    "verifier_confirmed": False,
}


def blocking(findings):
    """What matters for the outcome: errors and findings that force the default value."""
    return sorted(
        (f.code, f.severity, f.path, f.default_value_required)
        for f in findings
        if f.severity == "error" or f.default_value_required
    )


def test_a_clean_verified_hot_rolled_coil_has_no_finding_at_all():
    assert check_all(hot_rolled_coil()) == []


def test_the_demo_style_unverified_coil_only_carries_the_default_value_flag():
    facts = hot_rolled_coil(verification_statement_date=None, verifier_organisation_slug=None)

    assert blocking(check_all(facts)) == [
        ("CBAM-VERIFY-001", "warning", "verification", True),
    ]


@pytest.mark.parametrize(
    ("slip", "finding"),
    [
        (
            {"electricity": quantity("264000000", "MWh")},
            ("CBAM-UNIT-003", "error", "electricity", False),
        ),
        (
            {"attributed_direct": quantity("172800000", "tCO2e")},
            ("CBAM-UNIT-001", "error", "attributed_direct_emissions", False),
        ),
        (
            {"activity_level": quantity("2400000", "kg")},
            ("CBAM-UNIT-002", "error", "activity_level", False),
        ),
        (
            {"natural_gas": quantity("84000000", "1000Nm3")},
            ("CBAM-UNIT-004", "error", "natural_gas", False),
        ),
        (
            {"precursors": (precursor(mass=("1025", "t/t")),)},
            ("CBAM-UNIT-005", "error", "precursors[0].mass_per_t", False),
        ),
    ],
    ids=["electricity", "emissions", "activity-level", "natural-gas", "precursor-mass"],
)
def test_a_unit_slip_a_green_certificate_and_no_verification_give_exactly_those_three(
    slip, finding
):
    facts = hot_rolled_coil(**UNVERIFIED_WITH_GREEN_CERTIFICATE, **slip)

    findings = check_all(facts)

    assert blocking(findings) == sorted(
        [
            finding,
            ("CBAM-ELEC-001", "error", "electricity_factor_source", False),
            ("CBAM-VERIFY-001", "warning", "verification", True),
        ]
    )
    # Exactly one "default value must be used" flag.
    assert [f.code for f in findings if f.default_value_required] == ["CBAM-VERIFY-001"]


def test_the_three_findings_speak_english_and_chinese():
    facts = hot_rolled_coil(
        **UNVERIFIED_WITH_GREEN_CERTIFICATE, electricity=quantity("264000000", "MWh")
    )

    by_code = {f.code: f for f in check_all(facts)}

    assert (
        "Likely unit mix-up: the electricity figure is in kWh"
        in by_code["CBAM-UNIT-003"].message_en
    )
    assert "单位可能混淆" in by_code["CBAM-UNIT-003"].message_zh
    assert "Green certificates are not accepted" in by_code["CBAM-ELEC-001"].message_en
    assert "绿色电力证书" in by_code["CBAM-ELEC-001"].message_zh
    assert "核查声明" in by_code["CBAM-VERIFY-001"].message_zh


def test_findings_come_in_a_stable_order():
    facts = hot_rolled_coil(
        **UNVERIFIED_WITH_GREEN_CERTIFICATE, electricity=quantity("264000000", "MWh")
    )

    assert [f.code for f in check_all(facts)] == [
        "CBAM-ELEC-001",
        "CBAM-PRICE-002",
        "CBAM-UNIT-003",
        "CBAM-VERIFY-001",
    ]
