"""The price of a CBAM certificate for goods imported on a date, and the last published price.

Reg. (EU) 2023/956 Art. 21 as amended by Reg. (EU) 2025/2083, with Implementing Regulation
(EU) 2025/2548 (how the price is calculated and published):

- goods imported in **2026**: the quarterly average of the clearing prices of the EU ETS
  allowance auctions of the **quarter of importation** (``quarterly`` rows);
- from **2027**: the weekly average of the **calendar week** (Monday to Sunday) of
  importation (``weekly`` rows).

The published prices are reference data (``certificate_prices``: period, kind, price, date of
publication, source). Where no price is published for the period asked (a quarter not over
yet, a table not updated yet), the caller's explicit assumption is used and **labelled** as
such (``basis`` ``assumption``), never passed off as a published figure. Every price carries the
text that names where it came from (``source``: the table row, or the assumption).

Pure: stdlib and ``Decimal`` only.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any, Literal

from cbam.rounding import round_money

PriceKind = Literal["quarterly", "weekly"]
QUARTERLY: PriceKind = "quarterly"
WEEKLY: PriceKind = "weekly"
#: The first year whose goods are priced per calendar week (Art. 21(1) as amended).
WEEKLY_FROM_YEAR = 2027

#: How an applied price was obtained: a published row, the labelled assumption, or a price the
#: caller gave for the whole calculation.
PriceBasis = Literal["published", "assumption", "given"]


@dataclass(frozen=True, slots=True)
class CertificatePriceRow:
    """One published price: EUR per certificate for goods imported from ``period_start`` to
    ``period_end`` (inclusive), published on ``publication_date``. ``ref`` names the table,
    version and line; ``source`` is the row's own note on where the figure was read."""

    period_start: date
    period_end: date
    kind: PriceKind
    price_eur: Decimal
    publication_date: date
    source: str
    ref: str


@dataclass(frozen=True, slots=True)
class PricingPeriod:
    """The period whose price applies to a date of importation: its quarter (2026) or its
    calendar week, Monday to Sunday (from 2027)."""

    start: date
    end: date
    kind: PriceKind

    @property
    def label(self) -> str:
        """``Q3 2026`` or ``2027-W05`` (ISO week)."""
        if self.kind == QUARTERLY:
            return f"Q{(self.start.month - 1) // 3 + 1} {self.start.year}"
        year, week, _ = self.start.isocalendar()
        return f"{year}-W{week:02d}"


@dataclass(frozen=True, slots=True)
class PriceAssumption:
    """The explicit price used where none is published, and the words that label it (e.g. the
    setting it comes from)."""

    price_eur: Decimal
    source: str


@dataclass(frozen=True, slots=True)
class AppliedCertificatePrice:
    """A certificate price as a calculation uses it.

    ``basis`` ``published``: ``row`` is the published price of ``period``; ``assumption``: no
    price is published for ``period`` (or at all), ``price_eur`` is the assumption's;
    ``given``: the caller set the price. ``source`` names the row (table, version, line) or the
    assumption; ``label`` says all of it in one sentence for people.
    """

    price_eur: Decimal
    basis: PriceBasis
    period: PricingPeriod | None
    row: CertificatePriceRow | None
    source: str

    @property
    def published_on(self) -> date | None:
        return self.row.publication_date if self.row is not None else None

    @property
    def label(self) -> str:
        price = f"EUR {self.price_eur}"
        if self.row is not None:
            period = PricingPeriod(self.row.period_start, self.row.period_end, self.row.kind)
            return (
                f"{period.label} {self.row.kind} average {price} published "
                f"{self.row.publication_date.isoformat()} ({self.source})"
            )
        if self.basis == "given":
            return f"{price} given by the caller for every period"
        where = f" for {self.period.label}" if self.period is not None else ""
        return f"assumption {price}{where} ({self.source}): no price published for it"


def pricing_period(on: date) -> PricingPeriod:
    """The period whose price applies to goods imported on ``on`` (module docstring)."""
    if on.year < WEEKLY_FROM_YEAR:
        first_month = (on.month - 1) // 3 * 3 + 1
        start = date(on.year, first_month, 1)
        next_start = (
            date(on.year + 1, 1, 1) if first_month == 10 else date(on.year, first_month + 3, 1)
        )
        return PricingPeriod(start, next_start - timedelta(days=1), QUARTERLY)
    monday = on - timedelta(days=on.weekday())
    return PricingPeriod(monday, monday + timedelta(days=6), WEEKLY)


def is_pricing_period(start: date, end: date, kind: str) -> bool:
    """Whether ``start``-``end`` is a whole period of ``kind``: a calendar quarter before 2027,
    a Monday-to-Sunday week that ends in 2027 or later (what a published row may cover)."""
    if kind not in (QUARTERLY, WEEKLY):
        return False
    period = pricing_period(end)
    if kind == WEEKLY and end.year < WEEKLY_FROM_YEAR:
        return False
    return (period.start, period.end, period.kind) == (start, end, kind)


def price_for_importation(
    rows: Iterable[CertificatePriceRow], *, on: date, assumption: PriceAssumption
) -> AppliedCertificatePrice:
    """The price of a certificate for goods imported on ``on``: the published price of its
    period, else the labelled ``assumption``."""
    period = pricing_period(on)
    for row in rows:
        if (row.kind, row.period_start, row.period_end) == (period.kind, period.start, period.end):
            return AppliedCertificatePrice(row.price_eur, "published", period, row, row.ref)
    return AppliedCertificatePrice(
        assumption.price_eur, "assumption", period, None, assumption.source
    )


def last_published_price(
    rows: Iterable[CertificatePriceRow], *, as_of: date, assumption: PriceAssumption
) -> AppliedCertificatePrice:
    """The price published last on or before ``as_of`` (of two published the same day, the
    later period), for projections and exposure; the labelled ``assumption`` when none is."""
    published = [row for row in rows if row.publication_date <= as_of]
    if not published:
        return AppliedCertificatePrice(
            assumption.price_eur, "assumption", None, None, assumption.source
        )
    row = max(published, key=lambda r: (r.publication_date, r.period_end))
    period = PricingPeriod(row.period_start, row.period_end, row.kind)
    return AppliedCertificatePrice(row.price_eur, "published", period, row, row.ref)


def given_price(price_eur: Decimal) -> AppliedCertificatePrice:
    """A price the caller sets for a whole calculation (e.g. to see a scenario)."""
    return AppliedCertificatePrice(price_eur, "given", None, None, "given by the caller")


def certificate_price_json(price: AppliedCertificatePrice) -> dict[str, Any]:
    """A price as documents and stored results show it (strings, EUR to the cent): the period
    it prices, whether it is published (and when, from which row), the labelled assumption, or
    the caller's; ``label`` says it in one sentence."""
    period = price.period
    return {
        "period": period.label if period is not None else None,
        "period_start": period.start.isoformat() if period is not None else None,
        "period_end": period.end.isoformat() if period is not None else None,
        "kind": period.kind if period is not None else None,
        "basis": price.basis,
        "price_eur": format(round_money(price.price_eur), "f"),
        "published_on": price.published_on.isoformat() if price.published_on else None,
        "source": price.source,
        "label": price.label,
    }
