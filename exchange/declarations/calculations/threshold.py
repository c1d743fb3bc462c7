"""The de minimis threshold of Reg. (EU) 2023/956 Art. 2(3a), inserted by Reg. (EU) 2025/2083.

    The Regulation does not apply to an importer whose cumulated net mass of goods listed in
    Annex I, other than electricity and hydrogen, imported in a calendar year does not exceed
    50 tonnes. Above it, the obligations apply to all goods imported in that year.

Decisions (docs/declarations.md):

- **50 t exactly is within the exemption**: the text exempts a cumulated mass that "does not
  exceed" 50 tonnes, so the obligations start at the first kilogram above (50.000 t: exempt;
  50.001 t: every shipment of the year is subject).
- Electricity (MWh, sector "Electricity") and hydrogen (sector "Hydrogen") are left out of the
  count; they are never exempt. Which sectors are left out is data (``EXCLUDED_SECTORS``).
- Warnings at 80 % and 90 % of the threshold (the Commission monitors importers above 90 %).
- The order of the cumulative sum is the import date, then the order the caller gives (the
  recording order), so "crossed on" names the shipment that took the total above 50 t.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from typing import Literal

from cbam.messages import gettext_noop

#: Art. 2(3a) of Reg. 2023/956 (as amended by Reg. 2025/2083): tonnes of net mass per year.
DE_MINIMIS_THRESHOLD_T = Decimal(50)
#: Sectors (goods-category table, column ``sector``) whose goods the threshold leaves out.
EXCLUDED_SECTORS: frozenset[str] = frozenset({"Electricity", "Hydrogen"})
WARNING_80 = Decimal("0.8")
WARNING_90 = Decimal("0.9")

Level = Literal["below", "warning_80", "warning_90", "exceeded"]


def counts_for_de_minimis(sector: str) -> bool:
    """Whether goods of ``sector`` count towards the 50 t (all but electricity and hydrogen)."""
    return sector not in EXCLUDED_SECTORS


@dataclass(frozen=True, slots=True)
class ThresholdShipment:
    """One shipment as the threshold sees it; ``quantity`` in the unit of its category."""

    shipment_id: str
    reference: str
    import_date: date
    cn_code: str
    quantity: Decimal
    unit: str
    sector: str

    @property
    def counts(self) -> bool:
        return counts_for_de_minimis(self.sector)


@dataclass(frozen=True, slots=True)
class ThresholdStatus:
    """Where an importer stands against the 50 t in ``year``. Masses in tonnes, exact.

    ``share`` = counted mass / threshold; ``headroom_t`` = what may still be imported without
    crossing (0 once crossed); ``crossed_by`` the shipment that took the total above the
    threshold and ``crossed_on`` its date; ``reached_80_on``/``reached_90_on`` the dates the
    warning levels were first reached. ``excluded`` counts shipments of electricity and
    hydrogen, which never count and are never exempt.
    """

    year: int
    threshold_t: Decimal
    counted_mass_t: Decimal
    counted_shipments: int
    excluded_shipments: int
    excluded_hydrogen_t: Decimal
    excluded_electricity_mwh: Decimal
    share: Decimal
    headroom_t: Decimal
    level: Level
    exceeded: bool
    crossed_on: date | None
    crossed_by: ThresholdShipment | None
    mass_before_crossing_t: Decimal
    reached_80_on: date | None
    reached_90_on: date | None
    messages: tuple[str, ...]


def _fmt(value: Decimal) -> str:
    """A mass for a message: no exponent, no trailing zeros beyond the unit (50, 49.9, 0.125)."""
    return format(value.normalize(), "f")


def threshold_status(
    *,
    year: int,
    shipments: Iterable[ThresholdShipment],
    threshold_t: Decimal = DE_MINIMIS_THRESHOLD_T,
) -> ThresholdStatus:
    """The de minimis status of ``year`` over ``shipments`` (those of other years are ignored).

    Levels: ``exceeded`` when the counted mass is above ``threshold_t`` (strictly), else
    ``warning_90`` from 90 % (50 t exactly included), ``warning_80`` from 80 %, else ``below``.
    """
    ordered = sorted(
        (s for s in shipments if s.import_date.year == year),
        key=lambda s: s.import_date,
    )
    counted = Decimal(0)
    count = excluded = 0
    hydrogen = electricity = Decimal(0)
    crossed_by: ThresholdShipment | None = None
    before_crossing = Decimal(0)
    reached_80 = reached_90 = None
    for shipment in ordered:
        if not shipment.counts:
            excluded += 1
            if shipment.unit == "MWh":
                electricity += shipment.quantity
            else:
                hydrogen += shipment.quantity
            continue
        count += 1
        previous = counted
        counted += shipment.quantity
        if crossed_by is None and counted > threshold_t:
            crossed_by = shipment
            before_crossing = previous
        if reached_80 is None and counted >= threshold_t * WARNING_80:
            reached_80 = shipment.import_date
        if reached_90 is None and counted >= threshold_t * WARNING_90:
            reached_90 = shipment.import_date
    share = counted / threshold_t
    exceeded = counted > threshold_t
    level: Level
    if exceeded:
        level = "exceeded"
    elif share >= WARNING_90:
        level = "warning_90"
    elif share >= WARNING_80:
        level = "warning_80"
    else:
        level = "below"
    headroom = max(Decimal(0), threshold_t - counted)
    status = ThresholdStatus(
        year=year,
        threshold_t=threshold_t,
        counted_mass_t=counted,
        counted_shipments=count,
        excluded_shipments=excluded,
        excluded_hydrogen_t=hydrogen,
        excluded_electricity_mwh=electricity,
        share=share,
        headroom_t=headroom,
        level=level,
        exceeded=exceeded,
        crossed_on=crossed_by.import_date if crossed_by else None,
        crossed_by=crossed_by,
        mass_before_crossing_t=before_crossing,
        reached_80_on=reached_80,
        reached_90_on=reached_90,
        messages=(),
    )
    return _with_messages(status)


SOURCE = gettext_noop("Art. 2(3a) of Reg. (EU) 2023/956 as amended by Reg. (EU) 2025/2083")


def _with_messages(s: ThresholdStatus) -> ThresholdStatus:
    limit = _fmt(s.threshold_t)
    mass = _fmt(s.counted_mass_t)
    percent = _fmt((s.share * 100).quantize(Decimal("0.1")))
    messages: list[str] = []
    if s.exceeded:
        assert s.crossed_by is not None
        messages.append(
            gettext_noop(
                "Threshold exceeded: %(mass)s t of CBAM goods imported in %(year)s is above the "
                "de minimis threshold of %(limit)s t since %(date)s (shipment %(shipment)s). "
                "The CBAM obligations apply to the whole year: to every shipment of %(year)s, "
                "including the %(before)s t imported before the threshold was crossed "
                "(%(source)s). You need the status of authorised CBAM declarant, must declare "
                "the embedded emissions of all %(year)s imports by 30 September %(next)s and "
                "surrender the certificates.",
                mass=mass,
                year=s.year,
                limit=limit,
                date=f"{s.crossed_on:%Y-%m-%d}",
                shipment=s.crossed_by.reference or s.crossed_by.shipment_id,
                before=_fmt(s.mass_before_crossing_t),
                source=SOURCE,
                next=s.year + 1,
            )
        )
    elif s.level == "warning_90":
        at_limit = (
            gettext_noop(
                " At exactly %(limit)s t you are still exempt (the exemption covers a cumulated "
                "mass that does not exceed %(limit)s t); any further import makes the whole "
                "year subject.",
                limit=limit,
            )
            if s.counted_mass_t == s.threshold_t
            else ""
        )
        messages.append(
            gettext_noop(
                "Warning: %(mass)s t imported in %(year)s, %(percent)s %% of the de minimis "
                "threshold of %(limit)s t (%(source)s); %(headroom)s t of headroom left. The "
                "Commission monitors importers above 90 %% of the threshold.%(at_limit)s If the "
                "threshold is exceeded, the obligations apply to every shipment of %(year)s.",
                mass=mass,
                year=s.year,
                percent=percent,
                limit=limit,
                source=SOURCE,
                headroom=_fmt(s.headroom_t),
                at_limit=at_limit,
            )
        )
    elif s.level == "warning_80":
        messages.append(
            gettext_noop(
                "Warning: %(mass)s t imported in %(year)s, %(percent)s %% of the de minimis "
                "threshold of %(limit)s t (%(source)s); %(headroom)s t of headroom left. If the "
                "threshold is exceeded, the obligations apply to every shipment of %(year)s.",
                mass=mass,
                year=s.year,
                percent=percent,
                limit=limit,
                source=SOURCE,
                headroom=_fmt(s.headroom_t),
            )
        )
    else:
        messages.append(
            gettext_noop(
                "%(mass)s t imported in %(year)s, %(percent)s %% of the de minimis threshold of "
                "%(limit)s t (%(source)s): exempt so far.",
                mass=mass,
                year=s.year,
                percent=percent,
                limit=limit,
                source=SOURCE,
            )
        )
    if s.excluded_shipments:
        messages.append(
            gettext_noop(
                "%(count)s shipment(s) of electricity or hydrogen are not counted: the threshold "
                "does not apply to them and they are always subject to CBAM.",
                count=s.excluded_shipments,
            )
        )
    return replace(s, messages=tuple(messages))


def cumulative_mass(
    *, year: int, shipments: Iterable[ThresholdShipment]
) -> tuple[tuple[date, Decimal], ...]:
    """The counted net mass of ``year`` as it grew: for each import date with counted goods,
    the total imported up to and including that day (tonnes, exact), in date order; what
    ``threshold_status`` sums, day by day."""
    per_day: dict[date, Decimal] = {}
    for shipment in shipments:
        if shipment.import_date.year == year and shipment.counts:
            per_day[shipment.import_date] = (
                per_day.get(shipment.import_date, Decimal(0)) + shipment.quantity
            )
    total = Decimal(0)
    points = []
    for day in sorted(per_day):
        total += per_day[day]
        points.append((day, total))
    return tuple(points)
