"""Specific embedded emissions (SEE) of simple and complex goods, 2025/2547 Annex III point B.

For each good g and each channel (direct, indirect) separately::

    SEE_g = (AttrEm_g + Σ_i M_i · SEE_i) / AL_g

- AttrEm_g: emissions attributed to the production process (tCO2e); for the indirect channel
  electricity consumed (MWh) × emission factor (tCO2/MWh), or the attributed indirect
  emissions when given;
- M_i: total mass of precursor i consumed (t); SEE_i from another good of the calculation
  (recursively, any depth), from the supplier's actual data, or from the default value;
  a precursor from the EU or an exempt country counts zero (see ``precursors``);
- AL_g: activity level, tonnes of good produced.

The official cement example (``tests/data/cbam/eu-example-cement.xlsx``) computes exactly this
way: indirect = electricity (D_Processes!L65, MWh) × factor (L66) and SEE = emissions / total
production (L24); precursor consumption is entered as a total mass in tonnes, and the summary's
"mass share" is M_i / AL.

The numerator form (one division per channel) is used rather than ``ae + Σ m_i · SEE_i``
because it divides once, matching the template's "EmbEm / production".

Input problems are collected by ``validation`` and raised together. Goods are evaluated in a
topological order found by an iterative depth-first search (no recursion, so chains of any
depth work); a reference cycle is an error naming the goods in it.
Results keep 28 significant digits; ``rounding.round_see`` quantises them for output.
Provenance is not built during the computation (it would double the cost for large graphs):
``SeeCalculation.provenance(good_id)`` rebuilds it on demand from the same rules.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal, localcontext

from cbam.defaults import electricity_factor_for
from cbam.errors import CalculationError
from cbam.precursors import resolve_precursor
from cbam.provenance import ProvenanceBuilder
from cbam.reference import ReferenceSnapshot
from cbam.rounding import CALCULATION_CONTEXT
from cbam.types import (
    ZERO,
    DefaultValueMatch,
    DefaultValueUse,
    GoodInput,
    ProvenanceNode,
    SeeResult,
)
from cbam.validation import analyse_goods, check_goods

__all__ = ["SeeCalculation", "check_goods", "compute_see"]


@dataclass(frozen=True, eq=False)
class SeeCalculation:
    """The SEE of every good of one calculation.

    ``results`` is keyed by good id in evaluation order (precursors first); ``goods`` keeps
    the input order, which ``io.render_see`` follows.
    """

    goods: tuple[GoodInput, ...]
    results: Mapping[str, SeeResult]
    snapshot: ReferenceSnapshot
    # Provenance nodes built so far, shared by later calls, so that rendering every good of a
    # calculation visits each good once. Derived data: the results never change.
    _provenance: ProvenanceBuilder | None = field(
        default=None, init=False, repr=False, compare=False
    )

    def __getitem__(self, good_id: str) -> SeeResult:
        return self.results[good_id]

    def provenance(self, good_id: str) -> ProvenanceNode:
        """Where each number of ``good_id`` came from (built on demand, then kept)."""
        if self._provenance is None:
            object.__setattr__(self, "_provenance", ProvenanceBuilder(self))
        assert self._provenance is not None
        return self._provenance.node(good_id)


def compute_see(goods: Sequence[GoodInput], snapshot: ReferenceSnapshot) -> SeeCalculation:
    """SEE (direct, indirect, counted indirect) of every good; raises ``CalculationError``
    with all problems (JSON paths ``goods[i]…``) when the input cannot be computed.

    The precursor rules are those of ``precursors.resolve_precursor`` (which provenance uses),
    inlined here for the two common cases, a reference to another good and supplier data,
    because a function call and a tuple per precursor would cost a third of the run time on
    large graphs. ``test_provenance_rebuilds_every_see_from_its_nodes`` keeps them in step.
    """
    goods = tuple(goods)
    with _gc_paused():
        return _compute(goods, snapshot)


@contextmanager
def _gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while results are built.

    A large calculation allocates a few hundred thousand small objects (results, tuples), and
    each batch of allocations triggers a collection that walks every live object, the input
    goods included: about a quarter of the run time for 100,000 goods. The engine creates no
    reference cycles, so nothing is lost by collecting afterwards. A collector that the caller
    had disabled stays disabled.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _compute(goods: tuple[GoodInput, ...], snapshot: ReferenceSnapshot) -> SeeCalculation:
    _, order, problems = analyse_goods(goods, snapshot)
    if problems:
        raise CalculationError(problems)

    category_by_cn = snapshot.category_by_cn
    counts_by_category = snapshot.indirect_counts_by_category
    exempt = snapshot.exempt_countries
    exempt_goods = {good.id for good in goods if good.country_of_origin in exempt}
    goods_by_id: dict[str, GoodInput] = {}  # only needed by resolve_precursor for references
    factors: dict[str | None, Decimal] = {}
    default_cache: dict[tuple[str, str | None], DefaultValueMatch | None] = {}
    results: dict[str, SeeResult] = {}
    with localcontext(CALCULATION_CONTEXT):
        for pos in order:
            good = goods[pos]
            category = category_by_cn[good.cn_code]
            counts = counts_by_category[category]
            direct = good.attributed_direct_tco2e
            if good.attributed_indirect_tco2e is not None:
                indirect = good.attributed_indirect_tco2e
            elif good.electricity_mwh is not None:
                factor = good.electricity_factor_tco2_per_mwh
                if factor is None:
                    country = good.country_of_origin
                    factor = factors.get(country)
                    if factor is None:
                        row = electricity_factor_for(snapshot, country)
                        assert row is not None  # checked by analyse_goods
                        factor = factors[country] = row.tco2_per_mwh
                indirect = good.electricity_mwh * factor
            else:
                indirect = ZERO
            indirect_counted = ZERO
            used: list[DefaultValueUse] | None = None
            for j, precursor in enumerate(good.precursors):
                mass = precursor.mass_t
                ref = precursor.good
                origin = precursor.country_of_origin
                if ref is not None:
                    # Rule 1 then 2 of resolve_precursor: exempt origin, else the good's SEE.
                    if (origin in exempt) if origin is not None else (ref in exempt_goods):
                        continue
                    result = results[ref]
                    direct += mass * result.see_direct
                    indirect += mass * result.see_indirect
                    if not counts:
                        indirect_counted += mass * (
                            result.see_indirect
                            if result.indirect_counts
                            else result.see_indirect_counted
                        )
                    continue
                if origin in exempt:
                    continue  # rule 1
                see_direct = precursor.see_direct
                if see_direct is not None:
                    # Rule 3: actual data; required see_indirect checked by analyse_goods.
                    see_indirect = precursor.see_indirect
                    direct += mass * see_direct
                    if see_indirect is not None:
                        indirect += mass * see_indirect
                        if (
                            not counts
                            and counts_by_category[category_by_cn[precursor.cn_code or ""]]
                        ):
                            indirect_counted += mass * see_indirect
                    continue
                resolved = resolve_precursor(  # rule 4: default value
                    precursor,
                    goods_by_id=goods_by_id,
                    results=results,
                    snapshot=snapshot,
                    default_cache=default_cache,
                )
                if resolved.default is not None:
                    if used is None:
                        used = []
                    used.append(DefaultValueUse(f"goods[{pos}].precursors[{j}]", resolved.default))
                direct += mass * resolved.see_direct
                indirect += mass * resolved.see_indirect
                if not counts:
                    indirect_counted += mass * resolved.see_indirect_counted
            activity = good.activity_level_t
            see_indirect_total = indirect / activity
            results[good.id] = SeeResult(
                good_id=good.id,
                cn_code=good.cn_code,
                category=category,
                indirect_counts=counts,
                see_direct=direct / activity,
                see_indirect=see_indirect_total,
                see_indirect_counted=see_indirect_total if counts else indirect_counted / activity,
                default_values_used=tuple(used) if used else (),
            )
    return SeeCalculation(goods=goods, results=results, snapshot=snapshot)
