"""Recompute the aggregated SEE and CBAM exposure of a buyer's products, and store them.

One service, ``products_recompute``: resolve every line (line resolution rules in
docs/boms.md), build the engine input (``exchange.boms.calculation``), compute the SEE of the
products as they stand and with every line on default values, price both for 2026-2034, and
store one ``AggregationResult`` per product with the versions used and an inputs digest.

Only the products asked for and the products made from them (own-product lines,
transitively) are computed and stored. The products they are made from enter as fixed inputs:
each result stores, at full precision, what a product made from it needs (``as_precursor``:
SEE per channel, default parts per sector, SEFA per benchmark period, as it stands and on
defaults), so an incremental recompute reads that instead of recomputing the whole tree below
(a product whose stored result cannot stand in is computed alongside, not stored). The
figures are exactly those of a full recompute (``test_incremental.py``).
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from cbam import CalculationError
from cbam.benchmarks import FootprintPrecursorTerm, precursor_benchmark_inputs
from cbam.free_allocation import benchmark_period
from cbam.rendering import render_default_match, render_provenance
from cbam.rounding import CALCULATION_CONTEXT, round_money
from cbam.statutory import PROJECTION_YEARS
from cbam.types import PrecursorBenchmarkInput
from exchange.boms.calculation import (
    BenchmarkCache,
    Contribution,
    FixedProduct,
    FixedState,
    LineSpec,
    ProductAggregate,
    ProductExposure,
    ProductSpec,
    aggregate_tolerant,
    fixable,
    own_sefa_by_period,
)
from exchange.boms.calculation import (
    product_exposure as compute_product_exposure,
)
from exchange.boms.models import (
    AggregationResult,
    AggregationStatus,
    BomLine,
    BuyerProduct,
    LineSource,
)
from exchange.boms.services.lines import LINE_FIELDS
from exchange.sharing.models import GrantedFootprint
from exchange.sharing.selectors import SHAREABLE_STATUSES
from reference.errors import ReferenceDataMissing
from reference.selectors import reference_snapshot_for, reference_versions_valid_on
from suppliers.models import (
    DefaultValueDecisionRecord,
    Footprint,
    FootprintPrecursor,
    FootprintStatus,
)
from suppliers.validation.decision import decision_year
from suppliers.validation.decisions import certificate_price_eur

logger = logging.getLogger(__name__)

#: Provenance nodes expanded below a product's own sources. 0: an own product used as a line
#: is shown with its SEE and ``"truncated": true``; its own tree is in its own result (as the
#: calculator renders referenced goods), which keeps each result linear in its lines.
PROVENANCE_BUDGET = 0
_STORE_Q = Decimal("0.0000000001")


# --------------------------------------------------------------------------- line resolution


@dataclass(frozen=True)
class LineDecision:
    """Whether the line's actual data is used, and why not."""

    actual_data_allowed: bool
    reasons: tuple[dict[str, str], ...]
    footprint_used: str | None = None
    grant_ids: tuple[str, ...] = ()
    decision_fingerprint: str = ""


def _reason(code: str, message: str, path: str = "") -> dict[str, str]:
    return {"code": code, "path": path, "message_en": message}


@dataclass
class _Footprints:
    """The current version of each lineage, its decision and the buyer's live grants."""

    current: dict[str, dict[str, Any]] = field(default_factory=dict)
    decisions: dict[str, dict[str, Any]] = field(default_factory=dict)
    grants: dict[str, list[str]] = field(default_factory=dict)
    precursors: dict[str, tuple[PrecursorBenchmarkInput, ...]] = field(default_factory=dict)


