"""The CBAM obligation of an import: certificates and cost, this year and 2026-2034.

For ``quantity`` tonnes of one CN code in year y (Reg. (EU) 2023/956 Art. 21-22, as amended by
Reg. (EU) 2025/2083)::

    EE           = quantity × (SEE_direct + SEE_indirect_counted) × (1 + mark-up)
    FAA          = quantity × free allocation adjustment per tonne (``free_allocation``)
    deduction    = carbon price paid (EUR/tCO2e) × EE / certificate price (EUR)     (Art. 9)
    certificates = max(0, EE − FAA − deduction)
    cost (EUR)   = certificates × certificate price

- Default-value path (no ``see_direct``): SEE from IR 2025/2621 Annex I with the sector's
  mark-up for y; FAA on column B for the route the annex assigns to the origin (the caller's
  ``production_route`` where the annex row gives none).
- Actual-data path: the given SEE, no mark-up; FAA on column A plus the precursors.
- The indirect channel counts only for goods outside Annex II (cement, fertilisers, sintered
  ore), except the part a direct-only good inherits from such precursors
  (``see_indirect_counted``, cross-over rule).
- Art. 9 deduction: the carbon price effectively paid in the country of origin for the declared
  embedded emissions, converted to certificates by dividing by the certificate price. Only
  with actual **and** verified data (the Article requires actual emissions with evidence);
  ``carbon_price_paid_eur_per_tco2e`` is the effective price per tonne of embedded emissions,
  already net of rebates and converted to EUR by the caller.
- Actual data without verification is computed as given (so the saving is visible) with a
  note: in the definitive period it cannot be declared, the default values apply.

The projection repeats the calculation for every year 2026-2034 with the same inputs and
certificate price (the CBAM factor, mark-up and benchmark period change with the year). When
actual data is given, the same import on default values is computed beside it.
"""

from __future__ import annotations

from decimal import localcontext

from cbam.cn_codes import predecessor_note
from cbam.defaults import lookup_default_value, no_default_value_message
from cbam.errors import (
    INVALID,
    NEGATIVE,
    NO_DEFAULT_VALUE,
    ZERO_VALUE,
    CalculationError,
    Problem,
)
from cbam.free_allocation import (
    cbam_factor,
    free_allocation_actual,
    free_allocation_default,
)
from cbam.reference import ReferenceSnapshot
from cbam.rounding import CALCULATION_CONTEXT
from cbam.statutory import PROJECTION_YEARS
from cbam.types import (
    ONE,
    ZERO,
    ObligationInput,
    ObligationResult,
    ObligationYear,
    ProjectionEntry,
)
from cbam.validation import cn_code_problem


def check_obligation(inp: ObligationInput, snapshot: ReferenceSnapshot) -> list[Problem]:
    """Every problem that prevents computing ``inp`` (empty list: computable)."""
    problems: list[Problem] = []
    cn = cn_code_problem(inp.cn_code, snapshot, "cn_code")
    if cn is not None:
        problems.append(cn)
    if snapshot.cbam_factor_row(inp.year) is None:
        problems.append(
            Problem(
                "year",
                f"no CBAM factor for {inp.year}: the definitive period starts in 2026",
                INVALID,
            )
        )
    if snapshot.is_exempt(inp.country_of_origin):
        problems.append(
            Problem(
                "country_of_origin",
                f"no CBAM obligation: goods originating in {inp.country_of_origin} are outside "
                "CBAM (EU member state, or Annex III of Reg. 2023/956)",
                INVALID,
            )
        )
    for name in (
        "quantity_t",
        "see_direct",
        "see_indirect",
        "see_indirect_counted",
        "carbon_price_paid_eur_per_tco2e",
        "cscf",
    ):
        value = getattr(inp, name)
        if value is not None and value < 0:
            problems.append(Problem(name, f"must not be negative (got {value})", NEGATIVE))
    if inp.certificate_price_eur <= 0:
        problems.append(Problem("certificate_price_eur", "must be greater than zero", ZERO_VALUE))
    if inp.see_direct is None and (
        inp.see_indirect is not None or inp.see_indirect_counted is not None
    ):
        problems.append(Problem("see_direct", "see_indirect was given without see_direct", INVALID))
    for i, precursor in enumerate(inp.precursors):
        path = f"precursors[{i}]"
        cn = cn_code_problem(precursor.cn_code, snapshot, f"{path}.cn_code")
        if cn is not None:
            problems.append(cn)
        for name in ("mass_t_per_t", "sefa_tco2e_per_t"):
            value = getattr(precursor, name)
            if value is not None and value < 0:
                problems.append(
                    Problem(f"{path}.{name}", f"must not be negative (got {value})", NEGATIVE)
                )
    return problems


