"""The "default value must be used" decision: reasons from the findings, the default value that
applies, and the euro cost per tonne of using it (from the calculation engine)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from suppliers.calculations.default_value_decision import (
    FootprintPrecursorTerm,
    decide,
    decision_year,
    precursor_benchmark_inputs,
)
from tests.suppliers.validation.facts_builder import (
    check_all,
    hot_rolled_coil,
    quantity,
    reference_snapshot,
)

PRICE = Decimal("75")


def _decide(facts, year=2027):
    return decide(
        facts=facts,
        findings=check_all(facts),
        snapshot=reference_snapshot(),
        year=year,
        certificate_price_eur=PRICE,
    )


def test_clean_verified_data_may_be_used_and_the_saving_is_priced():
    decision = _decide(hot_rolled_coil())

    assert decision.actual_data_allowed is True
    assert decision.reasons == ()
    # Default value CN 7208 39 00, China: 3.186892655 (IR 2025/2621 Annex I), 2027 mark-up 20 %.
    assert decision.default_see_direct == Decimal("3.18689")
    assert decision.mark_up == Decimal("0.20")
    # On defaults: (3.186892655 x 1.20 - 0.95 x 1.370 [column B, route C]) x 75 = 189.2078
    assert decision.cost_default_eur_per_t == Decimal("189.21")
    # Actual, verified: (2.1015 - 0.95 x (0.044 [A] + 1.025 t slab x 0.188 [A, 7207 12 10 C])) x 75
    #                 = (2.1015 - 0.224865) x 75 = 140.747625
    assert decision.cost_actual_eur_per_t == Decimal("140.75")
    assert decision.cost_difference_eur_per_t == Decimal("48.46")
    assert decision.note == ""


def test_no_verification_forces_the_default_and_says_what_it_costs():
    decision = _decide(hot_rolled_coil(verification_statement_date=None))

    assert decision.actual_data_allowed is False
    assert [r.code for r in decision.reasons] == ["CBAM-VERIFY-001"]
    assert decision.reasons[0].message_zh != ""
    assert decision.cost_difference_eur_per_t == Decimal("48.46")


def test_the_done_when_case_unit_slip_green_certificate_and_no_verification():
    facts = hot_rolled_coil(
        verification_statement_date=None,
        electricity_factor_source="green_certificate",
        # 264,000 MWh typed as 264,000,000 "MWh" (the kWh figure): a 1000x slip.
        electricity=quantity("264000000", "MWh"),
    )

    decision = _decide(facts)

    assert decision.actual_data_allowed is False
    assert [r.code for r in decision.reasons] == [
        "CBAM-ELEC-001",
        "CBAM-UNIT-003",
        "CBAM-VERIFY-001",
    ]
    assert decision.cost_default_eur_per_t == Decimal("189.21")


def test_the_year_priced_is_never_before_the_definitive_period():
    from datetime import date

    assert decision_year(date(2025, 12, 31)) == 2026
    assert decision_year(date(2027, 3, 1)) == 2027


def test_the_benchmark_inputs_of_a_footprints_precursors_are_one_rule():
    """``precursor_benchmark_inputs``: what the decision, the declarations and the BOMs give the
    engine for a footprint's precursors."""

    def term(see_source: str, verified_on: date | None = None) -> FootprintPrecursorTerm:
        return FootprintPrecursorTerm(
            cn_code="72071114",
            mass_t_per_t=Decimal("1.025"),
            country_of_origin="CN",
            see_source=see_source,
            source_verification_statement_date=verified_on,
        )

    terms = (
        term("own_verified"),
        term("platform_footprint", date(2026, 3, 1)),
        term("platform_footprint"),
        term("default_value"),
    )
    found = precursor_benchmark_inputs(terms, benchmark_route="C")
    # Column A: the producer's own verified precursor (on its route) and a platform footprint
    # with a verification statement (route unknown); column B otherwise.
    assert [(p.verified, p.production_route) for p in found] == [
        (True, "C"),
        (True, None),
        (False, None),
        (False, None),
    ]
    assert {p.mass_t_per_t for p in found} == {Decimal("1.025")}
    fallback = precursor_benchmark_inputs(terms, benchmark_route="C", verified=False)
    assert [(p.verified, p.production_route) for p in fallback] == [(False, None)] * 4
