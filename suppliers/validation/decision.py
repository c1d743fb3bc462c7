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
        # Precursors' shares of the free allocation use column A with verified data; when a
        # column A value cannot be found (its route is unknown), fall back to column B, the
        # conservative figure, and say so.
        for precursors_verified in (True, False):
            try:
                actual = compute_obligation(
                    obligation_input(
                        see_direct=facts.see_direct,
                        see_indirect=facts.see_indirect,
                        verified=facts.verification_statement_date is not None,
                        precursors=_precursor_terms(facts, verified=precursors_verified),
                    ),
                    snapshot,
                ).current
            except CalculationError as exc:
                if precursors_verified:
                    note = f"precursor benchmarks from column B: {exc.problems[0].message}"
                    continue
                note = f"no cost on actual data: {exc.problems[0].message}"
                break
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


@dataclass(frozen=True, slots=True)
class FootprintPrecursorTerm:
    """What the benchmark input of one of a footprint's precursors depends on: from
    :class:`PrecursorFacts` (:meth:`from_facts`) or a ``FootprintPrecursor`` row with its
    source footprint's verification statement date (``source_verification_statement_date``)."""

    cn_code: str
    mass_t_per_t: Decimal
    country_of_origin: str
    see_source: str  # platform_footprint / default_value / own_verified
    source_verification_statement_date: date | None = None

    @classmethod
    def from_facts(cls, precursor: PrecursorFacts) -> FootprintPrecursorTerm:
        source = precursor.source
        return cls(
            cn_code=precursor.cn_code,
            mass_t_per_t=precursor.mass_t_per_t.value,
            country_of_origin=precursor.country_of_origin,
            see_source=precursor.see_source,
            source_verification_statement_date=(
                source.verification_statement_date if source is not None else None
            ),
        )


def precursor_benchmark_inputs(
    precursors: Iterable[FootprintPrecursorTerm],
    *,
    benchmark_route: str | None,
    verified: bool = True,
) -> tuple[PrecursorBenchmarkInput, ...]:
    """The benchmark inputs of a footprint's precursors (IR 2025/2620), the one statement
    used by the decision, the declarations and the BOM aggregation.

    A precursor uses column A (``verified``) only with verified actual data: the producer's
    own verified figure, or a platform footprint that carries a verification statement;
    column B otherwise. The producer's own precursor comes from its own route
    (``benchmark_route``, the footprint product's). ``verified=False`` puts every precursor on
    column B (the conservative fallback when a column A value cannot be found).
    """
    route = benchmark_route or None
    return tuple(
        PrecursorBenchmarkInput(
            cn_code=p.cn_code,
            mass_t_per_t=p.mass_t_per_t,
            country_of_origin=p.country_of_origin,
            verified=verified and _precursor_verified(p),
            production_route=route if verified and p.see_source == "own_verified" else None,
        )
        for p in precursors
    )


def _precursor_terms(
    facts: FootprintFacts, *, verified: bool
) -> tuple[PrecursorBenchmarkInput, ...]:
    return precursor_benchmark_inputs(
        (FootprintPrecursorTerm.from_facts(p) for p in facts.precursors),
        benchmark_route=facts.benchmark_route,
        verified=verified,
    )


def _precursor_verified(precursor: FootprintPrecursorTerm) -> bool:
    """Column A only with verified actual data (IR 2025/2620): the producer's own verified
    figure, or a platform footprint that carries a verification statement."""
    if precursor.see_source == "own_verified":
        return True
    return (
        precursor.see_source == "platform_footprint"
        and precursor.source_verification_statement_date is not None
    )


def decision_year(today: date) -> int:
    """The year whose obligation the decision prices: the current year, from 2026 on (the
    definitive period starts on 1 January 2026)."""
    return max(today.year, 2026)
