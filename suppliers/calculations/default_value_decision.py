"""The "default value must be used" decision of a footprint (pure).

Reg. 2023/956 Art. 7(2) and Annex IV, IR 2025/2547: embedded emissions are determined from
actual data only when they can be adequately determined and are verified (Art. 8); otherwise
the default values of IR 2025/2621 apply, with their mark-up. The decision lists *every* reason
(the findings marked ``default_value_required``: no verification, invalid signature, revoked
key, expired validity, validation errors, an unverifiable precursor…), the default value that
applies, and what it costs: the CBAM cost per tonne of the good in the year, on the default
value minus on the actual data, from the calculation engine
(``cbam.compute_obligation`` with 1 t).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from cbam import (
    CalculationError,
    ObligationInput,
    PrecursorBenchmarkInput,
    compute_obligation,
)
from cbam.benchmarks import (
    FootprintPrecursorTerm,
    column_b_fallback,
    precursor_benchmark_inputs,
)
from cbam.reference import ReferenceSnapshot
from cbam.rounding import round_money, round_see
from suppliers.validation.types import Finding, FootprintFacts, PrecursorFacts


@dataclass(frozen=True, slots=True)
class DecisionReason:
    code: str
    path: str
    message_en: str
    message_zh: str


@dataclass(frozen=True, slots=True)
class DefaultValueDecision:
    """``actual_data_allowed`` False means a buyer or importer must use the default value.

    Money is EUR per tonne of the good in ``year`` at ``certificate_price_eur``, rounded to
    cents once; ``cost_difference_eur_per_t`` = cost on defaults − cost on actual data (what
    the missing or unusable data costs; negative when the default is cheaper). ``None`` when
    a figure cannot be computed (no default value for the CN code and country, or no SEE),
    with ``note`` saying why.
    """

    actual_data_allowed: bool
    reasons: tuple[DecisionReason, ...]
    year: int
    certificate_price_eur: Decimal
    default_see_direct: Decimal | None
    default_see_indirect: Decimal | None
    default_value_row: str | None
    mark_up: Decimal | None
    cost_actual_eur_per_t: Decimal | None
    cost_default_eur_per_t: Decimal | None
    cost_difference_eur_per_t: Decimal | None
    note: str = ""


def decide(
    *,
    facts: FootprintFacts,
    findings: Iterable[Finding],
    snapshot: ReferenceSnapshot,
    year: int,
    certificate_price_eur: Decimal,
) -> DefaultValueDecision:
    """The decision for ``facts`` given the findings of its latest validation run.

    Reasons: every finding that forces the default value, and every error (a footprint with
    validation errors cannot carry actual data downstream).
    """
    reasons = tuple(
        DecisionReason(f.code, f.path, f.message_en, f.message_zh)
        for f in findings
        if f.default_value_required or f.severity == "error"
    )
    allowed = not reasons
    unit = Decimal(1)

    def obligation_input(**actual: object) -> ObligationInput:
        return ObligationInput(
            year=year,
            cn_code=facts.cn_code,
            country_of_origin=facts.country,
            quantity_t=unit,
            certificate_price_eur=certificate_price_eur,
            production_route=facts.benchmark_route or None,
            **actual,  # type: ignore[arg-type]
        )

    note = ""
    cost_default = cost_actual = None
    default_direct = default_indirect = mark_up = None
    row = None
    try:
        on_defaults = compute_obligation(obligation_input(), snapshot).current
        cost_default = on_defaults.cost_eur
        mark_up = on_defaults.mark_up
        if on_defaults.default_value is not None:
            default_direct = on_defaults.default_value.row.see_direct
            default_indirect = on_defaults.default_value.row.see_indirect
            row = on_defaults.default_value.row.ref
    except CalculationError as exc:
        note = f"no cost on default values: {exc.problems[0].message}"
    if facts.see_direct is not None:
        # Precursors' benchmarks: column A with verified data, else column B; when a column A
        # value cannot be found, column B with a note (``cbam.benchmarks``, IR 2025/2620).
        precursors = _precursor_terms(facts)
        while True:
            try:
                actual = compute_obligation(
                    obligation_input(
                        see_direct=facts.see_direct,
                        see_indirect=facts.see_indirect,
                        verified=facts.verification_statement_date is not None,
                        precursors=precursors,
                    ),
                    snapshot,
                ).current
            except CalculationError as exc:
                fallback = column_b_fallback(precursors, exc)
                if fallback is None:
                    note = f"no cost on actual data: {exc.problems[0].message}"
                    break
                precursors, note = fallback.precursors, fallback.note
                continue
            cost_actual = actual.cost_eur
            break
    difference = (
        cost_default - cost_actual if cost_default is not None and cost_actual is not None else None
    )
    return DefaultValueDecision(
        actual_data_allowed=allowed,
        reasons=reasons,
        year=year,
        certificate_price_eur=certificate_price_eur,
        default_see_direct=round_see(default_direct) if default_direct is not None else None,
        default_see_indirect=round_see(default_indirect) if default_indirect is not None else None,
        default_value_row=row,
        mark_up=mark_up,
        cost_actual_eur_per_t=round_money(cost_actual) if cost_actual is not None else None,
        cost_default_eur_per_t=round_money(cost_default) if cost_default is not None else None,
        cost_difference_eur_per_t=round_money(difference) if difference is not None else None,
        note=note,
    )


def _precursor_terms(facts: FootprintFacts) -> tuple[PrecursorBenchmarkInput, ...]:
    """The benchmark inputs of the footprint's precursors (the engine's rule,
    ``cbam.benchmarks.precursor_benchmark_inputs``, also imported from here by callers)."""
    return precursor_benchmark_inputs(
        (_precursor_term(p) for p in facts.precursors), benchmark_route=facts.benchmark_route
    )


def _precursor_term(precursor: PrecursorFacts) -> FootprintPrecursorTerm:
    source = precursor.source
    return FootprintPrecursorTerm(
        cn_code=precursor.cn_code,
        mass_t_per_t=precursor.mass_t_per_t.value,
        country_of_origin=precursor.country_of_origin,
        see_source=precursor.see_source,
        source_verification_statement_date=(
            source.verification_statement_date if source is not None else None
        ),
    )


def decision_year(today: date) -> int:
    """The year whose obligation the decision prices: the current year, from 2026 on (the
    definitive period starts on 1 January 2026)."""
    return max(today.year, 2026)
