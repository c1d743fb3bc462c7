"""A buyer's bills of materials as engine input, and what each line contributes (pure).

No Django, no ORM: the services resolve every line (supplier footprint, own product, default
value) into a :class:`LineSpec` and call these functions; the SEE arithmetic is the engine's
(``cbam.compute_see``), the cost the engine's obligation
(``compute_obligation_year``). See docs/boms.md.

Each buyer product becomes one engine good with an activity level of 1 t, so every mass is
M_i per tonne of product (2025/2547 Annex III point B)::

    SEE_p = ae_p + Σ_i m_i · SEE_i          (per channel; ae_p the buyer's own process per t)

- an ``own_product`` line references the good of that product (``PrecursorInput.good``);
- an ``actual`` line carries the supplier footprint's SEE (``see_direct``/``see_indirect``);
- a ``default`` line carries nothing: the engine takes the default value for (CN, origin).

A line's **contribution** is m_i × SEE_i per channel, read back with the engine's own precursor
rule (``precursors.resolve_precursor``: exempt origin zero, own product, actual, default). The
**counted** contribution is what the obligation counts for the product (direct + the indirect
that counts, cross-over rule of 2025/2547 Annex I 3.1).

Exposure (per product, year y, per tonne, certificate price P; Reg. 2023/956 Art. 21-22)::

    SEE*(y)  = SEE_counted + Σ_default parts d_s × mark-up_s(y)      (s: sector of the default)
    FA(y)    = CBAM factor(y) × CSCF(y) × (BM_A(product) + Σ_i m_i · SEFA_i(y))
    cost(y)  = max(0, SEE*(y) − FA(y)) × P

SEFA_i: an own product's column A benchmark plus its own lines' terms, recursively; a
supplier footprint on actual data, the column A term of the line's CN code (the footprint
product's route) plus Σ_j m_j · SEFA_j over the footprint's own precursors (their benchmark
inputs: ``cbam.benchmarks.precursor_benchmark_inputs``, the decision's and the declarations'
rule; a column A value that cannot be found puts them on column B,
``cbam.benchmarks.column_b_fallback``); a line on the default value, column B of its CN code.

computed by the engine with ``see_direct``/``see_indirect_counted`` = the marked-up channels
and the precursors' benchmark sum as one given SEFA term. The mark-up on default values
(IR 2025/2621) is applied to the part of the SEE that comes from default values, at any depth
of the bill of materials.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal, localcontext
from typing import Literal

from cbam import (
    CalculationError,
    GoodInput,
    ObligationInput,
    PrecursorBenchmarkInput,
    PrecursorInput,
    Problem,
    ReferenceSnapshot,
    SeeCalculation,
    compute_see,
    match_default_value,
)
from cbam.benchmarks import column_b_fallback
from cbam.free_allocation import (
    benchmark_period,
    lookup_benchmark,
    precursor_benchmark_term,
)
from cbam.obligation import compute_obligation_year
from cbam.precursors import resolve_precursor
from cbam.rounding import CALCULATION_CONTEXT
from cbam.statutory import PROJECTION_YEARS
from cbam.types import ZERO, DefaultValueMatch, ObligationYear

ONE = Decimal(1)
LineUse = Literal["actual", "default", "own_product"]

#: Assumptions behind the saving of a line still on default values (named in the API).
ASSUMPTION_SURE = "actual_equals_default"
ASSUMPTION_ESTIMATE = "actual_equals_benchmark_b"


# --------------------------------------------------------------------------- inputs


@dataclass(frozen=True, slots=True)
class LineSpec:
    """One resolved BOM line: where its SEE comes from now (``use``).

    ``actual``: the supplier footprint's SEE (``see_direct``/``see_indirect``, tCO2e/t),
    ``benchmark_route`` (the supplier product's route, for its column A benchmark) and
    ``precursors``, the benchmark inputs of the footprint's own precursors
    (``cbam.benchmarks.precursor_benchmark_inputs``);
    ``own_product``: the id of another product of the same calculation; ``default``: the
    default value of (``cn_code``, ``country_of_origin``).
    """

    id: str
    cn_code: str
    mass_t_per_t: Decimal
    country_of_origin: str
    use: LineUse
    own_product: str | None = None
    see_direct: Decimal | None = None
    see_indirect: Decimal | None = None
    footprint_id: str | None = None
    benchmark_route: str | None = None
    precursors: tuple[PrecursorBenchmarkInput, ...] = ()


@dataclass(frozen=True, slots=True)
class ProductSpec:
    """A buyer product: its own process per tonne and its lines."""

    id: str
    cn_code: str
    country: str
    direct_tco2e_per_t: Decimal
    electricity_mwh_per_t: Decimal
    electricity_factor_tco2_per_mwh: Decimal | None
    production_route: str | None
    lines: tuple[LineSpec, ...]


@dataclass(frozen=True, slots=True)
class FixedState:
    """What a product made from an own product needs of it, in one of the two calculations
    (as the data stands, or every line on its default value), at full engine precision.

    ``default_*_by_sector``: the default parts of its counted SEE per sector, in the order
    they were found (the mark-up sums follow it); ``sefa_by_period``: its SEFA as a
    precursor (column A + its precursors' terms, :func:`own_sefa`) per benchmark period.
    """

    see_direct: Decimal
    see_indirect: Decimal
    see_indirect_counted: Decimal
    default_direct_by_sector: Mapping[str, Decimal]
    default_indirect_by_sector: Mapping[str, Decimal]
    sefa_by_period: Mapping[int, Decimal]


@dataclass(frozen=True, slots=True)
class FixedProduct:
    """An own product taken as computed (its stored result), not recomputed.

    It enters the engine as a good of 1 t without precursors whose own emissions are its SEE
    (``attributed_direct_tco2e``/``attributed_indirect_tco2e``): the engine's result for it,
    and so everything computed from it, is exactly the full computation's, provided its
    counted indirect SEE is what the engine derives from its category
    (:func:`fixable`). ``result_id`` names the stored result it comes from.
    """

    id: str
    cn_code: str
    country: str
    production_route: str | None
    indirect_counts: bool
    current: FixedState
    all_defaults: FixedState
    result_id: str = ""

    def state(self, *, all_defaults: bool) -> FixedState:
        return self.all_defaults if all_defaults else self.current

    def spec(self) -> ProductSpec:
        """A spec without lines (only its id, CN code, country and route are read)."""
        return ProductSpec(
            id=self.id,
            cn_code=self.cn_code,
            country=self.country,
            direct_tco2e_per_t=ZERO,
            electricity_mwh_per_t=ZERO,
            electricity_factor_tco2_per_mwh=None,
            production_route=self.production_route,
            lines=(),
        )


def fixable(fixed: FixedProduct, periods: Iterable[int]) -> bool:
    """Whether ``fixed`` can stand for the product's full computation: a good without
    precursors counts all of its indirect SEE (category in Annex II) or none of it, so a
    counted indirect part from the cross-over rule cannot be carried; and its SEFA must be
    known for every benchmark period priced."""
    for state in (fixed.current, fixed.all_defaults):
        if not fixed.indirect_counts and state.see_indirect_counted != 0:
            return False
        if any(period not in state.sefa_by_period for period in periods):
            return False
    return True


def _fixed_good(fixed: FixedProduct, *, all_defaults: bool) -> GoodInput:
    state = fixed.state(all_defaults=all_defaults)
    # SEE / 1 t is the SEE itself, digit for digit (an exact division keeps the exponent).
    return GoodInput(
        id=fixed.id,
        cn_code=fixed.cn_code,
        activity_level_t=ONE,
        attributed_direct_tco2e=state.see_direct,
        attributed_indirect_tco2e=state.see_indirect,
        country_of_origin=fixed.country,
    )


def goods_for(
    products: Sequence[ProductSpec],
    *,
    all_defaults: bool = False,
    fixed: Sequence[FixedProduct] = (),
) -> list[GoodInput]:
    """Engine goods for ``products`` (1 t each), then one per ``fixed`` product.
    ``all_defaults``: every supplier line on its default value (own-product lines stay, their
    own lines on defaults too)."""
    goods = []
    for product in products:
        precursors = []
        for line in product.lines:
            if line.use == "own_product":
                # The referenced good's country counts for the exempt-origin rule.
                precursors.append(PrecursorInput(mass_t=line.mass_t_per_t, good=line.own_product))
            elif line.use == "actual" and not all_defaults:
                precursors.append(
                    PrecursorInput(
                        mass_t=line.mass_t_per_t,
                        cn_code=line.cn_code,
                        country_of_origin=line.country_of_origin,
                        see_direct=line.see_direct,
                        see_indirect=line.see_indirect if line.see_indirect is not None else ZERO,
                        footprint_id=line.footprint_id,
                    )
                )
            else:
                precursors.append(
                    PrecursorInput(
                        mass_t=line.mass_t_per_t,
                        cn_code=line.cn_code,
                        country_of_origin=line.country_of_origin,
                    )
                )
        electricity = product.electricity_mwh_per_t
        goods.append(
            GoodInput(
                id=product.id,
                cn_code=product.cn_code,
                activity_level_t=ONE,
                attributed_direct_tco2e=product.direct_tco2e_per_t,
                country_of_origin=product.country,
                electricity_mwh=electricity if electricity else None,
                electricity_factor_tco2_per_mwh=product.electricity_factor_tco2_per_mwh,
                precursors=tuple(precursors),
            )
        )
    goods.extend(_fixed_good(f, all_defaults=all_defaults) for f in fixed)
    return goods


# --------------------------------------------------------------------------- results


@dataclass(frozen=True, slots=True)
class Contribution:
    """What one line adds to its product, tCO2e per tonne of product (m_i × SEE_i).

    ``see_*`` are the line's own SEE (per tonne of the precursor); ``default_*`` the part of
    the counted contribution that comes from default values, by sector (a default line: all
    of it; an own product: its default share; actual data: none). ``source`` is the engine's
    (``supplier_footprint``, ``default_value``, ``good``, ``exempt_origin``).
    """

    source: str
    see_direct: Decimal
    see_indirect: Decimal
    direct: Decimal
    indirect: Decimal
    counted_indirect: Decimal
    default_direct_by_sector: Mapping[str, Decimal]
    default_indirect_by_sector: Mapping[str, Decimal]
    default_value: DefaultValueMatch | None

    @property
    def counted(self) -> Decimal:
        return self.direct + self.counted_indirect


@dataclass(frozen=True, slots=True)
class ProductAggregate:
    """SEE of one product (tCO2e/t) and its lines' contributions, keyed by line id.

    ``default_direct_by_sector``/``default_indirect_by_sector``: the part of the counted SEE
    from default values, per sector (for the mark-up), at any depth.
    """

    product: ProductSpec
    category: str
    sector: str
    indirect_counts: bool
    see_direct: Decimal
    see_indirect: Decimal
    see_indirect_counted: Decimal
    contributions: Mapping[str, Contribution]
    default_direct_by_sector: Mapping[str, Decimal]
    default_indirect_by_sector: Mapping[str, Decimal]

    @property
    def see_total(self) -> Decimal:
        return self.see_direct + self.see_indirect

    @property
    def see_counted(self) -> Decimal:
        return self.see_direct + self.see_indirect_counted

    @property
    def default_counted(self) -> Decimal:
        return sum(self.default_direct_by_sector.values(), ZERO) + sum(
            self.default_indirect_by_sector.values(), ZERO
        )

    @property
    def default_share(self) -> Decimal:
        """Share (0-1) of the counted SEE that comes from default values."""
        counted = self.see_counted
        if counted == 0:
            return ZERO
        with localcontext(CALCULATION_CONTEXT):
            return self.default_counted / counted


def _add(target: dict[str, Decimal], key: str, value: Decimal) -> None:
    if value:
        target[key] = target.get(key, ZERO) + value


def fixed_aggregate(
    fixed: FixedProduct, snapshot: ReferenceSnapshot, *, all_defaults: bool = False
) -> ProductAggregate:
    """The aggregate a fixed product stands for (no lines, no contributions)."""
    state = fixed.state(all_defaults=all_defaults)
    category = snapshot.category_by_cn[fixed.cn_code]
    return ProductAggregate(
        product=fixed.spec(),
        category=category,
        sector=snapshot.sector(category),
        indirect_counts=snapshot.indirect_counts_by_category[category],
        see_direct=state.see_direct,
        see_indirect=state.see_indirect,
        see_indirect_counted=state.see_indirect_counted,
        contributions={},
        default_direct_by_sector=state.default_direct_by_sector,
        default_indirect_by_sector=state.default_indirect_by_sector,
    )


def aggregate(
    products: Sequence[ProductSpec],
    snapshot: ReferenceSnapshot,
    *,
    all_defaults: bool = False,
    fixed: Sequence[FixedProduct] = (),
) -> tuple[SeeCalculation, dict[str, ProductAggregate]]:
    """SEE of every product and every line's contribution (raises ``CalculationError`` with
    paths ``goods[i].precursors[j]`` as the engine does; ``problem_lines`` maps them back).
    ``fixed``: own products taken as computed; their aggregates are returned too."""
    goods = goods_for(products, all_defaults=all_defaults, fixed=fixed)
    calc = compute_see(goods, snapshot)
    by_id = {good.id: good for good in goods}
    specs = {product.id: product for product in products}
    aggregates: dict[str, ProductAggregate] = {
        f.id: fixed_aggregate(f, snapshot, all_defaults=all_defaults) for f in fixed
    }
    default_cache: dict[tuple[str, str | None], DefaultValueMatch | None] = {}
    with localcontext(CALCULATION_CONTEXT):
        for good_id, result in calc.results.items():  # precursors first
            if good_id not in specs:
                continue  # a fixed product
            good = by_id[good_id]
            counts = result.indirect_counts
            contributions: dict[str, Contribution] = {}
            default_direct: dict[str, Decimal] = {}
            default_indirect: dict[str, Decimal] = {}
            for line, precursor in zip(specs[good_id].lines, good.precursors, strict=True):
                resolved = resolve_precursor(
                    precursor,
                    goods_by_id=by_id,
                    results=calc.results,
                    snapshot=snapshot,
                    default_cache=default_cache,
                )
                mass = line.mass_t_per_t
                direct = mass * resolved.see_direct
                indirect = mass * resolved.see_indirect
                counted_indirect = indirect if counts else mass * resolved.see_indirect_counted
                line_direct: dict[str, Decimal] = {}
                line_indirect: dict[str, Decimal] = {}
                if resolved.source == "default_value":
                    sector = snapshot.sector(snapshot.category_by_cn[line.cn_code])
                    _add(line_direct, sector, direct)
                    _add(line_indirect, sector, counted_indirect)
                elif resolved.source == "good" and line.own_product is not None:
                    # The own product's default parts, per tonne of it, times the mass used.
                    # (Its indirect default parts are those of its counted indirect channel.)
                    own = aggregates[line.own_product]
                    for sector, value in own.default_direct_by_sector.items():
                        _add(line_direct, sector, mass * value)
                    for sector, value in own.default_indirect_by_sector.items():
                        _add(line_indirect, sector, mass * value)
                contributions[line.id] = Contribution(
                    source=resolved.source,
                    see_direct=resolved.see_direct,
                    see_indirect=resolved.see_indirect,
                    direct=direct,
                    indirect=indirect,
                    counted_indirect=counted_indirect,
                    default_direct_by_sector=line_direct,
                    default_indirect_by_sector=line_indirect,
                    default_value=resolved.default,
                )
                for sector, value in line_direct.items():
                    _add(default_direct, sector, value)
                for sector, value in line_indirect.items():
                    _add(default_indirect, sector, value)
            aggregates[good_id] = ProductAggregate(
                product=specs[good_id],
                category=result.category,
                sector=snapshot.sector(result.category),
                indirect_counts=counts,
                see_direct=result.see_direct,
                see_indirect=result.see_indirect,
                see_indirect_counted=result.see_indirect_counted,
                contributions=contributions,
                default_direct_by_sector=default_direct,
                default_indirect_by_sector=default_indirect,
            )
    return calc, aggregates


def problem_products(
    products: Sequence[ProductSpec], problems: Iterable[Problem]
) -> dict[str, list[tuple[str | None, str]]]:
    """Engine problems (paths ``goods[i]…precursors[j]…``) by product id: (line id, message)."""
    found: dict[str, list[tuple[str | None, str]]] = {}
    for problem in problems:
        path = problem.path
        if not path.startswith("goods["):
            continue
        try:
            index = int(path[6 : path.index("]")])
        except ValueError:
            continue
        if not 0 <= index < len(products):
            continue
        product = products[index]
        line_id = None
        marker = ".precursors["
        if marker in path:
            start = path.index(marker) + len(marker)
            try:
                line_id = product.lines[int(path[start : path.index("]", start)])].id
            except (ValueError, IndexError):
                line_id = None
        found.setdefault(product.id, []).append((line_id, problem.message))
    return found


def dependants_closure(products: Sequence[ProductSpec], seeds: Iterable[str]) -> set[str]:
    """``seeds`` and every product that uses one of them as an own-product line, transitively."""
    users: dict[str, set[str]] = {}
    for product in products:
        for line in product.lines:
            if line.own_product is not None:
                users.setdefault(line.own_product, set()).add(product.id)
    found = set(seeds)
    stack = list(found)
    while stack:
        for user in users.get(stack.pop(), ()):
            if user not in found:
                found.add(user)
                stack.append(user)
    return found


def aggregate_tolerant(
    products: Sequence[ProductSpec],
    snapshot: ReferenceSnapshot,
    *,
    all_defaults: bool = False,
    fixed: Sequence[FixedProduct] = (),
) -> tuple[
    SeeCalculation | None, dict[str, ProductAggregate], dict[str, list[tuple[str | None, str]]]
]:
    """``aggregate``, leaving out the products the engine cannot compute (and the products
    that use them): the calculation, the aggregates and, per failed product, (line id,
    message)."""
    remaining = list(products)
    failed: dict[str, list[tuple[str | None, str]]] = {}
    while remaining:
        try:
            calc, aggregates = aggregate(
                remaining, snapshot, all_defaults=all_defaults, fixed=fixed
            )
            return calc, aggregates, failed
        except CalculationError as exc:
            found = problem_products(remaining, exc.problems)
            if not found:  # a problem we cannot place: fail them all
                for product in remaining:
                    failed[product.id] = [(None, p.message) for p in exc.problems]
                return None, {}, failed
            failed.update(found)
            for product_id in dependants_closure(remaining, found) - set(found):
                failed[product_id] = [(None, "a product it is made from cannot be computed")]
            remaining = [p for p in remaining if p.id not in failed]
    return None, {}, failed


# --------------------------------------------------------------------------- exposure


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


def _sefa_sum(
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
                now = mass * _own_sefa(own, aggregates, cache, year, all_defaults=all_defaults)
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


def _own_sefa(
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
        precursors, _ = _sefa_sum(own, aggregates, cache, year, all_defaults=all_defaults)
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
            found[period] = _own_sefa(own, aggregates, cache, year, all_defaults=all_defaults)
    return found


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
        sefa_now, _ = _sefa_sum(current, aggregates, cache, y, all_defaults=False)
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
        sefa_defaults, _ = _sefa_sum(
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
    sefa_now, per_line = _sefa_sum(current, aggregates, cache, year, all_defaults=False)
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
