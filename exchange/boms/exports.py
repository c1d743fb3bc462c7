"""A buyer's bills of materials as tables for CSV and XLSX downloads: its products, their lines,
and the exposure 2026-2034. Each figure is the one the pages show, rounded the same way (SEE to
5 decimals, ``cbam.rounding.round_see``; euros to cents, ``round_money``), so an exported number
equals the page's. Reads only (three queries at most); text cells are neutralised by the
writers (``core.spreadsheet``)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from accounts.models import Organisation
from cbam.rounding import round_money, round_see
from core.spreadsheet import Cell
from exchange.boms.models import AggregationResult, BomLine
from exchange.boms.selectors import buyer_products_overview

Table = tuple[list[str], list[list[Cell]]]

PRODUCT_HEADER = [
    "product_id",
    "name",
    "reference",
    "cn_code",
    "country_of_production",
    "lines",
    "status",
    "see_counted_tco2e_per_t",
    "default_share_pct",
    "year",
    "certificate_price_eur",
    "cost_eur_per_t",
    "cost_all_defaults_eur_per_t",
    "saving_eur_per_t",
    "computed_at",
]

LINE_HEADER = [
    "product_id",
    "product",
    "position",
    "cn_code",
    "description",
    "mass_t_per_t",
    "country_of_origin",
    "origin_unknown",
    "source",
    "supplier",
    "footprint_id",
    "own_product_id",
    "fetched_footprint_id",
    "used",
    "reasons",
    "see_direct_used",
    "see_indirect_used",
    "default_value_row",
    "contribution_counted_tco2e_per_t",
    "cost_eur_per_t",
    "saving_eur_per_t",
    "saving_estimate_eur_per_t",
]

EXPOSURE_HEADER = [
    "product_id",
    "product",
    "cn_code",
    "year",
    "cost_eur_per_t",
    "cost_all_defaults_eur_per_t",
    "saving_eur_per_t",
    "certificates_per_t",
    "certificate_price_eur",
]


def _number(raw: Any) -> Decimal | None:
    return None if raw in (None, "") else Decimal(str(raw))


def _see(raw: Any) -> Decimal | None:
    value = _number(raw)
    return None if value is None else round_see(value)


def _money(raw: Any) -> Decimal | None:
    value = _number(raw)
    return None if value is None else round_money(value)


def products_table(*, organisation: Organisation) -> Table:
    """One row per product: what the products list and the exposure page show."""
    rows: list[list[Cell]] = []
    for p in buyer_products_overview(organisation=organisation):
        rows.append(
            [
                str(p.id),
                p.name,
                p.reference,
                p.cn_code,
                p.country_of_production,
                p.line_count,
                p.status,
                round_see(p.see_counted) if p.see_counted is not None else None,
                p.default_share_pct,
                p.year,
                p.certificate_price_eur,
                p.cost_eur_per_t,
                p.cost_all_defaults_eur_per_t,
                p.saving_eur_per_t,
                p.computed_at.isoformat() if p.computed_at else None,
            ]
        )
    return PRODUCT_HEADER, rows


def lines_table(*, organisation: Organisation) -> Table:
    """One row per line of every product, with what its stored result says of it (empty
    figures for a line added since the last computation)."""
    stored: dict[str, dict[str, Any]] = {}
    for lines in AggregationResult.objects.filter(product__organisation=organisation).values_list(
        "lines", flat=True
    ):
        for line in lines:
            stored[line["id"]] = line
    rows: list[list[Cell]] = []
    for line in (
        BomLine.objects.filter(product__organisation=organisation)
        .select_related("product")
        .order_by("product__name", "product_id", "position")
    ):
        data = stored.get(str(line.pk)) or {}
        see = data.get("see_used") or {}
        default = see.get("default_value") or {}
        saving = data.get("saving") or {}
        decision = data.get("decision") or {}
        rows.append(
            [
                str(line.product_id),
                line.product.name,
                line.position,
                line.cn_code,
                line.description,
                line.mass_t_per_t.normalize(),
                line.country_of_origin,
                "yes" if line.origin_unknown else "no",
                line.source,
                line.supplier_name,
                str(line.footprint_id) if line.footprint_id else None,
                str(line.own_product_id) if line.own_product_id else None,
                str(line.fetched_footprint_id) if line.fetched_footprint_id else None,
                data.get("use"),
                " ".join(str(r.get("code")) for r in decision.get("reasons", [])) or None,
                _see(see.get("see_direct")),
                _see(see.get("see_indirect")),
                default.get("row"),
                _see((data.get("contribution") or {}).get("counted")),
                _money(data.get("cost_eur_per_t")),
                _money(saving.get("sure_eur_per_t")),
                _money(saving.get("estimate_eur_per_t")),
            ]
        )
    return LINE_HEADER, rows


def exposure_table(*, organisation: Organisation) -> Table:
    """One row per computed product and year 2026-2034: the cost per tonne as it stands, on
    all defaults, and the saving, at the certificate price of the result."""
    rows: list[list[Cell]] = []
    results = (
        AggregationResult.objects.filter(product__organisation=organisation)
        .order_by("product__name", "product_id")
        .values("product_id", "product__name", "product__cn_code", "exposure")
    )
    for result in results:
        exposure = result["exposure"] or {}
        for year in exposure.get("projection", []):
            rows.append(
                [
                    str(result["product_id"]),
                    result["product__name"],
                    result["product__cn_code"],
                    year["year"],
                    _money(year["cost_eur_per_t"]),
                    _money(year["cost_all_defaults_eur_per_t"]),
                    _money(year["saving_eur_per_t"]),
                    _number(year.get("certificates_per_t")),
                    _number(exposure.get("certificate_price_eur")),
                ]
            )
    return EXPOSURE_HEADER, rows
