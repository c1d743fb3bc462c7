"""A buyer's bills of materials as engine input (pure): what the services resolve every line
into (:class:`LineSpec`, :class:`ProductSpec`), own products taken as stored
(:class:`FixedProduct`), and the engine goods they become (:func:`goods_for`).

Each buyer product becomes one engine good with an activity level of 1 t, so every mass is
M_i per tonne of product (2025/2547 Annex III point B)::

    SEE_p = ae_p + Σ_i m_i · SEE_i          (per channel; ae_p the buyer's own process per t)

- an ``own_product`` line references the good of that product (``PrecursorInput.good``);
- an ``actual`` line carries the supplier footprint's SEE (``see_direct``/``see_indirect``);
- a ``default`` line carries nothing: the engine takes the default value for (CN, origin).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

from cbam import GoodInput, PrecursorBenchmarkInput, PrecursorInput
from cbam.types import ZERO

ONE = Decimal(1)
LineUse = Literal["actual", "default", "own_product"]


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
