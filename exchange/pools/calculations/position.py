"""Where a member's own footprint stands in a published cell (issue 16, "my position").

- **Band** of its counted SEE among the cell's percentiles: ``below_p10``, ``p10_p25``,
  ``p25_median``, ``median_p75``, ``p75_p90``, ``above_p90``. A value equal to a percentile
  belongs to the band that ends there (the lower band): exactly P10 is ``below_p10``,
  exactly the median is ``p25_median``; so ``above_p90`` means strictly above P90. Percentile
  bands are the published figures themselves, so the band discloses nothing new.
- **Differences**: value − median, and value − default with mark-up (tCO2e/t, exact: all
  three have 5 decimals), and each × the certificate price in EUR/t to the cent
  (``cbam.rounding.round_money``). Positive: the member emits more than the sector's median
  or the default.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, localcontext

from cbam.rounding import CALCULATION_CONTEXT, round_money
from exchange.pools.calculations.statistics import Distribution

BANDS = ("below_p10", "p10_p25", "p25_median", "median_p75", "p75_p90", "above_p90")


def band_of(value: Decimal, distribution: Distribution) -> str:
    """The percentile band of ``value`` (tCO2e/t) in ``distribution``; a value equal to a
    percentile goes to the band below it (see the module docstring)."""
    bounds = (
        distribution.p10,
        distribution.p25,
        distribution.median,
        distribution.p75,
        distribution.p90,
    )
    for band, bound in zip(BANDS, bounds, strict=False):
        if value <= bound:
            return band
    return BANDS[-1]


def differences(
    value: Decimal,
    distribution: Distribution,
    default_with_mark_up: Decimal | None,
    certificate_price_eur: Decimal,
) -> tuple[Decimal, Decimal | None, Decimal | None]:
    """(value − median tCO2e/t, value − default with mark-up tCO2e/t, the latter in EUR/t);
    the two default figures None when the cell has no default value."""
    position = position_of(value, distribution, default_with_mark_up, certificate_price_eur)
    return position.to_median_t, position.to_default_t, position.to_default_eur


@dataclass(frozen=True, slots=True)
class Position:
    """A footprint's place in a cell: band and differences (tCO2e/t and EUR/t)."""

    band: str
    to_median_t: Decimal
    to_median_eur: Decimal
    to_default_t: Decimal | None
    to_default_eur: Decimal | None


def position_of(
    value: Decimal,
    distribution: Distribution,
    default_with_mark_up: Decimal | None,
    certificate_price_eur: Decimal,
) -> Position:
    """Band and differences of ``value`` (counted SEE, tCO2e/t) in a published cell."""
    with localcontext(CALCULATION_CONTEXT):
        to_median = value - distribution.median
        to_default = None if default_with_mark_up is None else value - default_with_mark_up
        return Position(
            band=band_of(value, distribution),
            to_median_t=to_median,
            to_median_eur=round_money(to_median * certificate_price_eur),
            to_default_t=to_default,
            to_default_eur=(
                None if to_default is None else round_money(to_default * certificate_price_eur)
            ),
        )
