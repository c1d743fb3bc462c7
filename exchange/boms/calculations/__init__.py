"""A buyer's bills of materials as engine input, what each line contributes, and the CBAM
exposure of each product (pure: no Django, no ORM). See docs/boms.md.

The services resolve every line (supplier footprint, own product, default value) into a
:class:`LineSpec` and call these functions; the SEE arithmetic is the engine's
(``cbam.compute_see``), the cost the engine's obligation (``compute_obligation_year``).

- ``specs``: the input dataclasses, own products taken as stored, the engine goods (SEE_p =
  ae_p + Σ m_i · SEE_i, 2025/2547 Annex III B, each product 1 t);
- ``aggregation``: the SEE of every product and every line's contribution, default parts by
  sector at any depth;
- ``sefa``: the precursors' benchmark terms of the free allocation (IR 2025/2620);
- ``exposure``: the cost per tonne 2026-2034, with every line on defaults, and each line's saving.
"""

from exchange.boms.calculations.aggregation import (
    Contribution,
    ProductAggregate,
    aggregate,
    aggregate_tolerant,
    dependants_closure,
    fixed_aggregate,
    problem_products,
)
from exchange.boms.calculations.exposure import (
    ASSUMPTION_ESTIMATE,
    ASSUMPTION_SURE,
    LineSaving,
    ProductExposure,
    YearExposure,
    product_exposure,
)
from exchange.boms.calculations.sefa import BenchmarkCache, own_sefa_by_period
from exchange.boms.calculations.specs import (
    FixedProduct,
    FixedState,
    LineSpec,
    LineUse,
    ProductSpec,
    fixable,
    goods_for,
)

__all__ = [
    "ASSUMPTION_ESTIMATE",
    "ASSUMPTION_SURE",
    "BenchmarkCache",
    "Contribution",
    "FixedProduct",
    "FixedState",
    "LineSaving",
    "LineSpec",
    "LineUse",
    "ProductAggregate",
    "ProductExposure",
    "ProductSpec",
    "YearExposure",
    "aggregate",
    "aggregate_tolerant",
    "dependants_closure",
    "fixable",
    "fixed_aggregate",
    "goods_for",
    "own_sefa_by_period",
    "problem_products",
    "product_exposure",
]
