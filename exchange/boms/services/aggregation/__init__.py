"""Recompute the aggregated SEE and CBAM exposure of a buyer's products, and store them.

``service.products_recompute`` loads (``load``: products, lines resolved, inputs digests),
plans (``plan``: which products to compute, which to take as stored), computes with the pure
``exchange.boms.calculations``, renders (``render``: the stored JSON documents) and stores
(``store``: one ``AggregationResult`` per product, from a ``RecomputeOutcome``).
``recompute_from_payload`` (the ``boms.recompute`` job) and ``results_refresh`` (the periodic
sweep) call it.
"""

from exchange.boms.services.aggregation.service import (
    products_recompute,
    recompute_from_payload,
    results_refresh,
)

__all__ = ["products_recompute", "recompute_from_payload", "results_refresh"]