def _year(
    inp: ObligationInput, snapshot: ReferenceSnapshot, year: int, *, on_defaults: bool
) -> ObligationYear:
    category = snapshot.category_by_cn[inp.cn_code]
    counts = snapshot.indirect_counts(category)
    default = None
    mark_up, mark_up_row = ZERO, None
    if on_defaults:
        lookup = lookup_default_value(
            snapshot,
            cn_code=inp.cn_code,
            country=inp.country_of_origin,
            year=year,
            path="see_direct",
        )
        default = lookup.match
        mark_up, mark_up_row = lookup.mark_up, lookup.mark_up_row
        see_direct = lookup.see_direct
        see_indirect = lookup.see_indirect if lookup.see_indirect is not None else ZERO
        see_indirect_counted = see_indirect if counts else ZERO
        free_allocation = free_allocation_default(
            snapshot,
            cn_code=inp.cn_code,
            route=lookup.route or inp.production_route,
            year=year,
            cscf=inp.cscf,
        )
    else:
        assert inp.see_direct is not None
        see_direct = inp.see_direct
        see_indirect = inp.see_indirect if inp.see_indirect is not None else ZERO
        if inp.see_indirect_counted is not None:
            see_indirect_counted = inp.see_indirect_counted
        else:
            see_indirect_counted = see_indirect if counts else ZERO
        free_allocation = free_allocation_actual(
            snapshot,
            cn_code=inp.cn_code,
            production_route=inp.production_route,
            year=year,
            precursors=inp.precursors,
            cscf=inp.cscf,
        )
    with localcontext(CALCULATION_CONTEXT):
        embedded = inp.quantity_t * (see_direct + see_indirect_counted) * (ONE + mark_up)
        adjustment = inp.quantity_t * free_allocation.per_t
        deduction = ZERO
        if not on_defaults and inp.verified and inp.carbon_price_paid_eur_per_tco2e is not None:
            deduction = inp.carbon_price_paid_eur_per_tco2e * embedded / inp.certificate_price_eur
        certificates = max(ZERO, embedded - adjustment - deduction)
        cost = certificates * inp.certificate_price_eur
    return ObligationYear(
        year=year,
        default_used=on_defaults,
        see_direct_tco2e_per_t=see_direct,
        see_indirect_counted_tco2e_per_t=see_indirect_counted,
        mark_up=mark_up,
        mark_up_row=mark_up_row,
        default_value=default,
        embedded_emissions_tco2e=embedded,
        free_allocation=free_allocation,
        free_allocation_adjustment_tco2e=adjustment,
        carbon_price_deduction_tco2e=deduction,
        certificates=certificates,
        cost_eur=cost,
    )


def _defaults_available(inp: ObligationInput, snapshot: ReferenceSnapshot) -> bool:
    try:
        lookup_default_value(
            snapshot, cn_code=inp.cn_code, country=inp.country_of_origin, year=inp.year
        )
    except CalculationError:
        return False
    return True