def _load_footprints(buyer_id: int, lineages: set[Any]) -> _Footprints:
    """Bulk form of ``exchange.sharing.selectors.lineage_current_footprint`` and
    ``lineage_is_granted`` (same rules: the published version, else the newest deprecated one;
    a grant is live until revoked), plus the footprints' decision records."""
    found = _Footprints()
    if not lineages:
        return found
    for lineage, grant_id in GrantedFootprint.objects.filter(
        grant__buyer_id=buyer_id, grant__revoked_at__isnull=True, lineage__in=lineages
    ).values_list("lineage", "grant_id"):
        found.grants.setdefault(str(lineage), []).append(str(grant_id))
    rows = (
        Footprint.objects.filter(lineage__in=lineages, status__in=SHAREABLE_STATUSES)
        .order_by("lineage", "-published_at", "-created_at")
        .values(
            "id",
            "lineage",
            "status",
            "organisation_id",
            "see_direct",
            "see_indirect",
            "product__benchmark_route",
        )
    )
    for values in rows:
        row: dict[str, Any] = dict(values)
        key = str(row["lineage"])
        chosen = found.current.get(key)
        if chosen is None or (
            row["status"] == FootprintStatus.PUBLISHED
            and chosen["status"] != FootprintStatus.PUBLISHED
        ):
            found.current[key] = row
    ids = [row["id"] for row in found.current.values()]
    # The footprints' own precursors (their benchmark inputs, the decision's rule), one query.
    terms: dict[str, list[FootprintPrecursorTerm]] = {}
    for p in (
        FootprintPrecursor.objects.filter(footprint_id__in=ids)
        .order_by("footprint_id", "position")
        .values(
            "footprint_id",
            "cn_code",
            "mass_t_per_t",
            "country_of_origin",
            "see_source",
            "source_footprint__verification_statement_date",
        )
    ):
        terms.setdefault(str(p["footprint_id"]), []).append(
            FootprintPrecursorTerm(
                cn_code=p["cn_code"],
                mass_t_per_t=p["mass_t_per_t"],
                country_of_origin=p["country_of_origin"],
                see_source=p["see_source"],
                source_verification_statement_date=p[
                    "source_footprint__verification_statement_date"
                ],
            )
        )
    for row in found.current.values():
        found.precursors[str(row["id"])] = precursor_benchmark_inputs(
            terms.get(str(row["id"]), ()), benchmark_route=row["product__benchmark_route"]
        )
    for decided in DefaultValueDecisionRecord.objects.filter(footprint_id__in=ids).values(
        "footprint_id", "actual_data_allowed", "reasons", "inputs_fingerprint"
    ):
        found.decisions[str(decided["footprint_id"])] = dict(decided)
    missing = [i for i in ids if str(i) not in found.decisions]
    if missing:
        # A published footprint normally has its decision from its closing validation run;
        # take it now if not (the one decision, ``suppliers.validation``).
        from suppliers.validation.decisions import footprint_decision_refresh

        for footprint_id in missing:
            try:
                record = footprint_decision_refresh(footprint_id=footprint_id)
            except Exception:
                logger.exception("decision of footprint %s could not be taken", footprint_id)
                continue
            if record is not None:
                found.decisions[str(footprint_id)] = {
                    "footprint_id": footprint_id,
                    "actual_data_allowed": record.actual_data_allowed,
                    "reasons": record.reasons,
                    "inputs_fingerprint": record.inputs_fingerprint,
                }
    return found


def _resolve_line(
    line: Mapping[str, Any], buyer_id: int, footprints: _Footprints
) -> tuple[LineSpec, LineDecision]:
    """Line resolution (docs/boms.md): a supplier footprint line uses the lineage's current
    published version when the buyer holds a live grant and its decision allows actual data;
    otherwise the default value, with every reason."""
    base = {
        "id": str(line["id"]),
        "cn_code": line["cn_code"],
        "mass_t_per_t": line["mass_t_per_t"],
        "country_of_origin": line["country_of_origin"],
    }
    source = line["source"]
    if source == LineSource.OWN_PRODUCT:
        spec = LineSpec(**base, use="own_product", own_product=str(line["own_product_id"]))
        return spec, LineDecision(True, ())
    if source == LineSource.DEFAULT_VALUE:
        reason = _reason(
            "BOMS-SOURCE-DEFAULT",
            "The line's source is the default value (no supplier data named).",
            "source",
        )
        return LineSpec(**base, use="default"), LineDecision(False, (reason,))
    lineage = str(line["lineage"])
    current = footprints.current.get(lineage)
    grants = tuple(footprints.grants.get(lineage, ()))
    reasons: list[dict[str, str]] = []
    own = current is not None and current["organisation_id"] == buyer_id
    if not grants and not own:
        reasons.append(
            _reason(
                "BOMS-NO-GRANT",
                "No live grant on this footprint (never shared or revoked): its data may not "
                "be used; ask the supplier to share it.",
                "footprint",
            )
        )
    if current is None:
        reasons.append(
            _reason(
                "BOMS-NO-VERSION",
                "The footprint has no published version.",
                "footprint",
            )
        )
        return LineSpec(**base, use="default"), LineDecision(False, tuple(reasons), None, grants)
    footprint_id = str(current["id"])
    if current["status"] == FootprintStatus.DEPRECATED:
        reasons.append(
            _reason(
                "BOMS-DEPRECATED",
                "The footprint was deprecated and has no newer published version.",
                "footprint",
            )
        )
    decision = footprints.decisions.get(footprint_id)
    fingerprint = ""
    if decision is None:
        reasons.append(
            _reason("BOMS-NO-DECISION", "No default-value decision could be taken yet.", "")
        )
    else:
        fingerprint = decision["inputs_fingerprint"]
        if not decision["actual_data_allowed"]:
            reasons.extend(
                {
                    "code": r.get("code", ""),
                    "path": r.get("path", ""),
                    "message_en": r.get("message_en", ""),
                }
                for r in decision["reasons"]
            )
    if current["see_direct"] is None:
        reasons.append(_reason("BOMS-NO-SEE", "The footprint has no computed SEE.", "footprint"))
    resolved = LineDecision(not reasons, tuple(reasons), footprint_id, grants, fingerprint)
    if reasons:
        return LineSpec(**base, use="default", footprint_id=footprint_id), resolved
    spec = LineSpec(
        **base,
        use="actual",
        see_direct=current["see_direct"],
        see_indirect=current["see_indirect"],
        footprint_id=footprint_id,
        benchmark_route=current["product__benchmark_route"] or None,
        precursors=footprints.precursors.get(footprint_id, ()),
    )
    return spec, resolved


