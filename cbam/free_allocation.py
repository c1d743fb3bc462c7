"""Free allocation adjustment per tonne of good (Implementing Regulation (EU) 2025/2620).

Two paths, tCO2e per tonne of good::

    default-value path:  FA = CBAM factor(y) × CSCF(y) × BM_B(CN, route of the origin)
    actual-data path:    FA = CBAM factor(y) × CSCF(y) × (BM_A(CN, route) + Σ_i m_i · SEFA_i)

- BM_B is column B (BMg, precursors included), for the production route the default-value
  annex (IR 2025/2621) assigns to the country of origin; BM_A is column A (BMg*, the process
  alone), for the installation's actual route.
- SEFA_i of a precursor: the value given by its supplier, else column A of its CN code when it
  has verified actual data, else column B for the route of its origin. A precursor from the EU
  or an exempt country adds nothing: it carries no embedded emissions here, and its producer's
  free allocation is an EU ETS matter (decision, see docs).
- CBAM factor: Directive 2003/87/EC Art. 10a(1a), from the snapshot by year. CSCF: the
  cross-sectoral correction factor, 1 unless the snapshot or the caller gives one.

Route letters (benchmark annex qualifiers): C/D/E carbon steel via BF-BOF / DRI-EAF /
scrap-EAF; F/G/H the same for low-alloy steel; J high-alloy steel (EAF); K/L primary /
secondary aluminium; A/B grey / white clinker. The default-value annex uses C, F, C/F, K, L.
How a route picks a row:

1. the route's own letter; "C/F" (a heading holding both carbon and low-alloy codes) means C
   where the CN code has C rows and F where it has F rows;
2. C and F stand for each other (both are the BF-BOF route; the annex prints C for headings
   whose codes are partly low-alloy, and F for some carbon-steel codes);
3. a benchmark without route rows applies to every route;
4. still nothing (no route known, e.g. the annex leaves it blank for a route-split code): on
   the default-value path the **lowest** column-B value, so the deduction is never overstated;
   on the actual-data path an error asking for ``production_route``.

Benchmark periods: 1 = production years 2026-2027, 2 = 2028-2030. For later years the
latest period (2) is used until new benchmarks are adopted (said in the lookup's note).
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal, localcontext

from cbam.cn_codes import predecessor_note
from cbam.defaults import match_default_value
from cbam.errors import (
    INVALID,
    CalculationError,
    Problem,
)
from cbam.reference import ReferenceSnapshot
from cbam.rounding import CALCULATION_CONTEXT
from cbam.types import (
    ZERO,
    BenchmarkColumn,
    BenchmarkLookup,
    BenchmarkRow,
    CbamFactorRow,
    FreeAllocation,
    PrecursorBenchmarkInput,
    PrecursorBenchmarkTerm,
)

_ROUTE_PREFERENCES: dict[str, tuple[str, ...]] = {
    "C": ("C", "F"),
    "F": ("F", "C"),
    "C/F": ("C", "F"),
}
_LAST_PERIOD_YEAR = 2030


def benchmark_period(year: int) -> int:
    """Benchmark period of a production year: 1 for 2026-2027, 2 from 2028."""
    return 1 if year <= 2027 else 2


def _rows_for(snapshot: ReferenceSnapshot, cn_code: str) -> tuple[BenchmarkRow, ...]:
    # The annex is written in CN 2025: a code a later CN created takes its predecessor's rows.
    code = snapshot.lookup_code(cn_code)
    for length in (8, 6, 4):
        rows = snapshot.benchmark_rows(code[:length])
        if rows:
            return rows
    return ()


def lookup_benchmark(
    snapshot: ReferenceSnapshot,
    *,
    cn_code: str,
    column: BenchmarkColumn,
    route: str | None,
    year: int,
    strict: bool = False,
    path: str = "production_route",
) -> BenchmarkLookup | None:
    """The benchmark row for a CN code, column, route and year (None: none published).

    ``strict``: raise ``CalculationError`` at ``path`` instead of falling back to the lowest
    value when the route cannot be resolved (the actual-data path).
    """
    period = benchmark_period(year)
    rows = [
        r
        for r in _rows_for(snapshot, cn_code)
        if r.column == column and (r.period is None or r.period == period)
    ]
    if not rows:
        return None
    notes = []
    if year > _LAST_PERIOD_YEAR and any(r.period is not None for r in rows):
        notes.append(f"no benchmark adopted for {year}; period 2 (2028-2030) used")
    if snapshot.lookup_code(cn_code) != cn_code:
        notes.append(predecessor_note(cn_code, snapshot.lookup_code(cn_code), "benchmark"))
    by_qualifier = {r.qualifier: r for r in rows}
    wanted = (route or "").strip().upper() or None
    preferences = _ROUTE_PREFERENCES.get(wanted, (wanted,)) if wanted else ()
    for qualifier in preferences:
        if qualifier in by_qualifier:
            if qualifier != preferences[0] or wanted == "C/F":
                notes.append(f"route {wanted}: row {qualifier} of this CN code used")
            return BenchmarkLookup(
                cn_code, column, year, wanted, by_qualifier[qualifier], "; ".join(notes)
            )
    if "" in by_qualifier:
        return BenchmarkLookup(cn_code, column, year, wanted, by_qualifier[""], "; ".join(notes))
    choices = ", ".join(sorted(by_qualifier))
    if strict:
        message = (
            f"the column {column} benchmark of CN {cn_code} depends on the production route; "
            f"give production_route as one of {choices}"
        )
        if wanted:
            message = f"route {wanted} does not apply to CN {cn_code}; give one of {choices}"
        raise CalculationError([Problem(path, message, INVALID)])
    lowest = min(rows, key=lambda r: r.value_tco2e_per_t)
    notes.append(
        f"route {wanted or 'not given'} does not select a row of this CN code ({choices}); "
        f"the lowest value (route {lowest.qualifier}) is used so the adjustment is never overstated"
    )
    return BenchmarkLookup(cn_code, column, year, wanted, lowest, "; ".join(notes))


def cbam_factor(snapshot: ReferenceSnapshot, year: int, path: str = "year") -> CbamFactorRow:
    row = snapshot.cbam_factor_row(year)
    if row is None:
        raise CalculationError(
            [
                Problem(
                    path,
                    f"no CBAM factor for {year}: the definitive period starts in 2026",
                    INVALID,
                )
            ]
        )
    return row


def _cscf(snapshot: ReferenceSnapshot, year: int, given: Decimal | None) -> tuple[Decimal, str]:
    if given is not None:
        return given, "given"
    if year in snapshot.cscf_by_year:
        return snapshot.cscf_by_year[year], "published"
    return snapshot.cscf(year), "not published: 1"


def free_allocation_default(
    snapshot: ReferenceSnapshot,
    *,
    cn_code: str,
    route: str | None,
    year: int,
    cscf: Decimal | None = None,
) -> FreeAllocation:
    """Default-value path: CBAM factor × CSCF × column B for ``route`` (tCO2e/t)."""
    factor = cbam_factor(snapshot, year)
    cscf_value, cscf_source = _cscf(snapshot, year, cscf)
    benchmark = lookup_benchmark(snapshot, cn_code=cn_code, column="B", route=route, year=year)
    with localcontext(CALCULATION_CONTEXT):
        if benchmark is None:
            return FreeAllocation(
                "default",
                year,
                factor,
                cscf_value,
                cscf_source,
                None,
                (),
                ZERO,
                f"no column B benchmark for CN {cn_code} (IR 2025/2620): no adjustment",
            )
        per_t = factor.factor * cscf_value * benchmark.row.value_tco2e_per_t
    return FreeAllocation("default", year, factor, cscf_value, cscf_source, benchmark, (), per_t)


def _precursor_term(
    snapshot: ReferenceSnapshot, precursor: PrecursorBenchmarkInput, year: int, path: str
) -> PrecursorBenchmarkTerm:
    mass = precursor.mass_t_per_t
    if snapshot.is_exempt(precursor.country_of_origin):
        return PrecursorBenchmarkTerm(
            path,
            precursor.cn_code,
            mass,
            ZERO,
            "exempt_origin",
            None,
            f"origin {precursor.country_of_origin}: no embedded emissions, no adjustment",
        )
    if precursor.sefa_tco2e_per_t is not None:
        return PrecursorBenchmarkTerm(
            path, precursor.cn_code, mass, precursor.sefa_tco2e_per_t, "given", None
        )
    if precursor.verified:
        benchmark = lookup_benchmark(
            snapshot,
            cn_code=precursor.cn_code,
            column="A",
            route=precursor.production_route,
            year=year,
            strict=True,
            path=f"{path}.production_route",
        )
        source = "column_a"
    else:
        match = match_default_value(snapshot, precursor.cn_code, precursor.country_of_origin)
        route = (match.row.production_route if match else "") or precursor.production_route
        benchmark = lookup_benchmark(
            snapshot, cn_code=precursor.cn_code, column="B", route=route, year=year
        )
        source = "column_b"
    if benchmark is None:
        return PrecursorBenchmarkTerm(
            path,
            precursor.cn_code,
            mass,
            ZERO,
            "none",
            None,
            f"no benchmark for CN {precursor.cn_code} (IR 2025/2620): adds nothing",
        )
    return PrecursorBenchmarkTerm(
        path,
        precursor.cn_code,
        mass,
        benchmark.row.value_tco2e_per_t,
        "column_a" if source == "column_a" else "column_b",
        benchmark,
        benchmark.note,
    )


def precursor_benchmark_term(
    snapshot: ReferenceSnapshot, precursor: PrecursorBenchmarkInput, year: int, path: str = ""
) -> PrecursorBenchmarkTerm:
    """SEFA_i of one precursor in ``year`` (the rules of the module docstring): for callers
    that reuse a precursor's term across many goods (``exchange.boms``). Raises
    ``CalculationError`` when a verified precursor's column A needs a route it lacks."""
    return _precursor_term(snapshot, precursor, year, path)


