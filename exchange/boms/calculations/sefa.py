"""SEFA_i: the precursors' benchmark terms of a product's free allocation (IR 2025/2620), pure.

    FA(y) = CBAM factor(y) × CSCF(y) × (BM_A(product) + Σ_i m_i · SEFA_i(y))

SEFA_i: an own product's column A benchmark plus its own lines' terms, recursively; a
supplier footprint on actual data, the column A term of the line's CN code (the footprint
product's route) plus Σ_j m_j · SEFA_j over the footprint's own precursors (their benchmark
inputs: ``cbam.benchmarks.precursor_benchmark_inputs``, the decision's and the declarations'
rule; a column A value that cannot be found puts them on column B,
``cbam.benchmarks.column_b_fallback``); a line on the default value, column B of its CN code.
A precursor's term does not depend on the good it goes into: :class:`BenchmarkCache` keeps
them per benchmark period for every product of one recompute.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, localcontext

from cbam import CalculationError, PrecursorBenchmarkInput, ReferenceSnapshot
from cbam.benchmarks import column_b_fallback
from cbam.free_allocation import benchmark_period, lookup_benchmark, precursor_benchmark_term
from cbam.rounding import CALCULATION_CONTEXT
from cbam.types import ZERO
from exchange.boms.calculations.aggregation import ProductAggregate
from exchange.boms.calculations.specs import ONE, FixedProduct, LineSpec


@dataclass
class BenchmarkCache:
    """SEFA_i per (CN, origin, verified, route, benchmark period), shared by every product of
    one recompute: a precursor's benchmark does not depend on the good it goes into."""

    snapshot: ReferenceSnapshot
    terms: dict[tuple[str, str, bool, str, int], tuple[Decimal, str]] = field(default_factory=dict)
    own: dict[tuple[str, bool, int], Decimal] = field(default_factory=dict)
    footprints: dict[tuple[str, str, str, int], Decimal] = field(default_factory=dict)
    sums: dict[tuple[str, bool, int], tuple[Decimal, dict[str, tuple[Decimal, Decimal]]]] = field(
        default_factory=dict
    )

    def fix(self, fixed: Iterable[FixedProduct]) -> None:
        """Take the SEFA of fixed own products as stored (per mode and benchmark period)."""
        for product in fixed:
            for all_defaults in (False, True):
                state = product.state(all_defaults=all_defaults)
                for period, value in state.sefa_by_period.items():
                    self.own[(product.id, all_defaults, period)] = value

    def sefa(
        self, *, cn_code: str, origin: str, verified: bool, route: str | None, year: int
    ) -> tuple[Decimal, str]:
        """(SEFA, note) of a bought precursor; a verified one whose column A value cannot be
        found falls back to column B with a note (``cbam.benchmarks.column_b_fallback``)."""
        key = (cn_code, origin, verified, route or "", benchmark_period(year))
        found = self.terms.get(key)
        if found is None:
            note = ""
            inp = PrecursorBenchmarkInput(
                cn_code=cn_code,
                mass_t_per_t=ONE,
                country_of_origin=origin,
                verified=verified,
                production_route=route,
            )
            try:
                term = precursor_benchmark_term(self.snapshot, inp, year)
            except CalculationError as exc:
                fallback = column_b_fallback((inp,), exc)
                if fallback is None:
                    raise
                note = fallback.note
                term = precursor_benchmark_term(self.snapshot, fallback.precursors[0], year)
            found = self.terms[key] = (term.sefa_tco2e_per_t, note or term.note)
        return found

    def footprint_sefa(self, line: LineSpec, year: int) -> Decimal:
        """SEFA of a supplier footprint line on actual data: the column A term of its CN code
        (the footprint product's route) plus its footprint's own precursors' terms
        (IR 2025/2620: BMg* + Σ m_j · SEFA_j), per benchmark period, kept per footprint.

        When a column A value of one of the precursors cannot be found, every precursor of the
        footprint falls back to column B (``cbam.benchmarks.column_b_fallback``)."""
        key = (
            line.footprint_id or f"line:{line.id}",
            line.cn_code,
            line.country_of_origin,
            benchmark_period(year),
        )
        found = self.footprints.get(key)
        if found is None:
            precursors = line.precursors
            try:
                terms = [precursor_benchmark_term(self.snapshot, p, year) for p in precursors]
            except CalculationError as exc:
                fallback = column_b_fallback(precursors, exc)
                if fallback is None:
                    raise
                terms = [
                    precursor_benchmark_term(self.snapshot, p, year) for p in fallback.precursors
                ]
            with localcontext(CALCULATION_CONTEXT):
                found = self.sefa(
                    cn_code=line.cn_code,
                    origin=line.country_of_origin,
                    verified=True,
                    route=line.benchmark_route,
                    year=year,
                )[0]
                for term in terms:
                    found += term.mass_t_per_t * term.sefa_tco2e_per_t
            self.footprints[key] = found
        return found