# --------------------------------------------------------------------------- loading


def _closure(seeds: Iterable[str], edges: Mapping[str, set[str]]) -> set[str]:
    found = set(seeds)
    stack = list(found)
    while stack:
        for nxt in edges.get(stack.pop(), ()):
            if nxt not in found:
                found.add(nxt)
                stack.append(nxt)
    return found


@dataclass
class _Loaded:
    specs: list[ProductSpec]
    products: dict[str, dict[str, Any]]
    lines: dict[str, list[dict[str, Any]]]
    decisions: dict[str, LineDecision]


def _load(buyer_id: int, product_ids: set[str]) -> _Loaded:
    products: dict[str, dict[str, Any]] = {
        str(p["id"]): dict(p)
        for p in BuyerProduct.objects.filter(organisation_id=buyer_id, pk__in=product_ids).values(
            "id",
            "name",
            "cn_code",
            "country_of_production",
            "production_route",
            "direct_tco2e_per_t",
            "electricity_mwh_per_t",
            "electricity_factor_tco2_per_mwh",
            "updated_at",
        )
    }
    lines: dict[str, list[dict[str, Any]]] = {pid: [] for pid in products}
    for line_values in (
        BomLine.objects.filter(product_id__in=list(products))
        .order_by("product_id", "position")
        .values("id", "product_id", *LINE_FIELDS, "updated_at")
    ):
        lines[str(line_values["product_id"])].append(dict(line_values))
    lineages = {line["lineage"] for rows in lines.values() for line in rows if line["lineage"]}
    footprints = _load_footprints(buyer_id, lineages)
    specs = []
    decisions: dict[str, LineDecision] = {}
    for pid, product in products.items():
        line_specs = []
        for line in lines[pid]:
            spec, decision = _resolve_line(line, buyer_id, footprints)
            line_specs.append(spec)
            decisions[spec.id] = decision
        specs.append(
            ProductSpec(
                id=pid,
                cn_code=product["cn_code"],
                country=product["country_of_production"],
                direct_tco2e_per_t=product["direct_tco2e_per_t"],
                electricity_mwh_per_t=product["electricity_mwh_per_t"],
                electricity_factor_tco2_per_mwh=product["electricity_factor_tco2_per_mwh"],
                production_route=product["production_route"] or None,
                lines=tuple(line_specs),
            )
        )
    return _Loaded(specs, products, lines, decisions)


def _digests(
    loaded: _Loaded, context: Mapping[str, Any], fixed: Mapping[str, str] | None = None
) -> dict[str, str]:
    """SHA-256 of everything a product's result depends on, its own products' included
    (``fixed``: the stored digests of the own products taken as stored)."""
    fixed = fixed or {}
    by_id = {spec.id: spec for spec in loaded.specs}
    memo: dict[str, str] = {}

    def digest(pid: str) -> str:
        if pid in memo:
            return memo[pid]
        spec = by_id[pid]
        state = {
            "context": context,
            "product": repr(spec),
            "edited": loaded.products[pid]["updated_at"].isoformat(),
            "lines": [
                [
                    repr(loaded.decisions[line.id]),
                    digest(line.own_product)
                    if line.own_product in by_id
                    else fixed.get(line.own_product or "", ""),
                ]
                for line in spec.lines
            ],
        }
        memo[pid] = hashlib.sha256(
            json.dumps(state, sort_keys=True, default=str).encode()
        ).hexdigest()
        return memo[pid]

    for pid in by_id:
        digest(pid)
    return memo


