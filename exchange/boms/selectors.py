"""Reads of buyer products, their lines and aggregation results, scoped to the buyer."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db import connection
from django.db.models import Count, F, Q, QuerySet

from accounts.models import Organisation
from cbam.rounding import round_money
from core.models import Job
from exchange.boms.models import AggregationResult, AggregationStatus, BomLine, BuyerProduct
from exchange.boms.services.recompute import RECOMPUTE_JOB
from exchange.sharing.models import FootprintRequest, RequestStatus
from reference.selectors import reference_versions_superseded


@dataclass(frozen=True)
class ProductSee:
    """The SEE of a buyer product a declaration uses (tCO2e per tonne of product).

    ``see_direct`` the direct channel; ``see_indirect`` the *counted* indirect channel (all of
    it for goods whose category counts indirect emissions, otherwise only what precursors
    outside Annex II bring: cross-over rule, 2025/2547 Annex I 3.1); ``see_total`` their sum,
    the SEE the obligation counts. ``default_share`` (0-1) is the share of ``see_total`` that
    comes from default values. ``result_id`` names the stored aggregation result.
    """

    see_direct: Decimal
    see_indirect: Decimal
    see_total: Decimal
    default_share: Decimal
    computed_at: datetime
    result_id: str


def buyer_product_see(*, product: BuyerProduct) -> ProductSee | None:
    """The latest computed SEE of ``product``; None when never computed or the last
    computation failed (its inputs could not be resolved)."""
    result = (
        AggregationResult.objects.filter(product=product, status=AggregationStatus.OK)
        .only(
            "id",
            "see_direct",
            "see_indirect_counted",
            "default_share",
            "computed_at",
        )
        .first()
    )
    if result is None or result.see_direct is None or result.see_indirect_counted is None:
        return None
    return ProductSee(
        see_direct=result.see_direct,
        see_indirect=result.see_indirect_counted,
        see_total=result.see_direct + result.see_indirect_counted,
        default_share=result.default_share if result.default_share is not None else Decimal(0),
        computed_at=result.computed_at,
        result_id=str(result.id),
    )


def buyer_products_visible_to(*, organisation: Organisation) -> QuerySet[BuyerProduct]:
    """The buyer's own products (another organisation's products do not exist for it)."""
    return BuyerProduct.objects.filter(organisation=organisation)


def bom_lines_of(*, product: BuyerProduct) -> QuerySet[BomLine]:
    return BomLine.objects.filter(product=product).order_by("position")


def aggregation_result_of(*, product: BuyerProduct) -> AggregationResult | None:
    """The stored result of ``product`` (None: not computed yet)."""
    return AggregationResult.objects.filter(product=product).first()


@dataclass(frozen=True)
class ChaseEntry:
    """One supplier line of one product, ranked by what its actual data saves (or would)."""

    product_id: str
    product_name: str
    line_id: str
    position: int
    cn_code: str
    supplier_id: int | None
    supplier_name: str
    use: str
    default_value_required: bool
    reasons: list[dict[str, Any]]
    saving_eur_per_t: Decimal
    saving_estimate_eur_per_t: Decimal | None
    assumption: str | None


def chase_list(*, organisation: Organisation, limit: int = 200) -> list[ChaseEntry]:
    """Every supplier and default line of the buyer's computed products, the largest saving
    first (EUR per tonne of the product it goes into, priced year): for a line on actual data
    what it saves, for a line on defaults what actual data would save (the sure part, the
    mark-up; the estimate beside it). Ties: product name, position."""
    entries = []
    results = AggregationResult.objects.filter(
        product__organisation=organisation, status=AggregationStatus.OK
    ).values("product_id", "product__name", "lines")
    for result in results:
        for line in result["lines"]:
            saving = line.get("saving") or {}
            sure = saving.get("sure_eur_per_t")
            if line["use"] == "own_product" or sure is None:
                continue
            estimate = saving.get("estimate_eur_per_t")
            entries.append(
                ChaseEntry(
                    product_id=str(result["product_id"]),
                    product_name=result["product__name"],
                    line_id=line["id"],
                    position=line["position"],
                    cn_code=line["cn_code"],
                    supplier_id=line.get("supplier_id"),
                    supplier_name=line.get("supplier_name") or "",
                    use=line["use"],
                    default_value_required=line["decision"]["default_value_required"],
                    reasons=line["decision"]["reasons"],
                    saving_eur_per_t=Decimal(sure),
                    saving_estimate_eur_per_t=Decimal(estimate) if estimate is not None else None,
                    assumption=saving.get("assumption"),
                )
            )
    entries.sort(key=lambda e: (-e.saving_eur_per_t, e.product_name, e.position))
    return entries[:limit]


def aggregation_reference_superseded(*, result: AggregationResult) -> list[dict[str, str]]:
    """The reference-data versions ``result`` used that have been replaced since, for the year
    it was computed for (``reference.selectors.reference_versions_superseded``)."""
    versions = result.versions or {}
    ids = versions.get("reference_versions") or []
    year = versions.get("year")
    if not ids or not isinstance(year, int):
        return []
    return reference_versions_superseded(version_ids=ids, on=date(year, 12, 31))


@dataclass(frozen=True)
class ChaseRanking:
    """The chase list as a page shows it: its ``top`` entries (without their reasons), how many
    lines it ranks in all, and the savings summed per supplier over all of them."""

    top: list[ChaseEntry]
    total: int
    suppliers: list[ChaseSupplier]


# On PostgreSQL the ranking is read from the stored lines inside the database: only the
# figures it needs cross the wire, instead of every line's document (decision, SEE used,
# contribution...), which took most of the exposure page's time for 4,000 lines.
_CHASE_LINES = """
    SELECT r.product_id, p.name, l->>'id', (l->>'position')::int, l->>'cn_code',
           (l->>'supplier_id')::bigint, COALESCE(l->>'supplier_name', ''), l->>'use',
           (l->'decision'->>'default_value_required')::boolean,
           (l->'saving'->>'sure_eur_per_t')::numeric AS sure,
           (l->'saving'->>'estimate_eur_per_t')::numeric, l->'saving'->>'assumption'
      FROM boms_aggregationresult r
      JOIN boms_buyerproduct p ON p.id = r.product_id
     CROSS JOIN LATERAL jsonb_array_elements(r.lines) l
     WHERE p.organisation_id = %s AND r.status = 'ok' AND l->>'use' <> 'own_product'
       AND l->'saving'->>'sure_eur_per_t' IS NOT NULL
     ORDER BY sure DESC, p.name, (l->>'position')::int
     LIMIT %s