def sefa_sum(
    aggregate_: ProductAggregate,
    aggregates: Mapping[str, ProductAggregate],
    cache: BenchmarkCache,
    year: int,
    *,
    all_defaults: bool,
) -> tuple[Decimal, dict[str, tuple[Decimal, Decimal]]]:
    """Σ m_i · SEFA_i of a product and, per line, (m_i·SEFA now, m_i·SEFA on the default).
    Depends on the year only through the benchmark period: kept per period."""
    key = (aggregate_.product.id, all_defaults, benchmark_period(year))
    found = cache.sums.get(key)
    if found is not None:
        return found
    total = ZERO
    per_line: dict[str, tuple[Decimal, Decimal]] = {}
    with localcontext(CALCULATION_CONTEXT):
        for line in aggregate_.product.lines:
            mass = line.mass_t_per_t
            if line.own_product is not None:
                own = aggregates[line.own_product]
                now = mass * own_sefa(own, aggregates, cache, year, all_defaults=all_defaults)
                per_line[line.id] = (now, now)
                total += now
                continue
            on_default = (
                mass
                * cache.sefa(
                    cn_code=line.cn_code,
                    origin=line.country_of_origin,
                    verified=False,
                    route=None,
                    year=year,
                )[0]
            )
            if line.use == "actual" and not all_defaults:
                now = mass * cache.footprint_sefa(line, year)
            else:
                now = on_default
            per_line[line.id] = (now, on_default)
            total += now
    cache.sums[key] = (total, per_line)
    return total, per_line


def own_sefa(
    own: ProductAggregate,
    aggregates: Mapping[str, ProductAggregate],
    cache: BenchmarkCache,
    year: int,
    *,
    all_defaults: bool,
) -> Decimal:
    """SEFA of an own product used as a precursor: its column A benchmark plus its own
    precursors' terms (IR 2025/2620: BMg* + Σ m_j · SEFA_j), recursively."""
    key = (own.product.id, all_defaults, benchmark_period(year))
    found = cache.own.get(key)
    if found is None:
        benchmark = lookup_benchmark(
            cache.snapshot,
            cn_code=own.product.cn_code,
            column="A",
            route=own.product.production_route,
            year=year,
        )
        base = benchmark.row.value_tco2e_per_t if benchmark is not None else ZERO
        precursors, _ = sefa_sum(own, aggregates, cache, year, all_defaults=all_defaults)
        found = cache.own[key] = base + precursors
    return found


def own_sefa_by_period(
    own: ProductAggregate,
    aggregates: Mapping[str, ProductAggregate],
    cache: BenchmarkCache,
    years: Iterable[int],
    *,
    all_defaults: bool,
) -> dict[int, Decimal]:
    """SEFA of ``own`` as a precursor per benchmark period of ``years`` (what a product made
    from it needs; the same figures, from the same cache, as its dependants' exposure)."""
    found: dict[int, Decimal] = {}
    for year in sorted(years):
        period = benchmark_period(year)
        if period not in found:
            found[period] = own_sefa(own, aggregates, cache, year, all_defaults=all_defaults)
    return found
