"""Provenance tree of a computed SEE: which own data, footprint, default row or good each
number came from.

Built on demand from a :class:`~cbam.see.SeeCalculation` with the same
precursor rules as the computation (``precursors.resolve_precursor``), so it cannot disagree
with the figures. The goods reachable from the one asked are visited in post-order with an
explicit stack (no recursion) and each good's node is built once; a precursor that references
another good carries that good's node's children, so the tree goes down to the last own
datum, footprint or default row.
"""

from __future__ import annotations

from decimal import localcontext
from typing import TYPE_CHECKING

from cbam.cn_codes import predecessor_note
from cbam.defaults import electricity_factor_for
from cbam.precursors import ResolvedPrecursor, resolve_precursor
from cbam.rounding import CALCULATION_CONTEXT
from cbam.types import (
    DefaultValueMatch,
    GoodInput,
    PrecursorInput,
    ProvenanceNode,
)

if TYPE_CHECKING:
    from cbam.see import SeeCalculation


def _own_nodes(calc: SeeCalculation, good: GoodInput) -> list[ProvenanceNode]:
    activity = good.activity_level_t
    nodes = [
        ProvenanceNode(
            source="attributed_emissions",
            label="attributed direct emissions (own data)",
            see_direct=good.attributed_direct_tco2e / activity,
            note=f"AttrEm {good.attributed_direct_tco2e} tCO2e / AL {activity} t",
        )
    ]
    if good.attributed_indirect_tco2e is not None:
        nodes.append(
            ProvenanceNode(
                source="attributed_emissions",
                label="attributed indirect emissions (own data)",
                see_indirect=good.attributed_indirect_tco2e / activity,
                note=f"{good.attributed_indirect_tco2e} tCO2e / AL {activity} t",
            )
        )
    elif good.electricity_mwh is not None:
        factor = good.electricity_factor_tco2_per_mwh
        if factor is not None:
            reference = "given"
            factor_note = "factor given (actual; needs a direct link or PPA as evidence)"
        else:
            row = electricity_factor_for(calc.snapshot, good.country_of_origin)
            assert row is not None
            factor, reference = row.tco2_per_mwh, row.ref
            factor_note = f"default grid factor of {row.country} (IR 2025/2621 Annex II)"
        nodes.append(
            ProvenanceNode(
                source="electricity",
                label="electricity consumed (own data)",
                see_indirect=good.electricity_mwh * factor / activity,
                reference=reference,
                note=(
                    f"{good.electricity_mwh} MWh × {factor} tCO2/MWh / AL {activity} t; "
                    f"{factor_note}"
                ),
            )
        )
    return nodes


def _default_note(match: DefaultValueMatch) -> str:
    note = _default_origin_note(match)
    if match.cn2025_predecessor:
        note += "; " + predecessor_note(match.cn_code, match.cn2025_predecessor, "default value")
    return note


def _default_origin_note(match: DefaultValueMatch) -> str:
    if match.origin_unknown:
        return (
            f"Annex IV value of CN {match.row.cn_code} ({match.matched_digits}-digit row): the "
            "country of production cannot be identified (IR 2025/2621 Art. 1(5), Annex IV as "
            "replaced by IR 2026/1740), not the Other countries value; without mark-up"
        )
    origin = (
        f"no row for {match.country}, Other countries used"
        if match.used_other
        else f"row for {match.country}"
    )
    return (
        f"default value of CN {match.row.cn_code} ({match.matched_digits}-digit row; {origin}), "
        "IR 2025/2621 Annex I, without mark-up"
    )


def _precursor_node(
    resolved: ResolvedPrecursor,
    *,
    path: str,
    precursor: PrecursorInput,
    nodes: dict[str, ProvenanceNode],
) -> ProvenanceNode:
    ref = precursor.good
    reference: str | None
    children: tuple[ProvenanceNode, ...] = ()
    if resolved.source == "exempt_origin":
        reference = resolved.country
        note = f"origin {resolved.country}: EU member state or Annex III country, counts zero"
    elif resolved.source == "good":
        assert ref is not None
        reference, note, children = ref, "computed in this calculation", nodes[ref].children
    elif resolved.source == "default_value":
        assert resolved.default is not None
        reference, note = resolved.default.row.ref, _default_note(resolved.default)
    elif resolved.source == "supplier_footprint":
        reference = precursor.footprint_id
        note = f"actual data of supplier footprint {precursor.footprint_id}"
    else:
        reference, note = None, "actual data given without a footprint id"
    return ProvenanceNode(
        source=resolved.source,
        label=f"{path}: " + (f"good {ref}" if ref is not None else f"CN {precursor.cn_code}"),
        see_direct=resolved.see_direct,
        see_indirect=resolved.see_indirect,
        mass_t=precursor.mass_t,
        reference=reference,
        note=note,
        children=children,
    )


class ProvenanceBuilder:
    """Builds and keeps the provenance nodes of one calculation's goods.

    Each good's node is built once, after the nodes of the goods it references; asking for
    every good of a calculation therefore costs one pass over the graph.
    """

    def __init__(self, calc: SeeCalculation) -> None:
        self.calc = calc
        self.goods_by_id = {good.id: good for good in calc.goods}
        self.positions = {good.id: pos for pos, good in enumerate(calc.goods)}
        self.nodes: dict[str, ProvenanceNode] = {}
        self.default_cache: dict[tuple[str, str | None], DefaultValueMatch | None] = {}

    def node(self, good_id: str) -> ProvenanceNode:
        """The provenance tree of ``good_id``: own data, then each precursor's source."""
        if good_id not in self.nodes:
            with localcontext(CALCULATION_CONTEXT):
                for good in self._missing_in_post_order(good_id):
                    self.nodes[good.id] = self._build(good)
        return self.nodes[good_id]

    def _missing_in_post_order(self, good_id: str) -> list[GoodInput]:
        """Goods reachable from ``good_id`` without a node yet, each after its precursors
        (explicit stack, no recursion)."""
        seen = {good_id}
        stack = [(self.goods_by_id[good_id], 0)]
        order: list[GoodInput] = []
        while stack:
            good, k = stack.pop()
            refs = good.precursors
            while k < len(refs):
                ref = refs[k].good
                if ref is not None and ref not in seen and ref not in self.nodes:
                    break
                k += 1
            if k < len(refs):
                ref = refs[k].good
                assert ref is not None
                seen.add(ref)
                stack.append((good, k + 1))
                stack.append((self.goods_by_id[ref], 0))
            else:
                order.append(good)
        return order

    def _build(self, good: GoodInput) -> ProvenanceNode:
        calc = self.calc
        result = calc.results[good.id]
        children = _own_nodes(calc, good)
        for j, precursor in enumerate(good.precursors):
            resolved = resolve_precursor(
                precursor,
                goods_by_id=self.goods_by_id,
                results=calc.results,
                snapshot=calc.snapshot,
                default_cache=self.default_cache,
            )
            children.append(
                _precursor_node(
                    resolved,
                    path=f"goods[{self.positions[good.id]}].precursors[{j}]",
                    precursor=precursor,
                    nodes=self.nodes,
                )
            )
        return ProvenanceNode(
            source="good",
            label=f"{good.id} (CN {good.cn_code}, {result.category})",
            see_direct=result.see_direct,
            see_indirect=result.see_indirect,
            reference=good.id,
            note=f"(AttrEm + Σ M_i·SEE_i) / AL with AL {good.activity_level_t} t",
            children=tuple(children),
        )
