"""Load what a recompute needs: the buyer's products and lines, each line resolved
(docs/boms.md, "Line resolution": a supplier footprint's current published version, the
buyer's live grants, its default-value decision) into the pure specs
(``exchange.boms.calculations.specs``), and the inputs digest of every product.

Supplier data is read in bulk (a few queries per recompute, whatever the number of lines),
with the rules of ``exchange.sharing.selectors``.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from cbam.benchmarks import FootprintPrecursorTerm, precursor_benchmark_inputs
from cbam.statutory import ORIGIN_UNKNOWN
from cbam.types import PrecursorBenchmarkInput
from exchange.boms.calculations import LineSpec, ProductSpec
from exchange.boms.calculations.fetched import (
    FETCHED_REASONS,
    FetchedFacts,
    fetched_default_reasons,
)
from exchange.boms.models import BomLine, BuyerProduct, LineSource
from exchange.boms.services.lines import LINE_FIELDS
from exchange.partners.models import FetchedFootprint
from exchange.sharing.models import GrantedFootprint
from exchange.sharing.selectors import SHAREABLE_STATUSES
from suppliers.models import (
    DefaultValueDecisionRecord,
    Footprint,
    FootprintPrecursor,
    FootprintStatus,
)

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class LineDecision:
    """Whether the line's actual data is used, and why not."""

    actual_data_allowed: bool
    reasons: tuple[dict[str, str], ...]
    footprint_used: str | None = None
    grant_ids: tuple[str, ...] = ()
    decision_fingerprint: str = ""
    # FETCHED_FOOTPRINT: the row used (the newest of its supersession chain) and the SHA-256
    # of its stored bytes, so that the inputs digest changes with the document.
    fetched_used: str | None = None
    fetched_sha256: str = ""


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
        from suppliers.services.decision_records import footprint_decision_refresh

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


#: The fetched footprint's columns line resolution reads.
FETCHED_FIELDS = (
    "id",
    "organisation_id",
    "sha256",
    "superseded_by_id",
    "schema_valid",
    "has_cbam_extension",
    "see_direct",
    "see_indirect",
    "verification_statement_date",
    "production_route",
)


def _load_fetched(buyer_id: int, ids: set[Any]) -> dict[str, dict[str, Any]]:
    """The buyer's fetched footprints named by lines, each mapped to the newest row of its
    supersession chain (``superseded_by`` followed to the end, like a lineage's current
    version): one query per step of the longest chain, usually one or two."""
    rows: dict[str, dict[str, Any]] = {}
    asked: set[str] = set()
    wanted = {str(i) for i in ids}
    while wanted:
        asked |= wanted
        found = FetchedFootprint.objects.filter(organisation_id=buyer_id, pk__in=wanted).values(
            *FETCHED_FIELDS
        )
        for row in found:
            rows[str(row["id"])] = dict(row)
        # Only the organisation's own rows are followed; each id is asked for once.
        wanted = {
            str(row["superseded_by_id"])
            for row in rows.values()
            if row["superseded_by_id"] and str(row["superseded_by_id"]) not in asked
        }
    newest: dict[str, dict[str, Any]] = {}
    for named in {str(i) for i in ids}:
        row = rows.get(named)
        seen = {named}
        while row is not None and row["superseded_by_id"]:
            nxt = str(row["superseded_by_id"])
            if nxt in seen or nxt not in rows:
                break
            seen.add(nxt)
            row = rows[nxt]
        if row is not None:
            newest[named] = row
    return newest


def _resolve_fetched(
    base: dict[str, Any], fetched: dict[str, Any] | None
) -> tuple[LineSpec, LineDecision]:
    """A fetched-footprint line: actual data when ``fetched_default_reasons`` finds nothing
    against the newest row (``exchange.boms.calculations.fetched``), else the default value
    with its reasons."""
    if fetched is None:
        reason = _reason(
            "BOMS-FETCHED-MISSING",
            "The fetched footprint is no longer available.",
            "fetched_footprint",
        )
        return LineSpec(**base, use="default"), LineDecision(False, (reason,))
    facts = FetchedFacts(
        schema_valid=fetched["schema_valid"],
        has_cbam_extension=fetched["has_cbam_extension"],
        see_direct=fetched["see_direct"],
        see_indirect=fetched["see_indirect"],
        verification_statement_date=fetched["verification_statement_date"],
    )
    reasons = tuple(
        _reason(code, FETCHED_REASONS[code], path) for code, path in fetched_default_reasons(facts)
    )
    used = str(fetched["id"])
    decision = LineDecision(
        not reasons, reasons, fetched_used=used, fetched_sha256=fetched["sha256"]
    )
    if reasons:
        return LineSpec(**base, use="default"), decision
    spec = LineSpec(
        **base,
        use="actual",
        see_direct=fetched["see_direct"],
        see_indirect=fetched["see_indirect"],
        benchmark_route=fetched["production_route"] or None,
    )
    return spec, decision


def _resolve_line(
    line: Mapping[str, Any],
    buyer_id: int,
    footprints: _Footprints,
    fetched: Mapping[str, dict[str, Any]] | None = None,
) -> tuple[LineSpec, LineDecision]:
    """Line resolution (docs/boms.md): a supplier footprint line uses the lineage's current
    published version when the buyer holds a live grant and its decision allows actual data;
    otherwise the default value, with every reason."""
    base = {
        "id": str(line["id"]),
        "cn_code": line["cn_code"],
        "mass_t_per_t": line["mass_t_per_t"],
        # An explicit unknown origin: the engine takes the Annex IV value (IR 2025/2621 Art. 1(5)).
        "country_of_origin": ORIGIN_UNKNOWN
        if line["origin_unknown"]
        else line["country_of_origin"],
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
    if source == LineSource.FETCHED_FOOTPRINT:
        return _resolve_fetched(base, (fetched or {}).get(str(line["fetched_footprint_id"])))
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


def closure(seeds: Iterable[str], edges: Mapping[str, set[str]]) -> set[str]:
    """``seeds`` and everything reachable from them along ``edges``."""
    found = set(seeds)
    stack = list(found)
    while stack:
        for nxt in edges.get(stack.pop(), ()):
            if nxt not in found:
                found.add(nxt)
                stack.append(nxt)
    return found


@dataclass
class Loaded:
    """The products of one recompute as loaded: specs, rows, and each line's decision."""

    specs: list[ProductSpec]
    products: dict[str, dict[str, Any]]
    lines: dict[str, list[dict[str, Any]]]
    decisions: dict[str, LineDecision]


def load_products(buyer_id: int, product_ids: set[str]) -> Loaded:
    """The buyer's products ``product_ids`` with their lines, each line resolved."""
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
    fetched = _load_fetched(
        buyer_id,
        {
            line["fetched_footprint_id"]
            for rows in lines.values()
            for line in rows
            if line["fetched_footprint_id"]
        },
    )
    specs = []
    decisions: dict[str, LineDecision] = {}
    for pid, product in products.items():
        line_specs = []
        for line in lines[pid]:
            spec, decision = _resolve_line(line, buyer_id, footprints, fetched)
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
    return Loaded(specs, products, lines, decisions)


def inputs_digests(
    loaded: Loaded, context: Mapping[str, Any], fixed: Mapping[str, str] | None = None
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
