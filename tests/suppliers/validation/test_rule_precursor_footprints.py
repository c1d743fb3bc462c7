"""CBAM-PRECURSOR-*: a precursor footprint referenced from the platform has a valid signature,
an unrevoked key, is published and current, overlaps the period and is verified."""

from __future__ import annotations

from datetime import UTC, date, datetime

from tests.suppliers.validation.facts_builder import (
    check,
    hot_rolled_coil,
    precursor,
    referenced_footprint,
)

CODES = tuple(f"CBAM-PRECURSOR-00{n}" for n in range(1, 8))
REVOKED = datetime(2027, 1, 20, 9, 30, tzinfo=UTC)


def coil_from(**source_overrides):
    slab = precursor(
        see_source="platform_footprint",
        source=referenced_footprint(**source_overrides),
    )
    return hot_rolled_coil(precursors=(slab,))


def findings(facts):
    return [f for code in CODES for f in check(code, facts)]


def test_a_published_signed_verified_footprint_is_accepted():
    assert findings(coil_from()) == []


def test_precursors_with_other_sources_are_not_checked():
    assert findings(hot_rolled_coil()) == []  # own verified figures


def test_an_invalid_signature_is_an_error_that_forces_the_default_value():
    [finding] = findings(coil_from(signature_valid=False, signature_reason="bad signature"))

    assert (finding.code, finding.severity, finding.path) == (
        "CBAM-PRECURSOR-001",
        "error",
        "precursors[0].source_footprint",
    )
    assert finding.default_value_required is True
    assert finding.evidence == {
        "footprint": "fp-slab-2026",
        "organisation": "hebei-steel",
        "signature_reason": "bad signature",
    }
    assert "签名验证失败：bad signature" in finding.message_zh


def test_a_key_revoked_before_signing_is_reported_once():
    facts = coil_from(signature_valid=False, signature_reason="key revoked", key_revoked_at=REVOKED)

    [finding] = findings(facts)

    assert (finding.code, finding.severity) == ("CBAM-PRECURSOR-002", "error")
    assert finding.default_value_required is True
    assert finding.evidence == {
        "footprint": "fp-slab-2026",
        "organisation": "hebei-steel",
        "key_revoked_at": "2027-01-20T09:30:00+00:00",
    }


def test_a_key_revoked_after_signing_is_a_warning():
    [finding] = findings(coil_from(key_revoked_at=REVOKED, revoked_later=True))

    assert (finding.code, finding.severity) == ("CBAM-PRECURSOR-003", "warning")
    assert finding.default_value_required is False
    assert finding.evidence["key_revoked_at"] == "2027-01-20T09:30:00+00:00"


def test_a_deprecated_footprint_is_a_warning():
    [finding] = findings(coil_from(status="deprecated"))

    assert (finding.code, finding.severity) == ("CBAM-PRECURSOR-004", "warning")
    assert finding.evidence == {
        "footprint": "fp-slab-2026",
        "organisation": "hebei-steel",
        "status": "deprecated",
    }


def test_an_unpublished_or_missing_footprint_forces_the_default_value():
    [draft] = findings(coil_from(status="draft"))
    missing = hot_rolled_coil(precursors=(precursor(see_source="platform_footprint"),))
    [gone] = findings(missing)

    assert (draft.code, draft.severity, draft.default_value_required) == (
        "CBAM-PRECURSOR-005",
        "error",
        True,
    )
    assert draft.evidence == {"footprint": "fp-slab-2026", "status": "draft"}
    assert gone.evidence == {"footprint": "", "status": "missing"}


def test_a_footprint_of_another_period_is_a_warning():
    facts = coil_from(period_start=date(2025, 1, 1), period_end=date(2025, 12, 31))

    [finding] = findings(facts)

    assert (finding.code, finding.severity) == ("CBAM-PRECURSOR-006", "warning")
    assert finding.evidence == {
        "footprint": "fp-slab-2026",
        "organisation": "hebei-steel",
        "source_period": "2025-01-01/2025-12-31",
        "period": "2026-01-01/2026-12-31",
    }


def test_an_unverified_footprint_of_the_definitive_period_forces_the_default_value():
    [finding] = findings(coil_from(verification_statement_date=None))

    assert (finding.code, finding.severity, finding.default_value_required) == (
        "CBAM-PRECURSOR-007",
        "warning",
        True,
    )
    assert finding.evidence["period_end"] == "2026-12-31"


def test_an_unverified_footprint_of_the_transitional_period_is_accepted():
    facts = coil_from(
        verification_statement_date=None,
        period_start=date(2025, 7, 1),
        period_end=date(2025, 12, 31),
    )

    # Only the period mismatch remains.
    assert [f.code for f in findings(facts)] == ["CBAM-PRECURSOR-006"]