def free_allocation_actual(
    snapshot: ReferenceSnapshot,
    *,
    cn_code: str,
    production_route: str | None,
    year: int,
    precursors: Sequence[PrecursorBenchmarkInput] = (),
    cscf: Decimal | None = None,
    path: str = "precursors",
) -> FreeAllocation:
    """Actual-data path: CBAM factor × CSCF × (column A + Σ m_i · SEFA_i) (tCO2e/t).

    Raises ``CalculationError`` listing every precursor (and the good) whose route is needed
    but missing.
    """
    factor = cbam_factor(snapshot, year)
    cscf_value, cscf_source = _cscf(snapshot, year, cscf)
    problems: list[Problem] = []
    try:
        benchmark = lookup_benchmark(
            snapshot, cn_code=cn_code, column="A", route=production_route, year=year, strict=True
        )
    except CalculationError as exc:
        problems += exc.problems
        benchmark = None
    terms: list[PrecursorBenchmarkTerm] = []
    for i, precursor in enumerate(precursors):
        try:
            terms.append(_precursor_term(snapshot, precursor, year, f"{path}[{i}]"))
        except CalculationError as exc:
            problems += exc.problems
    if problems:
        raise CalculationError(problems)
    note = "" if benchmark is not None else f"no column A benchmark for CN {cn_code} (IR 2025/2620)"
    if not precursors:
        note = "; ".join(
            n for n in (note, "no precursors given: only the good's own process is adjusted") if n
        )
    with localcontext(CALCULATION_CONTEXT):
        total = benchmark.row.value_tco2e_per_t if benchmark is not None else ZERO
        for term in terms:
            total += term.mass_t_per_t * term.sefa_tco2e_per_t
        per_t = factor.factor * cscf_value * total
    return FreeAllocation(
        "actual", year, factor, cscf_value, cscf_source, benchmark, tuple(terms), per_t, note
    )
