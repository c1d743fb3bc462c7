"""SEE of each buyer product and what each line contributes to it (pure).

The SEE arithmetic is the engine's (``cbam.compute_see``, 2025/2547 Annex III B). A line's
**contribution** is m_i × SEE_i per channel, read back with the engine's own precursor rule
(``precursors.resolve_precursor``: exempt origin zero, own product, actual, default). The
**counted** contribution is what the obligation counts for the product (direct + the indirect
that counts, cross-over rule of 2025/2547 Annex I 3.1). The parts that come from default
values are kept per sector, at any depth, for the mark-up (``exposure``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, localcontext

from cbam import CalculationError, Problem, ReferenceSnapshot, SeeCalculation, compute_see
from cbam.precursors import resolve_precursor
from cbam.rounding import CALCULATION_CONTEXT
from cbam.types import ZERO, DefaultValueMatch
from exchange.boms.calculations.specs import FixedProduct, ProductSpec, goods_for


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
