"""Where a precursor's SEE comes from: one function shared by the SEE engine and provenance.

Order of the rules (2025/2547 Annex III point B; Annex III of Reg. 2023/956):

1. origin in the EU or an exempt country (IS, LI, NO, CH) -> zero, whatever else is given
   (for a reference to another good, that good's country counts unless the precursor names its
   own);
2. ``good`` -> the SEE computed for that good in this calculation;
3. ``see_direct`` given -> actual data (a supplier footprint when ``footprint_id`` is set);
4. otherwise -> the default value for (CN code, country), without mark-up.

``see_indirect_counted`` is what the precursor carries into a consuming good whose own
category counts only direct emissions (cross-over rule, 2025/2547 Annex I 3.1): the whole
indirect SEE of a precursor outside Annex II (sintered ore, cement, fertilisers), and for a
direct-only precursor only the part it inherited from such precursors. For actual or default
data of a direct-only precursor that part is unknown and taken as zero.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import NamedTuple

from cbam.defaults import match_default_value
from cbam.reference import ReferenceSnapshot
from cbam.types import (
    ZERO,
    DefaultValueMatch,
    GoodInput,
    PrecursorInput,
    ProvenanceSource,
    SeeResult,
)


class ResolvedPrecursor(NamedTuple):
    source: ProvenanceSource
    see_direct: Decimal
    see_indirect: Decimal
    see_indirect_counted: Decimal
    country: str | None
    default: DefaultValueMatch | None


def resolve_precursor(
    precursor: PrecursorInput,
    *,
    goods_by_id: Mapping[str, GoodInput],
    results: Mapping[str, SeeResult],
    snapshot: ReferenceSnapshot,
    default_cache: dict[tuple[str, str | None], DefaultValueMatch | None],
) -> ResolvedPrecursor:
    """The SEE (direct, indirect, counted indirect) of ``precursor`` and its source.

    ``results`` must already hold a referenced good; missing defaults and unknown references
    are reported by ``see.check_goods`` before any computation.
    """
    ref = precursor.good
    if ref is not None:
        country = precursor.country_of_origin or goods_by_id[ref].country_of_origin
        if country is not None and country in snapshot.exempt_countries:
            return ResolvedPrecursor("exempt_origin", ZERO, ZERO, ZERO, country, None)
        result = results[ref]
        counted = result.see_indirect if result.indirect_counts else result.see_indirect_counted
        return ResolvedPrecursor(
            "good", result.see_direct, result.see_indirect, counted, country, None
        )
    country = precursor.country_of_origin
    if country is not None and country in snapshot.exempt_countries:
        return ResolvedPrecursor("exempt_origin", ZERO, ZERO, ZERO, country, None)
    cn_code = precursor.cn_code or ""
    category = snapshot.category_by_cn[cn_code]
    counts = snapshot.indirect_counts_by_category[category]
    if precursor.see_direct is not None:
        indirect = precursor.see_indirect if precursor.see_indirect is not None else ZERO
        source: ProvenanceSource = "supplier_footprint" if precursor.footprint_id else "actual_data"
        return ResolvedPrecursor(
            source, precursor.see_direct, indirect, indirect if counts else ZERO, country, None
        )
    key = (cn_code, country)
    if key in default_cache:
        match = default_cache[key]
    else:
        match = default_cache[key] = match_default_value(snapshot, cn_code, country)
    if match is None:  # pragma: no cover - check_goods reports it before computing
        raise LookupError(f"no default value for {cn_code}/{country}")
    row = match.row
    indirect = row.see_indirect if row.see_indirect is not None else ZERO
    return ResolvedPrecursor(
        "default_value", row.see_direct, indirect, indirect if counts else ZERO, country, match
    )
