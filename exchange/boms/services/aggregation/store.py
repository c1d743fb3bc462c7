"""Store what a recompute computed: one ``AggregationResult`` per target product, replaced in
one bulk upsert (the versions used, the problems, the inputs digest)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.db import transaction

from cbam.certificate_prices import AppliedCertificatePrice, certificate_price_json
from exchange.boms.calculations import ProductAggregate, ProductExposure
from exchange.boms.models import AggregationResult, AggregationStatus
from exchange.boms.services.aggregation.load import Loaded
from exchange.boms.services.aggregation.render import STORE_Q, exposure_json, line_json


@dataclass(frozen=True)
class RecomputeOutcome:
    """What one recompute computed, per product id, in one context (``year``, ``price``, the
    reference versions: ``context``), ready to store. A product without an aggregate failed:
    ``failed`` says why (line id, message); ``exposure_problems`` why a computed product
    could not be priced. ``as_precursor``: what a product made from it needs (``plan``)."""

    year: int
    price: AppliedCertificatePrice
    context: Mapping[str, Any]
    digests: Mapping[str, str]
    computed_at: datetime
    aggregates: Mapping[str, ProductAggregate] = field(default_factory=dict)
    exposures: Mapping[str, ProductExposure] = field(default_factory=dict)
    exposure_problems: Mapping[str, Sequence[str]] = field(default_factory=dict)
    failed: Mapping[str, Sequence[tuple[str | None, str]]] = field(default_factory=dict)
    provenance: Mapping[str, Any] = field(default_factory=dict)
    as_precursor: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)


def product_uuid(value: str) -> Any:
    import uuid

    return uuid.UUID(value)


_RESULT_FIELDS = [
    f.name for f in AggregationResult._meta.concrete_fields if f.name not in ("product", "id")
]


def results_store(loaded: Loaded, targets: set[str], outcome: RecomputeOutcome) -> None:
    """Replace the results of ``targets`` with ``outcome`` (one upsert, one transaction)."""
    current = outcome.aggregates
    exposures = outcome.exposures
    exposure_problems = outcome.exposure_problems
    failed = outcome.failed
    context = outcome.context
    year = outcome.year
    price = outcome.price
    specs = {spec.id: spec for spec in loaded.specs}
    rows = []
    for pid in sorted(targets):
        spec = specs[pid]
        line_rows = {str(r["id"]): r for r in loaded.lines[pid]}
        aggregate_ = current.get(pid)
        exposure = exposures.get(pid)
        lines = [
            line_json(
                line_rows[line.id],
                line,
                loaded.decisions[line.id],
                aggregate_.contributions.get(line.id) if aggregate_ else None,
                exposure,
            )
            for line in spec.lines
        ]
        problems = [
            {"line_id": line_id, "message": message} for line_id, message in failed.get(pid, [])
        ] + [{"line_id": None, "message": m} for m in exposure_problems.get(pid, [])]
        versions = {
            "footprints": sorted(
                {
                    d.footprint_used
                    for line in spec.lines
                    if (d := loaded.decisions[line.id]).footprint_used
                }
            ),
            "grants": sorted(
                {g for line in spec.lines for g in loaded.decisions[line.id].grant_ids}
            ),
            "reference_versions": context["reference"],
            "bom_edited_at": max(
                [loaded.products[pid]["updated_at"]] + [r["updated_at"] for r in loaded.lines[pid]]
            ).isoformat(),
            "year": year,
            "certificate_price_eur": str(price.price_eur),
            "certificate_price": certificate_price_json(price),
        }
        see: dict[str, Decimal | None] = dict.fromkeys(
            ("see_direct", "see_indirect", "see_indirect_counted", "see_total", "default_share")
        )
        if aggregate_ is not None:
            see = {name: getattr(aggregate_, name).quantize(STORE_Q) for name in see}
        rows.append(
            AggregationResult(
                product_id=product_uuid(pid),
                status=AggregationStatus.OK if aggregate_ is not None else AggregationStatus.FAILED,
                **see,
                year=year,
                certificate_price_eur=price.price_eur,
                lines=lines,
                provenance=outcome.provenance.get(pid, {}),
                exposure=exposure_json(exposure, price) if exposure else {},
                versions=versions,
                problems=problems,
                as_precursor=outcome.as_precursor.get(pid, {}),
                inputs_digest=outcome.digests[pid],
                computed_at=outcome.computed_at,
            )
        )
    with transaction.atomic():
        AggregationResult.objects.bulk_create(
            rows, update_conflicts=True, unique_fields=["product"], update_fields=_RESULT_FIELDS
        )
