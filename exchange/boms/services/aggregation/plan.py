"""Which products a recompute computes and which it takes as stored (the ``as_precursor``
document of their results: written and read here).

Only the products asked for and the products made from them are stored. The own products they
are made from enter as fixed inputs (``exchange.boms.calculations.specs.FixedProduct``) when
their stored result can stand in: same document format, same context (year, price, reference
versions), and nothing a good without precursors cannot carry (``fixable``). The document
holds every figure at full precision, so the results are exactly a full recompute's.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from cbam.rounding import CALCULATION_CONTEXT
from exchange.boms.calculations import FixedProduct, FixedState, ProductAggregate, fixable
from exchange.boms.models import AggregationResult, AggregationStatus

#: Version of the ``as_precursor`` document; a result with another one is recomputed.
AS_PRECURSOR_FORMAT = 1


def _exact(value: Decimal) -> str:
    """A Decimal as text, exactly (trailing zeros dropped: the value, not its spelling)."""
    return str(value.normalize(CALCULATION_CONTEXT))


def _state_json(aggregate_: ProductAggregate, sefa: Mapping[int, Decimal]) -> dict[str, Any]:
    # Sectors as [sector, value] pairs: their order is the order of the mark-up sums (a jsonb
    # object would not keep it).
    return {
        "see_direct": _exact(aggregate_.see_direct),
        "see_indirect": _exact(aggregate_.see_indirect),
        "see_indirect_counted": _exact(aggregate_.see_indirect_counted),
        "default_direct_by_sector": [
            [k, _exact(v)] for k, v in aggregate_.default_direct_by_sector.items()
        ],
        "default_indirect_by_sector": [
            [k, _exact(v)] for k, v in aggregate_.default_indirect_by_sector.items()
        ],
        "sefa_by_period": [[period, _exact(v)] for period, v in sorted(sefa.items())],
    }


def as_precursor_json(
    current: ProductAggregate,
    all_defaults: ProductAggregate,
    sefa_current: Mapping[int, Decimal],
    sefa_all_defaults: Mapping[int, Decimal],
    context: Mapping[str, Any],
) -> dict[str, Any]:
    product = current.product
    return {
        "format": AS_PRECURSOR_FORMAT,
        "context": dict(context),
        "cn_code": product.cn_code,
        "country": product.country,
        "production_route": product.production_route,
        "indirect_counts": current.indirect_counts,
        "current": _state_json(current, sefa_current),
        "all_defaults": _state_json(all_defaults, sefa_all_defaults),
    }


def _state_from(doc: Mapping[str, Any]) -> FixedState:
    return FixedState(
        see_direct=Decimal(doc["see_direct"]),
        see_indirect=Decimal(doc["see_indirect"]),
        see_indirect_counted=Decimal(doc["see_indirect_counted"]),
        default_direct_by_sector={k: Decimal(v) for k, v in doc["default_direct_by_sector"]},
        default_indirect_by_sector={k: Decimal(v) for k, v in doc["default_indirect_by_sector"]},
        sefa_by_period={int(p): Decimal(v) for p, v in doc["sefa_by_period"]},
    )


def _fixed_from(
    product_id: str, result_id: Any, doc: Mapping[str, Any], context: Mapping[str, Any]
) -> FixedProduct | None:
    """The stored result as a fixed input, or None when it cannot stand in: another document
    format, or computed in another context (year, price, reference versions)."""
    if not doc or doc.get("format") != AS_PRECURSOR_FORMAT or doc.get("context") != context:
        return None
    return FixedProduct(
        id=product_id,
        cn_code=doc["cn_code"],
        country=doc["country"],
        production_route=doc["production_route"],
        indirect_counts=doc["indirect_counts"],
        current=_state_from(doc["current"]),
        all_defaults=_state_from(doc["all_defaults"]),
        result_id=str(result_id),
    )


def recompute_plan(
    targets: set[str],
    edges_down: Mapping[str, set[str]],
    context: Mapping[str, Any],
    periods: set[int],
) -> tuple[set[str], dict[str, FixedProduct], dict[str, str]]:
    """Which products to compute (``targets`` and any product below them whose stored result
    cannot stand in, with what is below it) and which to take as stored: (computed, fixed,
    the fixed ones' stored digests). One query per level below the targets."""
    computed = set(targets)
    fixed: dict[str, FixedProduct] = {}
    digests: dict[str, str] = {}
    frontier = {c for t in targets for c in edges_down.get(t, ())} - computed
    while frontier:
        stored = {
            str(row["product_id"]): row
            for row in AggregationResult.objects.filter(
                product_id__in=frontier, status=AggregationStatus.OK
            ).values("product_id", "id", "as_precursor", "inputs_digest")
        }
        below: set[str] = set()
        for pid in frontier:
            row = stored.get(pid)
            found = _fixed_from(pid, row["id"], row["as_precursor"], context) if row else None
            if found is not None and row is not None and fixable(found, periods):
                fixed[pid] = found
                digests[pid] = row["inputs_digest"]
            else:
                computed.add(pid)
                below |= edges_down.get(pid, set())
        frontier = below - computed - set(fixed)
    return computed, fixed, digests