# --------------------------------------------------------------------------- fixed inputs

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


def _as_precursor_json(
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


def _plan(
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


# --------------------------------------------------------------------------- rendering


def _provenance_json(node: Any) -> dict[str, Any]:
    """The product's provenance, own sources only (``PROVENANCE_BUDGET``). Precursor labels
    name the line's index (``precursors[j]``), not the engine's position of the product in
    this calculation (which depends on what else was computed with it); an own product points
    at its own result."""
    out = render_provenance(node, [PROVENANCE_BUDGET])
    for child in out.get("children", ()):
        label = child.get("label", "")
        if label.startswith("goods[") and "]." in label:
            child["label"] = label[label.index("].") + 2 :]
        if child.get("source") == "good":
            child["note"] = "own product: its SEE and provenance are in its own result"
    return out


def _num(value: Decimal | None) -> str | None:
    return None if value is None else str(value.quantize(_STORE_Q))


def _line_json(
    row: Mapping[str, Any],
    spec: LineSpec,
    decision: LineDecision,
    contribution: Contribution | None,
    exposure: ProductExposure | None,
) -> dict[str, Any]:
    saving = None
    if exposure is not None:
        saving = next((s for s in exposure.savings if s.line_id == spec.id), None)
    return {
        "id": spec.id,
        "position": row["position"],
        "cn_code": spec.cn_code,
        "description": row["description"],
        "mass_t_per_t": str(spec.mass_t_per_t),
        "country_of_origin": spec.country_of_origin,
        "source": row["source"],
        "supplier_id": row["supplier_id"],
        "supplier_name": row["supplier_name"],
        "footprint_id": str(row["footprint_id"]) if row["footprint_id"] else None,
        "lineage": str(row["lineage"]) if row["lineage"] else None,
        "own_product_id": spec.own_product,
        "decision": {
            "actual_data_allowed": decision.actual_data_allowed,
            "default_value_required": spec.use == "default",
            "reasons": list(decision.reasons),
            "footprint_used": decision.footprint_used,
            "grant_ids": list(decision.grant_ids),
        },
        "use": spec.use,
        "see_used": None
        if contribution is None
        else {
            "source": contribution.source,
            "see_direct": _num(contribution.see_direct),
            "see_indirect": _num(contribution.see_indirect),
            "default_value": render_default_match(contribution.default_value)
            if contribution.default_value is not None
            else None,
        },
        "contribution": None
        if contribution is None
        else {
            "direct": _num(contribution.direct),
            "indirect": _num(contribution.indirect),
            "counted": _num(contribution.counted),
        },
        "cost_eur_per_t": _num(saving.cost_eur_per_t) if saving else None,
        "saving": None
        if saving is None
        else {
            "sure_eur_per_t": _num(saving.sure_eur_per_t),
            "estimate_eur_per_t": _num(saving.estimate_eur_per_t),
            "assumption": saving.assumption,
            "note": saving.note,
        },
    }


def _exposure_json(exposure: ProductExposure) -> dict[str, Any]:
    def year(entry: Any) -> dict[str, Any]:
        return {
            "year": entry.year,
            "cost_eur_per_t": str(round_money(entry.cost_eur_per_t)),
            "cost_all_defaults_eur_per_t": str(round_money(entry.cost_all_defaults_eur_per_t)),
            "saving_eur_per_t": str(
                round_money(entry.cost_all_defaults_eur_per_t - entry.cost_eur_per_t)
            ),
            "certificates_per_t": _num(entry.certificates_per_t),
            "certificates_all_defaults_per_t": _num(entry.certificates_all_defaults_per_t),
            "mark_up_tco2e_per_t": _num(entry.mark_up_tco2e_per_t),
            "free_allocation_tco2e_per_t": _num(entry.free_allocation_tco2e_per_t),
        }

    return {
        "year": exposure.year,
        "certificate_price_eur": str(exposure.certificate_price_eur),
        "current": year(exposure.current),
        "projection": [year(entry) for entry in exposure.years],
        "notes": list(exposure.notes),
    }


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
    targets = _closure(seeds, edges_up)
    year = decision_year(today)
    price = certificate_price_eur()
    on = date(year, 12, 31)
    versions = reference_versions_valid_on(on=on)
    context = {
        "year": year,
        "price": str(price),
        "reference": sorted(v.pk for v in versions.values()),
    }
    fixed: dict[str, FixedProduct] = {}
    fixed_digests: dict[str, str] = {}
    if product_ids is None or only_changed:
        # Everything is read afresh (the sweep compares every digest).
        needed = _closure(targets, edges_down)
    else:
        periods = {benchmark_period(y) for y in (*PROJECTION_YEARS, year)}
        needed, fixed, fixed_digests = _plan(targets, edges_down, context, periods)
    loaded = _load(organisation_id, needed)
    targets &= set(loaded.products)
    if not targets:
        return {"stored": 0, "failed": 0, "unchanged": 0}

    digests = _digests(loaded, context, fixed_digests)
    unchanged = 0
    if only_changed:
        stored = dict(
            AggregationResult.objects.filter(product_id__in=targets).values_list(
                "product_id", "inputs_digest"
            )
        )
        changed = {t for t in targets if stored.get(_uuid(t)) != digests[t]}
        unchanged = len(targets) - len(changed)
        targets = changed
        if not targets:
            return {"stored": 0, "failed": 0, "unchanged": unchanged}

    now = timezone.now()
    try:
        snapshot = reference_snapshot_for(on=on)
    except ReferenceDataMissing as exc:
        failures: dict[str, list[tuple[str | None, str]]] = {
            t: [(None, exc.message)] for t in targets
        }
        _store(loaded, targets, {}, {}, {}, failures, {}, digests, context, year, price, now)
        return {"stored": 0, "failed": len(targets), "unchanged": unchanged}

    fixed_inputs = list(fixed.values())
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
                price=price,
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
        as_precursor[pid] = _as_precursor_json(
            current[pid], all_defaults[pid], sefa_now, sefa_defaults, context
        )
    provenance = {}
    if calc is not None:
        for pid in targets:
            if pid in current:
                provenance[pid] = _provenance_json(calc.provenance(pid))
    _store(
        loaded,
        targets,
        current,
        exposures,
        exposure_problems,
        failed,
        provenance,
        digests,
        context,
        year,
        price,
        now,
        as_precursor,
    )
    return {
        "stored": len(targets) - len(set(failed) & targets),
        "failed": len(set(failed) & targets),
        "unchanged": unchanged,
    }


def _uuid(value: str) -> Any:
    import uuid

    return uuid.UUID(value)


_RESULT_FIELDS = [
    f.name for f in AggregationResult._meta.concrete_fields if f.name not in ("product", "id")
]


def _store(
    loaded: _Loaded,
    targets: set[str],
    current: Mapping[str, ProductAggregate],
    exposures: Mapping[str, ProductExposure],
    exposure_problems: Mapping[str, list[str]],
    failed: Mapping[str, list[tuple[str | None, str]]],
    provenance: Mapping[str, Any],
    digests: Mapping[str, str],
    context: Mapping[str, Any],
    year: int,
    price: Decimal,
    now: Any,
    as_precursor: Mapping[str, dict[str, Any]] | None = None,
) -> None:
    as_precursor = as_precursor or {}
    specs = {spec.id: spec for spec in loaded.specs}
    rows = []
    for pid in sorted(targets):
        spec = specs[pid]
        line_rows = {str(r["id"]): r for r in loaded.lines[pid]}
        aggregate_ = current.get(pid)
        exposure = exposures.get(pid)
        lines = [
            _line_json(
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
            "certificate_price_eur": str(price),
        }
        see: dict[str, Decimal | None] = dict.fromkeys(
            ("see_direct", "see_indirect", "see_indirect_counted", "see_total", "default_share")
        )
        if aggregate_ is not None:
            see = {name: getattr(aggregate_, name).quantize(_STORE_Q) for name in see}
        rows.append(
            AggregationResult(
                product_id=_uuid(pid),
                status=AggregationStatus.OK if aggregate_ is not None else AggregationStatus.FAILED,
                **see,
                year=year,
                certificate_price_eur=price,
                lines=lines,
                provenance=provenance.get(pid, {}),
                exposure=_exposure_json(exposure) if exposure else {},
                versions=versions,
                problems=problems,
                as_precursor=as_precursor.get(pid, {}),
                inputs_digest=digests[pid],
                computed_at=now,
            )
        )
    with transaction.atomic():
        AggregationResult.objects.bulk_create(
            rows, update_conflicts=True, unique_fields=["product"], update_fields=_RESULT_FIELDS
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
