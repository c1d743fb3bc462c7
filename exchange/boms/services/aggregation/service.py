"""Recompute the aggregated SEE and CBAM exposure of a buyer's products, and store them.

One service, ``products_recompute``: resolve every line (line resolution rules in
docs/boms.md), build the engine input (``exchange.boms.calculations``), compute the SEE of the
products as they stand and with every line on default values, price both for 2026-2034, and
store one ``AggregationResult`` per product with the versions used and an inputs digest. The
certificate price is the one published last (its period, date and row named in the result), or
the labelled assumption where none is published (``reference.selectors``).

Only the products asked for and the products made from them (own-product lines,
transitively) are computed and stored. The products they are made from enter as fixed inputs:
each result stores, at full precision, what a product made from it needs (``as_precursor``:
SEE per channel, default parts per sector, SEFA per benchmark period, as it stands and on
defaults), so an incremental recompute reads that instead of recomputing the whole tree below
(a product whose stored result cannot stand in is computed alongside, not stored). The
figures are exactly those of a full recompute (``test_incremental.py``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import replace
from datetime import date
from typing import Any

from django.utils import timezone

from cbam import CalculationError, ReferenceSnapshot
from cbam.free_allocation import benchmark_period
from cbam.statutory import PROJECTION_YEARS
from exchange.boms.calculations import (
    BenchmarkCache,
    FixedProduct,
    ProductExposure,
    aggregate_tolerant,
    own_sefa_by_period,
)
from exchange.boms.calculations import product_exposure as compute_product_exposure
from exchange.boms.models import AggregationResult, BomLine, BuyerProduct
from exchange.boms.services.aggregation.load import Loaded, closure, inputs_digests, load_products
from exchange.boms.services.aggregation.plan import as_precursor_json, recompute_plan
from exchange.boms.services.aggregation.render import provenance_json
from exchange.boms.services.aggregation.store import RecomputeOutcome, product_uuid, results_store
from reference.errors import ReferenceDataMissing
from reference.selectors import (
    certificate_price_last_published,
    reference_snapshot_for,
    reference_versions_valid_on,
)
from suppliers.calculations.default_value_decision import decision_year
from suppliers.models import Footprint

# --------------------------------------------------------------------------- the service


def products_recompute(
    *,
    organisation_id: int,
    product_ids: Iterable[Any] | None = None,
    today: date | None = None,
    only_changed: bool = False,
) -> dict[str, int]:
    """Recompute and store the results of ``product_ids`` (None: every product of the buyer)
    and of the products made from them. ``only_changed``: store only the products whose
    inputs digest differs from the stored one (the periodic sweep). Returns counts."""
    today = today or timezone.localdate()
    edges_down: dict[str, set[str]] = {}
    edges_up: dict[str, set[str]] = {}
    for parent, child in BomLine.objects.filter(
        product__organisation_id=organisation_id, own_product__isnull=False
    ).values_list("product_id", "own_product_id"):
        edges_down.setdefault(str(parent), set()).add(str(child))
        edges_up.setdefault(str(child), set()).add(str(parent))
    if product_ids is None:
        seeds = {
            str(p)
            for p in BuyerProduct.objects.filter(organisation_id=organisation_id).values_list(
                "pk", flat=True
            )
        }
    else:
        seeds = {str(p) for p in product_ids}
    targets = closure(seeds, edges_up)
    year = decision_year(today)
    # Exposure and projections: the certificate price published last (with its date), or the
    # labelled assumption where none is published yet.
    price = certificate_price_last_published(as_of=today)
    on = date(year, 12, 31)
    versions = reference_versions_valid_on(on=on)
    context = {
        "year": year,
        "price": str(price.price_eur),
        "price_source": price.label,
        "reference": sorted(v.pk for v in versions.values()),
    }
    fixed: dict[str, FixedProduct] = {}
    fixed_digests: dict[str, str] = {}
    if product_ids is None or only_changed:
        # Everything is read afresh (the sweep compares every digest).
        needed = closure(targets, edges_down)
    else:
        periods = {benchmark_period(y) for y in (*PROJECTION_YEARS, year)}
        needed, fixed, fixed_digests = recompute_plan(targets, edges_down, context, periods)
    loaded = load_products(organisation_id, needed)
    targets &= set(loaded.products)
    if not targets:
        return {"stored": 0, "failed": 0, "unchanged": 0}

    digests = inputs_digests(loaded, context, fixed_digests)
    unchanged = 0
    if only_changed:
        stored = dict(
            AggregationResult.objects.filter(product_id__in=targets).values_list(
                "product_id", "inputs_digest"
            )
        )
        changed = {t for t in targets if stored.get(product_uuid(t)) != digests[t]}
        unchanged = len(targets) - len(changed)
        targets = changed
        if not targets:
            return {"stored": 0, "failed": 0, "unchanged": unchanged}

    base = RecomputeOutcome(
        year=year, price=price, context=context, digests=digests, computed_at=timezone.now()
    )
    try:
        snapshot = reference_snapshot_for(on=on)
    except ReferenceDataMissing as exc:
        outcome = replace(base, failed={t: [(None, exc.message)] for t in targets})
    else:
        outcome = _compute(base, loaded, targets, snapshot, list(fixed.values()))
    results_store(loaded, targets, outcome)
    failed = len(set(outcome.failed) & targets)
    return {"stored": len(targets) - failed, "failed": failed, "unchanged": unchanged}


def _compute(
    base: RecomputeOutcome,
    loaded: Loaded,
    targets: set[str],
    snapshot: ReferenceSnapshot,
    fixed_inputs: list[FixedProduct],
) -> RecomputeOutcome:
    """SEE of every loaded product as it stands and with every line on defaults (the pure
    calculations), then, for ``targets``, the exposure, what a product made from it needs
    (``as_precursor``) and the provenance."""
    year, price, context = base.year, base.price, base.context
    calc, current, failed = aggregate_tolerant(loaded.specs, snapshot, fixed=fixed_inputs)
    _, all_defaults, failed_defaults = aggregate_tolerant(
        loaded.specs, snapshot, all_defaults=True, fixed=fixed_inputs
    )
    for pid, problems in failed_defaults.items():
        failed.setdefault(pid, problems)
    cache = BenchmarkCache(snapshot)
    cache.fix(fixed_inputs)
    exposures: dict[str, ProductExposure] = {}
    exposure_problems: dict[str, list[str]] = {}
    for pid in targets:
        if pid in failed:
            continue
        try:
            exposures[pid] = compute_product_exposure(
                current=current[pid],
                all_defaults=all_defaults[pid],
                aggregates=current,
                aggregates_all_defaults=all_defaults,
                snapshot=snapshot,
                cache=cache,
                year=year,
                price=price.price_eur,
            )
        except CalculationError as exc:
            exposure_problems[pid] = [p.message for p in exc.problems]
    as_precursor: dict[str, dict[str, Any]] = {}
    years = (*PROJECTION_YEARS, year)
    for pid in targets:
        if pid in failed or pid not in current:
            continue
        try:
            sefa_now = own_sefa_by_period(current[pid], current, cache, years, all_defaults=False)
            sefa_defaults = own_sefa_by_period(
                all_defaults[pid], all_defaults, cache, years, all_defaults=True
            )
        except CalculationError:
            continue  # not stored: a product made from it computes it again
        as_precursor[pid] = as_precursor_json(
            current[pid], all_defaults[pid], sefa_now, sefa_defaults, context
        )
    provenance = {}
    if calc is not None:
        for pid in targets:
            if pid in current:
                provenance[pid] = provenance_json(calc.provenance(pid))
    return replace(
        base,
        aggregates=current,
        exposures=exposures,
        exposure_problems=exposure_problems,
        failed=failed,
        provenance=provenance,
        as_precursor=as_precursor,
    )


# --------------------------------------------------------------------------- entry points


def recompute_from_payload(
    *, payload: Mapping[str, Any], organisation_id: int | None
) -> dict[str, Any]:
    """The ``boms.recompute`` handler's one call: find the products the change affects, per
    buyer, and recompute them (and the products made from them)."""
    lines = BomLine.objects.all()
    if organisation_id is not None:
        lines = lines.filter(product__organisation_id=organisation_id)
    per_buyer: dict[int, set[str] | None] = {}

    def add(buyer: int, product_id: Any) -> None:
        existing = per_buyer.setdefault(buyer, set())
        if existing is not None:
            existing.add(str(product_id))

    if payload.get("all"):
        buyers = BuyerProduct.objects.all()
        if organisation_id is not None:
            buyers = buyers.filter(organisation_id=organisation_id)
        for buyer in set(buyers.values_list("organisation_id", flat=True)):
            per_buyer[buyer] = None
    if payload.get("product_ids"):
        products = BuyerProduct.objects.filter(pk__in=payload["product_ids"])
        for pid, buyer in products.values_list("pk", "organisation_id"):
            add(buyer, pid)
    lineages = set(payload.get("lineages", ()))
    if payload.get("kids"):
        lineages |= {
            str(x)
            for x in Footprint.objects.filter(signing_kid__in=payload["kids"]).values_list(
                "lineage", flat=True
            )
        }
    if lineages:
        for pid, buyer in lines.filter(lineage__in=lineages).values_list(
            "product_id", "product__organisation_id"
        ):
            add(buyer, pid)
    counts = {"buyers": 0, "stored": 0, "failed": 0}
    for buyer, product_ids in sorted(per_buyer.items()):
        result = products_recompute(organisation_id=buyer, product_ids=product_ids)
        counts["buyers"] += 1
        counts["stored"] += result["stored"]
        counts["failed"] += result["failed"]
    return counts


def results_refresh(*, today: date | None = None) -> dict[str, int]:
    """Periodic sweep: recompute every product whose inputs digest changed (a decision record
    refreshed, a new year, a new certificate price…)."""
    totals = {"buyers": 0, "stored": 0, "unchanged": 0, "failed": 0}
    buyers = sorted(set(BuyerProduct.objects.values_list("organisation_id", flat=True)))
    for buyer in buyers:
        result = products_recompute(organisation_id=buyer, today=today, only_changed=True)
        totals["buyers"] += 1
        for key in ("stored", "unchanged", "failed"):
            totals[key] += result[key]
    return totals