def compute_obligation(inp: ObligationInput, snapshot: ReferenceSnapshot) -> ObligationResult:
    """Certificates and cost of ``inp`` in its year, on defaults beside actual data, and the
    2026-2034 projection. Raises ``CalculationError`` with every problem found."""
    problems = check_obligation(inp, snapshot)
    actual = inp.see_direct is not None
    if not problems and not actual and not _defaults_available(inp, snapshot):
        problems.append(
            Problem(
                "see_direct",
                no_default_value_message(inp.cn_code, inp.country_of_origin),
                NO_DEFAULT_VALUE,
            )
        )
    if problems:
        raise CalculationError(problems)
    category = snapshot.category_by_cn[inp.cn_code]
    compare = actual and _defaults_available(inp, snapshot)

    current = _year(inp, snapshot, inp.year, on_defaults=not actual)
    on_defaults = _year(inp, snapshot, inp.year, on_defaults=True) if compare else None
    projection = []
    for year in PROJECTION_YEARS:
        entry = current if year == inp.year else _year(inp, snapshot, year, on_defaults=not actual)
        entry_on_defaults = None
        if compare:
            entry_on_defaults = (
                on_defaults if year == inp.year else _year(inp, snapshot, year, on_defaults=True)
            )
        projection.append(
            ProjectionEntry(
                year=year,
                certificates=entry.certificates,
                cost_eur=entry.cost_eur,
                cbam_factor=cbam_factor(snapshot, year).factor,
                mark_up=entry.mark_up,
                certificates_on_defaults=entry_on_defaults.certificates
                if entry_on_defaults
                else None,
                cost_eur_on_defaults=entry_on_defaults.cost_eur if entry_on_defaults else None,
            )
        )
    return ObligationResult(
        input=inp,
        category=category,
        sector=snapshot.sector(category),
        indirect_counts=snapshot.indirect_counts(category),
        current=current,
        on_defaults=on_defaults,
        projection=tuple(projection),
        notes=tuple(_notes(inp, current, actual=actual, compare=compare)),
    )


def compute_obligation_year(inp: ObligationInput, snapshot: ReferenceSnapshot) -> ObligationYear:
    """The obligation of ``inp`` in its year only (no comparison, no projection): for callers
    that price many variants of one good, e.g. a bill of materials with each line switched to
    its default value (``exchange.boms``). Same rules and checks as ``compute_obligation``;
    raises ``CalculationError`` with every problem found."""
    problems = check_obligation(inp, snapshot)
    actual = inp.see_direct is not None
    if not problems and not actual and not _defaults_available(inp, snapshot):
        problems.append(
            Problem(
                "see_direct",
                no_default_value_message(inp.cn_code, inp.country_of_origin),
                NO_DEFAULT_VALUE,
            )
        )
    if problems:
        raise CalculationError(problems)
    return _year(inp, snapshot, inp.year, on_defaults=not actual)


def _notes(
    inp: ObligationInput, current: ObligationYear, *, actual: bool, compare: bool
) -> list[str]:
    notes = []
    if actual and not inp.verified:
        notes.append(
            "actual data without a verification report: in the definitive period it cannot be "
            "declared and the default values apply (Art. 8 of Reg. 2023/956); shown for comparison"
        )
    if inp.carbon_price_paid_eur_per_tco2e is not None and not (actual and inp.verified):
        notes.append(
            "carbon price paid not deducted: Art. 9 of Reg. 2023/956 needs actual, verified "
            "emissions"
        )
    if actual and not compare:
        notes.append(
            f"no default value for CN {inp.cn_code} ({inp.country_of_origin} or Other countries): "
            "no cost on defaults to compare"
        )
    match = current.default_value
    if match is not None and match.used_other:
        notes.append(
            f"no default value for {match.country}: the value for Other countries and "
            "territories is used"
        )
    if match is not None and match.cn2025_predecessor:
        notes.append(predecessor_note(match.cn_code, match.cn2025_predecessor, "default value"))
    fa = current.free_allocation
    for note in (fa.note, fa.benchmark.note if fa.benchmark else ""):
        if note:
            notes.append(f"free allocation: {note}")
    for term in fa.precursor_terms:
        if term.note:
            notes.append(f"free allocation, {term.path}: {term.note}")
    return notes
