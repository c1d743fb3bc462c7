"""CBAM exposure of a buyer product per tonne, 2026-2034, and what each line's data saves
(pure; Reg. 2023/956 Art. 21-22, see docs/boms.md)::

    SEE*(y)  = SEE_counted + Σ_default parts d_s × mark-up_s(y)      (s: sector of the default)
    FA(y)    = CBAM factor(y) × CSCF(y) × (BM_A(product) + Σ_i m_i · SEFA_i(y))
    cost(y)  = max(0, SEE*(y) − FA(y)) × P

computed by the engine's obligation (``compute_obligation_year``) with
``see_direct``/``see_indirect_counted`` = the marked-up channels and the precursors' benchmark
sum (``sefa``) as one given SEFA term. The mark-up on default values (IR 2025/2621) is
applied to the part of the SEE that comes from default values, at any depth of the bill of
materials.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal, localcontext

from cbam import (
    CalculationError,
    ObligationInput,
    PrecursorBenchmarkInput,
    Problem,
    ReferenceSnapshot,
    match_default_value,
)
from cbam.obligation import compute_obligation_year
from cbam.rounding import CALCULATION_CONTEXT
from cbam.statutory import PROJECTION_YEARS
from cbam.types import ZERO, DefaultValueMatch, ObligationYear
from exchange.boms.calculations.aggregation import ProductAggregate
from exchange.boms.calculations.sefa import BenchmarkCache, sefa_sum
from exchange.boms.calculations.specs import ONE, LineUse, ProductSpec

#: Assumptions behind the saving of a line still on default values (named in the API).
ASSUMPTION_SURE = "actual_equals_default"
ASSUMPTION_ESTIMATE = "actual_equals_benchmark_b"


@dataclass(frozen=True, slots=True)
class LineSaving:
    """What a line's actual data saves (actual line) or would save (default line), EUR per
    tonne of product in the priced year. ``sure``: for a default line, the mark-up part (the
    saving if the actual SEE equalled the default); ``estimate``: if it equalled the column B
    benchmark of its CN code (IR 2025/2620). For an actual line both are the saving."""

    line_id: str
    use: LineUse
    sure_eur_per_t: Decimal | None
    estimate_eur_per_t: Decimal | None
    assumption: str | None
    note: str = ""
    #: The line's share of the product's cost: (counted contribution with its mark-up −
    #: CBAM factor × CSCF × m_i · SEFA_i) × price, before the floor at zero of the total.
    cost_eur_per_t: Decimal | None = None


@dataclass(frozen=True, slots=True)
class YearExposure:
    year: int
    cost_eur_per_t: Decimal
    cost_all_defaults_eur_per_t: Decimal
    certificates_per_t: Decimal
    certificates_all_defaults_per_t: Decimal
    mark_up_tco2e_per_t: Decimal
    free_allocation_tco2e_per_t: Decimal
    #: CBAM factor × CSCF of the year (what multiplies the benchmarks).
    free_allocation_factor: Decimal


@dataclass(frozen=True, slots=True)
class ProductExposure:
    """CBAM cost per tonne of product: as the data stands, with every line on defaults, and
    per line the saving; ``years`` covers 2026-2034 (``year`` is the priced year)."""

    product_id: str
    year: int
    certificate_price_eur: Decimal
    current: YearExposure
    years: tuple[YearExposure, ...]
    savings: tuple[LineSaving, ...]
    notes: tuple[str, ...] = ()


def _mark_up(by_sector: Mapping[str, Decimal], snapshot: ReferenceSnapshot, year: int) -> Decimal:
    total = ZERO
    for sector, value in by_sector.items():
        row = snapshot.mark_up_row(sector, year)
        if row is not None:
            total += value * row.mark_up
    return total


def _obligation(
    product: ProductSpec,
    snapshot: ReferenceSnapshot,
    *,
    year: int,
    price: Decimal,
    see_direct: Decimal,
    see_indirect: Decimal,
    see_indirect_counted: Decimal,
    sefa_sum: Decimal,
) -> ObligationYear:
    # The precursors' benchmark sum enters as one given term of the good's own CN code: the
    # engine adds m·SEFA = 1 × Σ m_i·SEFA_i to column A of the product.
    return compute_obligation_year(
        ObligationInput(
            year=year,
            cn_code=product.cn_code,
            country_of_origin=product.country,
            quantity_t=ONE,
            certificate_price_eur=price,
            see_direct=see_direct,
            see_indirect=see_indirect,
            see_indirect_counted=see_indirect_counted,
            production_route=product.production_route,
            precursors=(
                PrecursorBenchmarkInput(
                    cn_code=product.cn_code, mass_t_per_t=ONE, sefa_tco2e_per_t=sefa_sum
                ),
            ),
        ),
        snapshot,
    )


def product_exposure(
    *,
    current: ProductAggregate,
    all_defaults: ProductAggregate,
    aggregates: Mapping[str, ProductAggregate],
    aggregates_all_defaults: Mapping[str, ProductAggregate],
    snapshot: ReferenceSnapshot,
    cache: BenchmarkCache,
    year: int,
    price: Decimal,
    years: Sequence[int] = PROJECTION_YEARS,
) -> ProductExposure:
    """Exposure of one product (formula in the module docstring). Raises
    ``CalculationError`` when the product cannot be priced (outside CBAM where it is made, a
    column A benchmark that needs ``production_route``)."""
    product = current.product
    if snapshot.is_exempt(product.country):
        raise CalculationError(
            [
                Problem(
                    "country_of_production",
                    f"made in {product.country}: no CBAM obligation on the product itself; "
                    "the importers of its precursors carry it",
                )
            ]
        )
    entries = []
    by_year: dict[int, YearExposure] = {}
    for y in sorted(set(years) | {year}):
        mark_direct = _mark_up(current.default_direct_by_sector, snapshot, y)
        mark_indirect = _mark_up(current.default_indirect_by_sector, snapshot, y)
        sefa_now, _ = sefa_sum(current, aggregates, cache, y, all_defaults=False)
        now = _obligation(
            product,
            snapshot,
            year=y,
            price=price,
            see_direct=current.see_direct + mark_direct,
            see_indirect=current.see_indirect,
            see_indirect_counted=current.see_indirect_counted + mark_indirect,
            sefa_sum=sefa_now,
        )
        d_direct = _mark_up(all_defaults.default_direct_by_sector, snapshot, y)
        d_indirect = _mark_up(all_defaults.default_indirect_by_sector, snapshot, y)
        sefa_defaults, _ = sefa_sum(
            all_defaults, aggregates_all_defaults, cache, y, all_defaults=True
        )
        on_defaults = _obligation(
            product,
            snapshot,
            year=y,
            price=price,
            see_direct=all_defaults.see_direct + d_direct,
            see_indirect=all_defaults.see_indirect,
            see_indirect_counted=all_defaults.see_indirect_counted + d_indirect,
            sefa_sum=sefa_defaults,
        )
        entry = YearExposure(
            year=y,
            cost_eur_per_t=now.cost_eur,
            cost_all_defaults_eur_per_t=on_defaults.cost_eur,
            certificates_per_t=now.certificates,
            certificates_all_defaults_per_t=on_defaults.certificates,
            mark_up_tco2e_per_t=mark_direct + mark_indirect,
            free_allocation_tco2e_per_t=now.free_allocation_adjustment_tco2e,
            free_allocation_factor=now.free_allocation.cbam_factor.factor
            * now.free_allocation.cscf,
        )
        by_year[y] = entry
        if y in years:
            entries.append(entry)
    savings = _line_savings(current, aggregates, snapshot, cache, year, price, by_year[year])
    return ProductExposure(
        product_id=product.id,
        year=year,
        certificate_price_eur=price,
        current=by_year[year],
        years=tuple(entries),
        savings=savings,
    )


def _line_savings(
    current: ProductAggregate,
    aggregates: Mapping[str, ProductAggregate],
    snapshot: ReferenceSnapshot,
    cache: BenchmarkCache,
    year: int,
    price: Decimal,
    now: YearExposure,
) -> tuple[LineSaving, ...]:
    """Each supplier line switched on its own, everything else as it stands.

    - actual line: its SEE replaced by the default value with the mark-up, its benchmark
      term from column A to column B: saving = that cost − the cost now;
    - default line: sure = the cost now − the cost without the mark-up on that line (the
      actual SEE equal to the default); estimate = the cost now − the cost with the line's
      SEE equal to the column B benchmark of its CN code (free allocation unchanged).
    """
    product = current.product
    savings = []
    mark_direct = _mark_up(current.default_direct_by_sector, snapshot, year)
    mark_indirect = _mark_up(current.default_indirect_by_sector, snapshot, year)
    base_direct = current.see_direct + mark_direct
    base_indirect = current.see_indirect
    base_counted = current.see_indirect_counted + mark_indirect
    sefa_now, per_line = sefa_sum(current, aggregates, cache, year, all_defaults=False)
    default_cache: dict[tuple[str, str | None], DefaultValueMatch | None] = {}

    def cost(d_direct: Decimal, d_counted: Decimal, d_sefa: Decimal) -> Decimal:
        # ``see_indirect`` is shown only; the engine counts ``see_indirect_counted``.
        return _obligation(
            product,
            snapshot,
            year=year,
            price=price,
            see_direct=base_direct + d_direct,
            see_indirect=base_indirect,
            see_indirect_counted=base_counted + d_counted,
            sefa_sum=sefa_now + d_sefa,
        ).cost_eur

    with localcontext(CALCULATION_CONTEXT):
        for line in product.lines:
            contribution = current.contributions[line.id]
            if line.use == "own_product":
                savings.append(
                    LineSaving(
                        line.id,
                        line.use,
                        None,
                        None,
                        None,
                        "an own product: see the savings of its lines",
                    )
                )
                continue
            if contribution.source == "exempt_origin":
                savings.append(
                    LineSaving(line.id, line.use, ZERO, ZERO, None, "exempt origin: counts zero")
                )
                continue
            sector = snapshot.sector(snapshot.category_by_cn[line.cn_code])
            mark_up_row = snapshot.mark_up_row(sector, year)
            mark_up = mark_up_row.mark_up if mark_up_row is not None else ZERO
            mass = line.mass_t_per_t
            if line.use == "actual":
                key = (line.cn_code, line.country_of_origin)
                match = default_cache.get(key) or match_default_value(
                    snapshot, line.cn_code, line.country_of_origin
                )
                default_cache[key] = match
                if match is None:
                    savings.append(
                        LineSaving(
                            line.id,
                            line.use,
                            None,
                            None,
                            None,
                            f"no default value for CN {line.cn_code} ({line.country_of_origin})",
                        )
                    )
                    continue
                row = match.row
                default_indirect = row.see_indirect if row.see_indirect is not None else ZERO
                d_direct = mass * row.see_direct * (ONE + mark_up) - contribution.direct
                counted_default = (
                    mass * default_indirect * (ONE + mark_up)
                    if current.indirect_counts
                    or snapshot.indirect_counts(snapshot.category_by_cn[line.cn_code])
                    else ZERO
                )
                d_counted = counted_default - contribution.counted_indirect
                sefa_now_line, sefa_default_line = per_line[line.id]
                saving = cost(d_direct, d_counted, sefa_default_line - sefa_now_line) - (
                    now.cost_eur_per_t
                )
                savings.append(LineSaving(line.id, line.use, saving, saving, None))
                continue
            # A line on the default value: what actual data would bring.
            marked_direct = contribution.direct * mark_up
            marked_counted = contribution.counted_indirect * mark_up
            sure = now.cost_eur_per_t - cost(-marked_direct, -marked_counted, ZERO)
            benchmark_b = cache.sefa(
                cn_code=line.cn_code,
                origin=line.country_of_origin,
                verified=False,
                route=None,
                year=year,
            )[0]
            estimate_direct = mass * benchmark_b
            estimate = now.cost_eur_per_t - cost(
                estimate_direct - contribution.direct * (ONE + mark_up),
                -contribution.counted_indirect * (ONE + mark_up),
                ZERO,
            )
            savings.append(
                LineSaving(
                    line.id,
                    line.use,
                    sure,
                    estimate,
                    f"sure: {ASSUMPTION_SURE}; estimate: {ASSUMPTION_ESTIMATE}",
                )
            )
    costs = {}
    factor = now.free_allocation_factor
    for line in product.lines:
        contribution = current.contributions[line.id]
        marked = (
            contribution.counted
            + _mark_up(contribution.default_direct_by_sector, snapshot, year)
            + _mark_up(contribution.default_indirect_by_sector, snapshot, year)
        )
        costs[line.id] = (marked - factor * per_line[line.id][0]) * price
    return tuple(replace(s, cost_eur_per_t=costs[s.line_id]) for s in savings)
