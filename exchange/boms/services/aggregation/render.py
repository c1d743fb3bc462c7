"""The JSON documents of a stored result: lines (decision, SEE used, contribution, cost,
saving), provenance (own sources only) and exposure. Figures are stored with 10 decimals
(``STORE_Q``) or rounded to cents once (money), as the API shows them.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from cbam.certificate_prices import AppliedCertificatePrice, certificate_price_json
from cbam.rendering import render_default_match, render_provenance
from cbam.rounding import round_money
from exchange.boms.calculations import Contribution, LineSpec, ProductExposure
from exchange.boms.services.aggregation.load import LineDecision

#: Provenance nodes expanded below a product's own sources. 0: an own product used as a line
#: is shown with its SEE and ``"truncated": true``; its own tree is in its own result (as the
#: calculator renders referenced goods), which keeps each result linear in its lines.
PROVENANCE_BUDGET = 0
STORE_Q = Decimal("0.0000000001")


def provenance_json(node: Any) -> dict[str, Any]:
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


def stored_number(value: Decimal | None) -> str | None:
    return None if value is None else str(value.quantize(STORE_Q))


def line_json(
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
        "fetched_footprint_id": str(row["fetched_footprint_id"])
        if row.get("fetched_footprint_id")
        else None,
        "decision": {
            "actual_data_allowed": decision.actual_data_allowed,
            "default_value_required": spec.use == "default",
            "reasons": list(decision.reasons),
            "footprint_used": decision.footprint_used,
            "grant_ids": list(decision.grant_ids),
            "fetched_used": decision.fetched_used,
        },
        "use": spec.use,
        "see_used": None
        if contribution is None
        else {
            "source": contribution.source,
            "see_direct": stored_number(contribution.see_direct),
            "see_indirect": stored_number(contribution.see_indirect),
            "default_value": render_default_match(contribution.default_value)
            if contribution.default_value is not None
            else None,
        },
        "contribution": None
        if contribution is None
        else {
            "direct": stored_number(contribution.direct),
            "indirect": stored_number(contribution.indirect),
            "counted": stored_number(contribution.counted),
        },
        "cost_eur_per_t": stored_number(saving.cost_eur_per_t) if saving else None,
        "saving": None
        if saving is None
        else {
            "sure_eur_per_t": stored_number(saving.sure_eur_per_t),
            "estimate_eur_per_t": stored_number(saving.estimate_eur_per_t),
            "assumption": saving.assumption,
            "note": saving.note,
        },
    }


def exposure_json(exposure: ProductExposure, price: AppliedCertificatePrice) -> dict[str, Any]:
    """The stored exposure: per year the cost per tonne at ``price`` (the price published last,
    or the labelled assumption, named in ``certificate_price`` and, when assumed, in a note)."""

    def year(entry: Any) -> dict[str, Any]:
        return {
            "year": entry.year,
            "cost_eur_per_t": str(round_money(entry.cost_eur_per_t)),
            "cost_all_defaults_eur_per_t": str(round_money(entry.cost_all_defaults_eur_per_t)),
            "saving_eur_per_t": str(
                round_money(entry.cost_all_defaults_eur_per_t - entry.cost_eur_per_t)
            ),
            "certificates_per_t": stored_number(entry.certificates_per_t),
            "certificates_all_defaults_per_t": stored_number(entry.certificates_all_defaults_per_t),
            "mark_up_tco2e_per_t": stored_number(entry.mark_up_tco2e_per_t),
            "free_allocation_tco2e_per_t": stored_number(entry.free_allocation_tco2e_per_t),
        }

    return {
        "year": exposure.year,
        "certificate_price_eur": str(exposure.certificate_price_eur),
        "certificate_price": certificate_price_json(price),
        "current": year(exposure.current),
        "projection": [year(entry) for entry in exposure.years],
        "notes": [
            *exposure.notes,
            *(
                [f"every year priced on an assumption: {price.label}"]
                if price.basis == "assumption"
                else []
            ),
        ],
    }
