"""CBAM-PRICE-*: a carbon price paid is deducted only with evidence and verified actual data
(Reg. 2023/956 Art. 9)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from tests.suppliers.validation.facts_builder import check, hot_rolled_coil

CODES = ("CBAM-PRICE-001", "CBAM-PRICE-002", "CBAM-PRICE-003")
CN_ETS = {
    "instrument": "China national carbon emissions trading scheme",
    "amount": "64.5",
    "currency": "CNY",
}


def findings(facts):
    return [f for code in CODES for f in check(code, facts)]


def test_a_price_with_evidence_and_verified_data_is_deductible():
    assert findings(hot_rolled_coil()) == []


def test_no_price_declared_needs_nothing():
    facts = hot_rolled_coil(
        carbon_price_instrument="",
        carbon_price_amount=None,
        carbon_price_currency="",
        evidence_kinds=frozenset(),
        verification_statement_date=None,
    )

    assert findings(facts) == []


def test_a_price_without_evidence_will_not_be_deducted():
    [finding] = findings(hot_rolled_coil(evidence_kinds=frozenset({"verification"})))

    assert (finding.code, finding.severity, finding.path) == (
        "CBAM-PRICE-001",
        "warning",
        "carbon_price",
    )
    assert finding.evidence == CN_ETS
    assert "64.5 CNY/tCO2e) has no evidence attached: it will not be deducted" in (
        finding.message_en
    )
    assert "未附证明材料，将不予抵扣" in finding.message_zh


def test_a_price_on_unverified_data_will_not_be_deducted():
    [finding] = findings(hot_rolled_coil(verification_statement_date=None))

    assert (finding.code, finding.severity, finding.path) == (
        "CBAM-PRICE-002",
        "warning",
        "carbon_price",
    )
    assert finding.evidence == CN_ETS
    assert finding.default_value_required is False


def test_a_price_on_transitional_unverified_data_is_not_questioned():
    facts = hot_rolled_coil(
        verification_statement_date=None,
        period_start=date(2025, 1, 1),
        period_end=date(2025, 12, 31),
    )

    assert findings(facts) == []


def test_an_incomplete_price_names_what_is_missing():
    facts = hot_rolled_coil(carbon_price_amount=None, carbon_price_currency="")

    [finding] = findings(facts)

    assert (finding.code, finding.severity) == ("CBAM-PRICE-003", "warning")
    assert finding.evidence == {
        "instrument": "China national carbon emissions trading scheme",
        "amount": "",
        "currency": "",
        "missing": "amount, currency",
    }
    assert "缺少金额、币种" in finding.message_zh


def test_an_amount_without_an_instrument_is_incomplete():
    facts = hot_rolled_coil(carbon_price_instrument="", carbon_price_amount=Decimal("60"))

    [finding] = findings(facts)

    assert finding.evidence["missing"] == "instrument"
