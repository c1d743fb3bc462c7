"""The statistics of one pool cell (issue 16), exact.

Per cell: the number of distinct contributing organisations, the number of footprints, and of
direct, indirect and counted SEE (tCO2e/t) the mean and the percentiles P10, P25, median, P75,
P90; the share of footprints on verified data.

- **Percentiles**: linear interpolation between closest ranks, Hyndman & Fan (1996) type 7,
  the definition of Excel's ``PERCENTILE.INC`` and of R's and NumPy's default: for sorted
  values x[0] ≤ … ≤ x[n-1] and p in [0, 1], h = (n - 1)·p, and
  Q(p) = x[⌊h⌋] + (h - ⌊h⌋)·(x[⌊h⌋ + 1] - x[⌊h⌋]). Unweighted: each footprint counts once,
  whatever its production (the weights serve the disclosure rules, not the statistics).
- **Mean**: arithmetic, unweighted, over the cell's footprints.
- **No minimum or maximum**: each is one company's value.
- **Rounding**: every figure is computed exactly (rationals) and quantised once to 0.00001
  tCO2e/t, ``ROUND_HALF_EVEN`` (so a long run of statistics is not biased upwards); the
  verified share to 0.1 %, ``ROUND_HALF_EVEN``.

Internally values are integers of 10^-scale tCO2e/t (scale 5 for the engine's figures:
``units_of``); the percentile weights p = k/20 make Q(p) a fraction with denominator 20, so
the arithmetic stays in integers and the result is exact before its one rounding.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Context, Decimal, Inexact, InvalidOperation, Overflow, localcontext
from itertools import repeat

from exchange.pools.calculations.cells import Observation
from exchange.pools.calculations.errors import ObservationInvalid

SEE_PLACES = 5
SHARE_PLACES = 1  # verified share, percent with one decimal
# The percentiles as multiples of 1/20: P10, P25, median, P75, P90.
PERCENTILE_TWENTIETHS = (2, 5, 10, 15, 18)


@dataclass(frozen=True, slots=True)
class Distribution:
    """Mean and percentiles of one SEE channel of a cell, tCO2e/t, quantised to 0.00001."""

    mean: Decimal
    p10: Decimal
    p25: Decimal
    median: Decimal
    p75: Decimal
    p90: Decimal


@dataclass(frozen=True, slots=True)
class CellStatistics:
    """What a published cell shows.

    ``contributors``: distinct organisations; ``footprints``: contributed footprints;
    ``direct``, ``indirect``, ``counted``: the SEE distributions (tCO2e/t);
    ``verified_share_pct``: share of the footprints on verified data, percent, 0.1.
    """

    contributors: int
    footprints: int
    direct: Distribution
    indirect: Distribution
    counted: Distribution
    verified_share_pct: Decimal


def round_half_even(numerator: int, denominator: int) -> int:
    """``numerator / denominator`` rounded to an integer, ties to even (denominator > 0)."""
    quotient, remainder = divmod(numerator, denominator)
    twice = 2 * remainder
    if twice > denominator or (twice == denominator and quotient % 2 == 1):
        return quotient + 1
    return quotient


# Exact sums: an exact Decimal sum carries the smallest exponent of its terms, which tells the
# decimals every value needs in one pass (General Decimal Arithmetic, "add": the ideal
# exponent is the smaller of the operands').
_EXACT = Context(prec=120, traps=[Inexact, InvalidOperation, Overflow])


def _invalid(field: str) -> ObservationInvalid:
    return ObservationInvalid(field, f"{field} must be a finite decimal number")


def scale_of(values: Sequence[Decimal], field: str, at_least: int) -> int:
    """The fewest decimal places (≥ ``at_least``) that hold every value exactly."""
    try:
        with localcontext(_EXACT):
            exponent = sum(values, Decimal(0)).as_tuple().exponent
    except (Inexact, InvalidOperation, Overflow, TypeError):
        exponent = 0
        for value in values:  # the slow way: one by one
            if not isinstance(value, Decimal):
                raise _invalid(field) from None
            exponent = min(exponent, _int_exponent(value.as_tuple().exponent, field))
    return max(at_least, -_int_exponent(exponent, field))


def _int_exponent(exponent: int | str, field: str) -> int:
    if not isinstance(exponent, int):  # "n", "N", "F": NaN or infinity
        raise _invalid(field)
    return exponent


def units_of(values: Sequence[Decimal], field: str, preferred: int) -> tuple[list[int], int]:
    """``values`` as exact integers of 10^-scale and their scale: ``preferred`` decimals, or
    more where a value has more. ``ObservationInvalid`` (at ``field``) for a value that is not
    a finite Decimal."""
    scale = scale_of(values, field, preferred)
    return list(map(int, map(Decimal.scaleb, values, repeat(scale)))), scale


def _see(units: int) -> Decimal:
    return Decimal(units).scaleb(-SEE_PLACES)


def distribution_of(ordered: Sequence[int], total: int, scale: int) -> Distribution:
    """Mean and type-7 percentiles of ``ordered`` (sorted integers of 10^-scale, at least one;
    ``total`` their sum), quantised to 0.00001 half-even."""
    n = len(ordered)
    divisor = 10 ** (scale - SEE_PLACES)
    mean = round_half_even(total, n * divisor)
    quantiles = []
    for twentieths in PERCENTILE_TWENTIETHS:
        low, part = divmod((n - 1) * twentieths, 20)
        value = ordered[low]
        numerator = 20 * value
        if part:
            numerator += part * (ordered[low + 1] - value)
        quantiles.append(round_half_even(numerator, 20 * divisor))
    p10, p25, median, p75, p90 = quantiles
    return Distribution(_see(mean), _see(p10), _see(p25), _see(median), _see(p75), _see(p90))


def verified_share(verified: int, footprints: int) -> Decimal:
    """Percent of ``footprints`` on verified data, to 0.1 %, half-even."""
    tenths = round_half_even(1000 * verified, footprints)
    return Decimal(tenths).scaleb(-SHARE_PLACES)


def cell_statistics(observations: Sequence[Observation]) -> CellStatistics:
    """The statistics of a cell holding ``observations`` (at least one), straight from them:
    the plain statement of the rule above. The pool computes the same figures by merging
    sorted finest cells (``disclosure``); tests hold the two together."""
    if not observations:
        raise ObservationInvalid("observations", "a cell needs at least one footprint")
    direct, d_scale = units_of([o.see_direct for o in observations], "see_direct", SEE_PLACES)
    indirect, i_scale = units_of([o.see_indirect for o in observations], "see_indirect", SEE_PLACES)
    scale = max(d_scale, i_scale)
    direct = [v * 10 ** (scale - d_scale) for v in direct]
    indirect = [v * 10 ** (scale - i_scale) for v in indirect]
    counted = [
        d + i if o.indirect_counts else d
        for d, i, o in zip(direct, indirect, observations, strict=True)
    ]
    return CellStatistics(
        contributors=len({o.organisation for o in observations}),
        footprints=len(observations),
        direct=distribution_of(sorted(direct), sum(direct), scale),
        indirect=distribution_of(sorted(indirect), sum(indirect), scale),
        counted=distribution_of(sorted(counted), sum(counted), scale),
        verified_share_pct=verified_share(
            sum(1 for o in observations if o.verified), len(observations)
        ),
    )
