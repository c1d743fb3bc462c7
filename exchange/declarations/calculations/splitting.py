"""Heuristics that flag a pattern of imports looking like splitting to stay under 50 t.

Splitting consignments to stay below the de minimis threshold is prohibited (Reg. (EU)
2023/956 Art. 2(3a) and recital, as amended by Reg. (EU) 2025/2083: artificial splitting is
circumvention, Art. 27). The platform cannot prove intent; it warns, so that the importer can
explain or declare. Two patterns (docs/declarations.md):

1. **Headroom hugging**: consignments that each take most of the headroom left before them
   (at least ``HEADROOM_SHARE`` = 75 % of it) without crossing the threshold, at least
   ``MIN_CONSIGNMENTS`` = 3 times in the year: 40 t, then 8 t of the 10 t left, then 1.8 t of
   the 2 t left. Steady imports (10 t a month) take 20 %, 25 %, 33 %, 50 % of the headroom and
   do not trigger it.
2. **Spread across related importers**: the same CN codes imported by this importer and by
   related importers (organisations the asking person is also a member of), each at or below
   the threshold but together above it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from cbam.messages import gettext_noop
from exchange.declarations.calculations.threshold import (
    DE_MINIMIS_THRESHOLD_T,
    ThresholdShipment,
)

HEADROOM_SHARE = Decimal("0.75")
MIN_CONSIGNMENTS = 3


@dataclass(frozen=True, slots=True)
class SplittingWarning:
    """One suspicious pattern: ``code`` ``headroom_hugging`` or ``related_importers``,
    the message, and what it is about (shipment references or ids; organisation slugs and
    CN codes)."""

    code: str
    message: str
    shipments: tuple[str, ...] = ()
    organisations: tuple[str, ...] = ()
    cn_codes: tuple[str, ...] = ()
    combined_mass_t: Decimal | None = None


def _fmt(value: Decimal) -> str:
    return format(value.normalize(), "f")


def headroom_hugging(
    *,
    year: int,
    shipments: Iterable[ThresholdShipment],
    threshold_t: Decimal = DE_MINIMIS_THRESHOLD_T,
    share: Decimal = HEADROOM_SHARE,
    min_consignments: int = MIN_CONSIGNMENTS,
) -> SplittingWarning | None:
    """Pattern 1 over the counted shipments of ``year``, in import-date order.

    A consignment "hugs" the headroom when ``share × headroom ≤ quantity ≤ headroom``, the
    headroom being the threshold minus the mass imported before it. Counting stops once the
    threshold is crossed (from then on the whole year is declared anyway).
    """
    ordered = sorted(
        (s for s in shipments if s.import_date.year == year and s.counts),
        key=lambda s: s.import_date,
    )
    cumulative = Decimal(0)
    hugging: list[ThresholdShipment] = []
    for shipment in ordered:
        headroom = threshold_t - cumulative
        if headroom <= 0:
            break
        if share * headroom <= shipment.quantity <= headroom:
            hugging.append(shipment)
        cumulative += shipment.quantity
    if len(hugging) < min_consignments:
        return None
    names = tuple(s.reference or s.shipment_id for s in hugging)
    return SplittingWarning(
        code="headroom_hugging",
        message=gettext_noop(
            "Possible splitting: %(count)s consignments in %(year)s each took at least "
            "%(share)s %% of the headroom left under the %(limit)s t de minimis threshold "
            "without crossing it (%(shipments)s). Splitting imports to stay below the threshold "
            "is prohibited; if these are separate orders, keep the evidence. Otherwise declare "
            "the whole year.",
            count=len(hugging),
            year=year,
            share=_fmt(share * 100),
            limit=_fmt(threshold_t),
            shipments=", ".join(names),
        ),
        shipments=names,
    )


@dataclass(frozen=True, slots=True)
class ImporterMasses:
    """Counted tonnes per CN code of one importer in a year (``slug``: its organisation)."""

    slug: str
    name: str
    mass_by_cn_t: Mapping[str, Decimal]

    @property
    def total_t(self) -> Decimal:
        return sum(self.mass_by_cn_t.values(), Decimal(0))


def spread_across_related(
    *,
    year: int,
    own: ImporterMasses,
    related: Iterable[ImporterMasses],
    threshold_t: Decimal = DE_MINIMIS_THRESHOLD_T,
) -> SplittingWarning | None:
    """Pattern 2: ``own`` is at or below the threshold, and together with the related
    importers that import some of the same CN codes the total is above it.

    Only organisations the asking person belongs to are passed as ``related`` (the service
    makes sure), so the message may name them and their figures.
    """
    if own.total_t > threshold_t or not own.mass_by_cn_t:
        return None
    involved = [
        r for r in related if r.slug != own.slug and set(r.mass_by_cn_t) & set(own.mass_by_cn_t)
    ]
    if not involved:
        return None
    combined = own.total_t + sum((r.total_t for r in involved), Decimal(0))
    if combined <= threshold_t:
        return None
    shared = sorted(set(own.mass_by_cn_t) & set().union(*(set(r.mass_by_cn_t) for r in involved)))
    others = ", ".join(f"{r.name} ({_fmt(r.total_t)} t)" for r in involved)
    return SplittingWarning(
        code="related_importers",
        message=gettext_noop(
            "Possible splitting across related importers: in %(year)s you imported %(own)s t "
            "and %(others)s imported the same CN codes (%(codes)s); together %(combined)s t, "
            "above the %(limit)s t de minimis threshold, while your own imports stay at or "
            "below it. Spreading the same goods across related importers to stay below the "
            "threshold is prohibited.",
            year=year,
            own=_fmt(own.total_t),
            others=others,
            codes=", ".join(shared),
            combined=_fmt(combined),
            limit=_fmt(threshold_t),
        ),
        organisations=tuple(r.slug for r in involved),
        cn_codes=tuple(shared),
        combined_mass_t=combined,
    )
