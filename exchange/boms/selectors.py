"""Reads of buyer products, their lines and aggregation results, scoped to the buyer."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet

from accounts.models import Organisation
from exchange.boms.models import AggregationResult, AggregationStatus, BomLine, BuyerProduct
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
