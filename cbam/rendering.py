"""Result rendering of the JSON calculator: engine results -> JSON-able dicts, every figure
quantised once (see ``io`` for the contract)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from cbam.rounding import ROUNDING_NOTE, round_emissions, round_money, round_see
from cbam.see import SeeCalculation
from cbam.types import (
    BenchmarkLookup,
    DefaultValueMatch,
    FreeAllocation,
    ObligationResult,
    ObligationYear,
    ProvenanceNode,
)


def _plain(value: Decimal | None) -> str | None:
    """A Decimal as positional text (never exponent notation), None as None."""
    return None if value is None else f"{value:f}"


def _see(value: Decimal | None) -> str | None:
    return None if value is None else f"{round_see(value):f}"


def _tco2e(value: Decimal) -> str:
    return f"{round_emissions(value):f}"


def _eur(value: Decimal) -> str:
    return f"{round_money(value):f}"


def render_default_match(match: DefaultValueMatch) -> dict[str, Any]:
    row = match.row
    return {
        "cn_code": match.cn_code,
        "country": match.country,
        "matched_cn_code": row.cn_code,
        "matched_country": row.country,
        "matched_digits": match.matched_digits,
        "used_other_countries": match.used_other,
        "origin_unknown": match.origin_unknown,
        "cn2025_predecessor": match.cn2025_predecessor,
        "see_direct": _plain(row.see_direct),
        "see_indirect": _plain(row.see_indirect),
        "production_route": row.production_route,
        "row": row.ref,
    }


_MAX_PROVENANCE_DEPTH = 25
_MAX_EXPANDED_NODES = 20_000


def render_provenance(node: ProvenanceNode, budget: list[int] | None = None) -> dict[str, Any]:
    """A provenance tree as JSON.

    The good's own sources (its data and each precursor) are always rendered. The sources of a
    referenced good are expanded beneath it down to 25 levels while ``budget`` (expanded nodes,
    shared by all goods of a response; 20,000 by default) lasts; beyond that the node says
    ``"truncated": true`` and the referenced good's own entry in the response has the rest.
    This keeps a response linear in the size of the calculation.
    """
    remaining = budget if budget is not None else [_MAX_EXPANDED_NODES]

    def render(n: ProvenanceNode, depth: int) -> dict[str, Any]:
        out: dict[str, Any] = {"source": n.source, "label": n.label}
        if n.mass_t is not None:
            out["mass_t"] = _plain(n.mass_t)
        if n.see_direct is not None:
            out["see_direct"] = _see(n.see_direct)
        if n.see_indirect is not None:
            out["see_indirect"] = _see(n.see_indirect)
        if n.reference is not None:
            out["reference"] = n.reference
        if n.note:
            out["note"] = n.note
        if n.children:
            if depth == 0:
                out["children"] = [render(c, 1) for c in n.children]
            elif depth < _MAX_PROVENANCE_DEPTH and remaining[0] >= len(n.children):
                remaining[0] -= len(n.children)
                out["children"] = [render(c, depth + 1) for c in n.children]
            else:
                out["truncated"] = True
        return out

    return render(node, 0)


def render_see(calc: SeeCalculation) -> dict[str, Any]:
    """Per good id: SEE direct/indirect/total (5 dp), what counts, defaults used, provenance."""
    goods: dict[str, Any] = {}
    budget = [_MAX_EXPANDED_NODES]
    for good in calc.goods:
        good_id = good.id
        result = calc.results[good_id]
        goods[good_id] = {
            "cn_code": result.cn_code,
            "category": result.category,
            "see_direct": _see(result.see_direct),
            "see_indirect": _see(result.see_indirect),
            "see_total": _see(result.see_total),
            "indirect_counts": result.indirect_counts,
            "see_indirect_counted": _see(result.see_indirect_counted),
            "see_counted": _see(result.see_counted),
            "default_values_used": [
                {"path": use.path, **render_default_match(use.match)}
                for use in result.default_values_used
            ],
            "provenance": render_provenance(calc.provenance(good_id), budget),
        }
    return {
        "goods": goods,
        "unit": "tCO2e per tonne of good",
        "rounding": ROUNDING_NOTE,
        "reference": calc.snapshot.label,
    }


def _render_benchmark(lookup: BenchmarkLookup | None) -> dict[str, Any] | None:
    if lookup is None:
        return None
    row = lookup.row
    return {
        "cn_code": row.cn_code,
        "column": row.column,
        "route": row.qualifier or None,
        "period": row.period,
        "value_tco2e_per_t": _plain(row.value_tco2e_per_t),
        "row": row.ref,
        "note": lookup.note or None,
    }


def _render_free_allocation(fa: FreeAllocation) -> dict[str, Any]:
    return {
        "path": fa.path,
        "per_t_tco2e": _see(fa.per_t),
        "cbam_factor": {
            "value": _plain(fa.cbam_factor.factor),
            "valid_from_year": fa.cbam_factor.valid_from_year,
            "source": fa.cbam_factor.ref,
        },
        "cscf": {"value": _plain(fa.cscf), "source": fa.cscf_source},
        "benchmark": _render_benchmark(fa.benchmark),
        "precursors": [
            {
                "path": t.path,
                "cn_code": t.cn_code,
                "mass_t_per_t": _plain(t.mass_t_per_t),
                "sefa_tco2e_per_t": _plain(t.sefa_tco2e_per_t),
                "source": t.source,
                "benchmark": _render_benchmark(t.benchmark),
                "note": t.note or None,
            }
            for t in fa.precursor_terms
        ],
        "note": fa.note or None,
    }


def _render_year(year: ObligationYear) -> dict[str, Any]:
    return {
        "year": year.year,
        "default_used": year.default_used,
        "see_direct": _see(year.see_direct_tco2e_per_t),
        "see_indirect_counted": _see(year.see_indirect_counted_tco2e_per_t),
        "mark_up": _plain(year.mark_up),
        "embedded_emissions_tco2e": _tco2e(year.embedded_emissions_tco2e),
        "free_allocation_adjustment_tco2e": _tco2e(year.free_allocation_adjustment_tco2e),
        "carbon_price_deduction_tco2e": _tco2e(year.carbon_price_deduction_tco2e),
        "certificates": _tco2e(year.certificates),
        "cost_eur": _eur(year.cost_eur),
        "rows": {
            "default_value": render_default_match(year.default_value)
            if year.default_value
            else None,
            "mark_up": (
                {
                    "sector": year.mark_up_row.sector,
                    "valid_from_year": year.mark_up_row.valid_from_year,
                    "value": _plain(year.mark_up_row.mark_up),
                    "source": year.mark_up_row.ref,
                }
                if year.mark_up_row
                else None
            ),
            "free_allocation": _render_free_allocation(year.free_allocation),
        },
    }


def render_obligation(result: ObligationResult) -> dict[str, Any]:
    """The obligation in the requested year (flat), its rows, the comparison on default values
    and the 2026-2034 projection."""
    inp = result.input
    out: dict[str, Any] = {
        "cn_code": inp.cn_code,
        "country_of_origin": inp.country_of_origin,
        "category": result.category,
        "sector": result.sector,
        "indirect_counts": result.indirect_counts,
        "quantity_t": _plain(inp.quantity_t),
        "certificate_price_eur": _plain(inp.certificate_price_eur),
        "verified": inp.verified,
        **_render_year(result.current),
    }
    if result.on_defaults is not None:
        out["cost_eur_on_defaults"] = _eur(result.on_defaults.cost_eur)
        out["certificates_on_defaults"] = _tco2e(result.on_defaults.certificates)
        saving = result.saving_eur
        out["saving_eur"] = _eur(saving) if saving is not None else None
        out["on_defaults"] = _render_year(result.on_defaults)
    out["projection"] = [
        {
            "year": entry.year,
            "cbam_factor": _plain(entry.cbam_factor),
            "mark_up": _plain(entry.mark_up),
            "certificates": _tco2e(entry.certificates),
            "cost_eur": _eur(entry.cost_eur),
            **(
                {
                    "certificates_on_defaults": _tco2e(entry.certificates_on_defaults),
                    "cost_eur_on_defaults": _eur(entry.cost_eur_on_defaults),
                }
                if entry.certificates_on_defaults is not None
                and entry.cost_eur_on_defaults is not None
                else {}
            ),
        }
        for entry in result.projection
    ]
    out["notes"] = list(result.notes)
    out["rounding"] = ROUNDING_NOTE
    return out