"""
_CHASE_SUPPLIERS = """
    SELECT COALESCE(l->>'supplier_name', ''), COUNT(*),
           SUM((l->'saving'->>'sure_eur_per_t')::numeric)
      FROM boms_aggregationresult r
      JOIN boms_buyerproduct p ON p.id = r.product_id
     CROSS JOIN LATERAL jsonb_array_elements(r.lines) l
     WHERE p.organisation_id = %s AND r.status = 'ok' AND l->>'use' <> 'own_product'
       AND l->'saving'->>'sure_eur_per_t' IS NOT NULL
     GROUP BY 1
"""


def chase_ranking(*, organisation: Organisation, shown: int) -> ChaseRanking:
    """The ``shown`` largest savings of the buyer's chase list (as ``chase_list`` ranks them,
    reasons left out), the number of lines ranked, and the savings per supplier. Two queries
    on PostgreSQL, whatever the number of lines; elsewhere ``chase_list`` in Python."""
    if connection.vendor != "postgresql":
        entries = chase_list(organisation=organisation, limit=10**9)
        return ChaseRanking(entries[:shown], len(entries), chase_suppliers(entries))
    with connection.cursor() as cursor:
        cursor.execute(_CHASE_LINES, [organisation.pk, shown])
        top = [
            ChaseEntry(
                product_id=str(row[0]),
                product_name=row[1],
                line_id=row[2],
                position=row[3],
                cn_code=row[4],
                supplier_id=row[5],
                supplier_name=row[6],
                use=row[7],
                default_value_required=bool(row[8]),
                reasons=[],
                saving_eur_per_t=row[9],
                saving_estimate_eur_per_t=row[10],
                assumption=row[11],
            )
            for row in cursor.fetchall()
        ]
        cursor.execute(_CHASE_SUPPLIERS, [organisation.pk])
        suppliers = [
            ChaseSupplier(supplier_name=name, lines=count, saving_eur_per_t=round_money(total))
            for name, count, total in cursor.fetchall()
        ]
    suppliers.sort(key=lambda s: (-s.saving_eur_per_t, s.supplier_name))
    return ChaseRanking(top, sum(s.lines for s in suppliers), suppliers)


@dataclass(frozen=True)
class ChaseSupplier:
    """A supplier of the chase list: its lines and the sum of their savings (EUR per tonne of
    each product, added up: the buyer's volumes are not known)."""

    supplier_name: str
    lines: int
    saving_eur_per_t: Decimal


def chase_suppliers(entries: list[ChaseEntry]) -> list[ChaseSupplier]:
    """``entries`` summed per supplier name (``""``: no supplier named), the largest first."""
    totals: dict[str, list[Any]] = {}
    for entry in entries:
        found = totals.setdefault(entry.supplier_name, [0, Decimal(0)])
        found[0] += 1
        found[1] += entry.saving_eur_per_t
    suppliers = [
        ChaseSupplier(supplier_name=name, lines=count, saving_eur_per_t=round_money(total))
        for name, (count, total) in totals.items()
    ]
    suppliers.sort(key=lambda s: (-s.saving_eur_per_t, s.supplier_name))
    return suppliers


def _money(raw: str | None) -> str | None:
    return None if raw is None else str(round_money(Decimal(raw)))


def buyer_product_exposure(
    *, product: BuyerProduct, result: AggregationResult | None
) -> dict[str, Any]:
    """The exposure of ``product`` as its stored ``result`` holds it (``status`` ``pending``
    before the first computation): the cost per tonne now, on all defaults and the saving in
    the priced year, the 2026-2034 projection, and every line with its cost and saving (EUR per
    tonne of product, rounded to cents, as text), the largest saving first. What the API's
    exposure endpoint and the exposure pages show."""
    exposure = result.exposure if result is not None else {}
    current = exposure.get("current") or {}
    lines = []
    for line in result.lines if result is not None else []:
        saving = line.get("saving") or {}
        lines.append(
            {
                "line": line["id"],
                "position": line["position"],
                "cn_code": line["cn_code"],
                "supplier_name": line.get("supplier_name") or "",
                "use": line["use"],
                "reasons": line["decision"]["reasons"],
                "cost_eur_per_t": _money(line.get("cost_eur_per_t")),
                "saving_eur_per_t": _money(saving.get("sure_eur_per_t")),
                "saving_estimate_eur_per_t": _money(saving.get("estimate_eur_per_t")),
                "assumption": saving.get("assumption"),
                "note": saving.get("note") or "",
            }
        )
    lines.sort(
        key=lambda x: (
            -Decimal(x["saving_eur_per_t"]) if x["saving_eur_per_t"] is not None else 1,
            x["position"],
        )
    )
    return {
        "product": product.pk,
        "status": "pending" if result is None else result.status,
        "year": exposure.get("year"),
        "certificate_price_eur": exposure.get("certificate_price_eur"),
        "certificate_price": exposure.get("certificate_price"),
        "cost_eur_per_t": current.get("cost_eur_per_t"),
        "cost_all_defaults_eur_per_t": current.get("cost_all_defaults_eur_per_t"),
        "saving_eur_per_t": current.get("saving_eur_per_t"),
        "projection": exposure.get("projection", []),
        "notes": exposure.get("notes", []),
        "lines": lines,
        "problems": result.problems if result is not None else [],
    }


@dataclass(frozen=True)
class ProductOverview:
    """One buyer product as the lists show it: what it is, how many lines, and its stored
    result's headline figures (None where never computed or failed). ``stale``: the product or
    its bill changed after the result was computed (a recompute is due or running)."""

    id: Any
    name: str
    cn_code: str
    country_of_production: str
    reference: str
    line_count: int
    status: str
    see_counted: Decimal | None
    default_share: Decimal | None
    year: int | None
    certificate_price_eur: Decimal | None
    cost_eur_per_t: Decimal | None
    cost_all_defaults_eur_per_t: Decimal | None
    saving_eur_per_t: Decimal | None
    computed_at: datetime | None
    stale: bool

    @property
    def default_share_pct(self) -> Decimal | None:
        """The share from default values in per cent, one decimal."""
        if self.default_share is None:
            return None
        return (self.default_share * 100).quantize(Decimal("0.1"))


def _cents(raw: Any) -> Decimal | None:
    """A stored euro figure (text in the exposure document) as Decimal cents."""
    return None if raw in (None, "") else round_money(Decimal(str(raw)))


def buyer_products_overview(*, organisation: Organisation) -> list[ProductOverview]:
    """Every product of ``organisation`` with its line count and headline figures, by name:
    one query, reading only the figures of the stored exposure document it shows."""
    rows = (
        BuyerProduct.objects.filter(organisation=organisation)
        .annotate(line_count=Count("lines"))
        .order_by("name", "id")
        .values(
            "id",
            "name",
            "cn_code",
            "country_of_production",
            "reference",
            "updated_at",
            "line_count",
            "aggregation__status",
            "aggregation__see_direct",
            "aggregation__see_indirect_counted",
            "aggregation__default_share",
            "aggregation__year",
            "aggregation__certificate_price_eur",
            "aggregation__computed_at",
            "aggregation__exposure__current__cost_eur_per_t",
            "aggregation__exposure__current__cost_all_defaults_eur_per_t",
            "aggregation__exposure__current__saving_eur_per_t",
        )
    )
    products = []
    for row in rows:
        direct = row["aggregation__see_direct"]
        indirect = row["aggregation__see_indirect_counted"]
        computed_at = row["aggregation__computed_at"]
        products.append(
            ProductOverview(
                id=row["id"],
                name=row["name"],
                cn_code=row["cn_code"],
                country_of_production=row["country_of_production"],
                reference=row["reference"],
                line_count=row["line_count"],
                status=row["aggregation__status"] or "pending",
                see_counted=direct + indirect
                if direct is not None and indirect is not None
                else None,
                default_share=row["aggregation__default_share"],
                year=row["aggregation__year"],
                certificate_price_eur=row["aggregation__certificate_price_eur"],
                cost_eur_per_t=_cents(row["aggregation__exposure__current__cost_eur_per_t"]),
                cost_all_defaults_eur_per_t=_cents(
                    row["aggregation__exposure__current__cost_all_defaults_eur_per_t"]
                ),
                saving_eur_per_t=_cents(row["aggregation__exposure__current__saving_eur_per_t"]),
                computed_at=computed_at,
                stale=computed_at is None or row["updated_at"] > computed_at,
            )
        )
    return products


#: What the recompute of a buyer's products is doing: ``running`` while a work row that may
#: concern them is pending or running, ``failed`` when the newest one failed, else ``done``.
RecomputeState = str


def buyer_recompute_state(*, organisation: Organisation) -> RecomputeState:
    """Whether a recompute that may concern ``organisation``'s products is under way: a
    ``boms.recompute`` work row of this buyer, or of every buyer (a supplier's change, new
    reference data), pending or running. ``failed`` when the newest such row of this buyer
    failed. One query."""
    newest = (
        Job.objects.filter(kind=RECOMPUTE_JOB)
        .filter(Q(organisation_id=organisation.pk) | Q(organisation_id__isnull=True))
        .filter(
            Q(status__in=(Job.Status.PENDING, Job.Status.RUNNING))
            | Q(organisation_id=organisation.pk)
        )
        # Unfinished rows (no finish time) first, then the newest.
        .order_by(F("finished_at").desc(nulls_first=True), "-id")
        .values_list("status", flat=True)
        .first()
    )
    if newest in (Job.Status.PENDING, Job.Status.RUNNING):
        return "running"
    if newest == Job.Status.FAILED:
        return "failed"
    return "done"


@dataclass(frozen=True)
class OpenRequest:
    """An open footprint request of the buyer a chase-list line may be reminded of."""

    id: Any
    supplier_id: int | None
    supplier_name: str
    supplier_email: str
    cn_code: str
    due_date: date
    created_at: datetime


def open_request_for(
    requests: list[OpenRequest], *, supplier_id: int | None, supplier_name: str, cn_code: str
) -> OpenRequest | None:
    """The open request (newest first in ``requests``) that asks this line's supplier for its
    CN code: the same organisation on the platform, or, for a supplier not on it, the same
    name (ignoring case); a request naming no CN code matches any."""
    name = supplier_name.strip().casefold()
    for request in requests:
        if request.cn_code and request.cn_code != cn_code:
            continue
        if supplier_id is not None and request.supplier_id == supplier_id:
            return request
        if name and request.supplier_name.strip().casefold() == name:
            return request
    return None


def open_requests_of(*, buyer: Organisation) -> list[OpenRequest]:
    """``buyer``'s open footprint requests, newest first (one query)."""
    rows = (
        FootprintRequest.objects.filter(buyer=buyer, status=RequestStatus.OPEN)
        .order_by("-created_at", "id")
        .values(
            "id",
            "supplier_id",
            "supplier_name",
            "supplier__legal_name_latin",
            "supplier_email",
            "cn_code",
            "due_date",
            "created_at",
        )
    )
    return [
        OpenRequest(
            id=row["id"],
            supplier_id=row["supplier_id"],
            supplier_name=row["supplier_name"] or row["supplier__legal_name_latin"] or "",
            supplier_email=row["supplier_email"],
            cn_code=row["cn_code"],
            due_date=row["due_date"],
            created_at=row["created_at"],
        )
        for row in rows
    ]
