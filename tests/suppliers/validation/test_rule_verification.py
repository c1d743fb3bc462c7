"""CBAM-VERIFY-*: actual values of the definitive period need a verification statement that
can cover the period, from a named verifier (Reg. 2023/956 Art. 8 and Annex VI); without one
the default value must be used (a warning with ``default_value_required``)."""

from __future__ import annotations

from datetime import date

from tests.suppliers.validation.facts_builder import check, hot_rolled_coil

CODES = tuple(f"CBAM-VERIFY-00{n}" for n in range(1, 7))
UNVERIFIED = {
    "verification_statement_date": None,
    "verifier_name": "",
    "verifier_organisation_slug": None,
    "verifier_confirmed": False,
}


def findings(facts, today=date(2027, 3, 1)):
    return [f for code in CODES for f in check(code, facts, today=today)]


def test_a_confirmed_statement_after_the_period_is_enough():
    assert findings(hot_rolled_coil()) == []


def test_no_statement_in_the_definitive_period_forces_the_default_value():
    [finding] = findings(hot_rolled_coil(**UNVERIFIED))

    assert (finding.code, finding.severity, finding.path) == (
        "CBAM-VERIFY-001",
        "warning",
        "verification",
    )
    assert finding.default_value_required is True
    assert finding.evidence == {"period_end": "2026-12-31", "statement_date": ""}
    assert "buyers must use the default value" in finding.message_en
    assert "买方必须采用默认值" in finding.message_zh


def test_the_transitional_period_needs_no_statement():
    facts = hot_rolled_coil(
        period_start=date(2025, 7, 1), period_end=date(2025, 9, 30), **UNVERIFIED
    )

    assert findings(facts) == []


def test_a_period_reaching_into_2026_needs_one():
    facts = hot_rolled_coil(
        period_start=date(2025, 7, 1), period_end=date(2026, 6, 30), **UNVERIFIED
    )

    assert [f.code for f in findings(facts)] == ["CBAM-VERIFY-001"]


def test_a_statement_dated_before_the_period_cannot_cover_it():
    [finding] = findings(hot_rolled_coil(verification_statement_date=date(2025, 11, 30)))

    assert (finding.code, finding.severity, finding.path) == (
        "CBAM-VERIFY-002",
        "warning",
        "verification.statement_date",
    )
    assert finding.default_value_required is True
    assert finding.evidence == {
        "statement_date": "2025-11-30",
        "period_start": "2026-01-01",
        "period_end": "2026-12-31",
        "today": "2027-03-01",
    }
    assert "it is dated before the period started (2026-01-01)" in finding.message_en


def test_a_statement_dated_in_the_future_cannot_cover_it():
    [finding] = findings(hot_rolled_coil(verification_statement_date=date(2027, 4, 1)))

    assert finding.code == "CBAM-VERIFY-002"
    assert "it is dated in the future (today is 2027-03-01)" in finding.message_en


def test_a_statement_without_a_verifier_forces_the_default_value():
    facts = hot_rolled_coil(verifier_name="  ", verifier_organisation_slug=None)

    [finding] = findings(facts)

    assert (finding.code, finding.path, finding.default_value_required) == (
        "CBAM-VERIFY-003",
        "verification.verifier_name",
        True,
    )
    assert finding.evidence == {"statement_date": "2027-02-15"}


def test_an_external_verifier_named_by_name_is_enough():
    facts = hot_rolled_coil(verifier_organisation_slug=None, verifier_confirmed=False)

    assert findings(facts) == []


def test_a_statement_issued_within_the_period_is_pointed_out():
    [finding] = findings(hot_rolled_coil(verification_statement_date=date(2026, 11, 13)))

    assert (finding.code, finding.severity, finding.path) == (
        "CBAM-VERIFY-004",
        "info",
        "verification.statement_date",
    )
    assert finding.default_value_required is False
    assert finding.evidence == {"statement_date": "2026-11-13", "period_end": "2026-12-31"}


def test_a_platform_verifier_that_has_not_confirmed_is_pointed_out():
    [finding] = findings(hot_rolled_coil(verifier_confirmed=False))

    assert (finding.code, finding.severity, finding.path) == (
        "CBAM-VERIFY-005",
        "info",
        "verification",
    )
    assert finding.evidence == {"verifier_organisation": "nordic-verification"}


def test_a_declined_verification_forces_the_default_value_and_nothing_else_is_said():
    [finding] = findings(hot_rolled_coil(verifier_confirmed=False, verifier_declined=True))

    assert (finding.code, finding.severity, finding.path) == (
        "CBAM-VERIFY-006",
        "warning",
        "verification",
    )
    assert finding.default_value_required is True
    assert finding.evidence == {"verifier_organisation": "nordic-verification"}
    assert finding.message_en == (
        "The verifier nordic-verification declined to confirm the verification statement on the "
        "platform: buyers must use the default value until a new submission is confirmed."
    )
    assert finding.message_zh == (
        "核查机构 nordic-verification 在平台上不予确认该核查声明：在新提交的版本获得确认之前，"
        "买方必须采用默认值。"
    )


def test_a_declined_verification_in_the_transitional_period_is_not_needed_anyway():
    facts = hot_rolled_coil(
        period_start=date(2025, 1, 1),
        period_end=date(2025, 12, 31),
        verifier_confirmed=False,
        verifier_declined=True,
    )

    assert findings(facts, today=date(2026, 3, 1)) == []
