"""Arithmetic context and output rounding of the engine.

Intermediate values keep full precision (the calculation context below: 28 significant
digits, the ``decimal`` default, made explicit so that a caller's context cannot change a
result). Each figure is quantised **once**, when it leaves the engine:

- specific embedded emissions (tCO2e/t) and emission amounts (tCO2e, certificates) to
  5 decimal places: IR (EU) 2025/2547 Annex III allows SEE "to at most 5 decimal places", and
  the same quantum keeps totals consistent with the per-tonne figures they come from;
- money (EUR) to cents.

Rounding mode: ``ROUND_HALF_UP`` (a tie goes away from zero). It is the rule for euro amounts
in Council Regulation (EC) No 1103/97 Art. 5 ("sums … rounded up or down to the nearest cent;
… if the application of the conversion rate gives a result which is exactly half-way, the sum
shall be rounded up") and what Excel's ``ROUND`` does, which the Commission's communication
template and default-value workbook use, so our 5-decimal figures equal the ones operators see
in the template. Banker's rounding (``ROUND_HALF_EVEN``) would differ on exact ties. All
figures are non-negative, so "up" and "away from zero" coincide.
"""

from __future__ import annotations

from decimal import (
    ROUND_HALF_EVEN,
    ROUND_HALF_UP,
    Context,
    Decimal,
    DivisionByZero,
    InvalidOperation,
    Overflow,
)

SEE_QUANTUM = Decimal("0.00001")
EMISSIONS_QUANTUM = Decimal("0.00001")
MONEY_QUANTUM = Decimal("0.01")
OUTPUT_ROUNDING = ROUND_HALF_UP

# Context for all engine arithmetic. Division by zero, invalid operations and overflow raise
# instead of producing Infinity/NaN; inexact results round half-even at the 28th digit (the
# decimal default), far below the output quantum.
CALCULATION_CONTEXT = Context(
    prec=28,
    rounding=ROUND_HALF_EVEN,
    traps=[InvalidOperation, DivisionByZero, Overflow],
)

# Quantising needs room for every integer digit plus the decimals: a 30-digit total would not
# fit a 28-digit context. Used only by the functions below.
_OUTPUT_CONTEXT = Context(prec=60, rounding=OUTPUT_ROUNDING, traps=[InvalidOperation])

ROUNDING_NOTE = (
    "SEE and tCO2e figures quantised to 0.00001, EUR to 0.01, ROUND_HALF_UP, once at output; "
    "intermediate values keep 28 significant digits"
)


def round_see(value: Decimal) -> Decimal:
    """Specific embedded emissions, tCO2e per tonne, to 5 decimal places."""
    return value.quantize(SEE_QUANTUM, rounding=OUTPUT_ROUNDING, context=_OUTPUT_CONTEXT)


def round_emissions(value: Decimal) -> Decimal:
    """An amount of emissions or certificates (tCO2e), to 5 decimal places."""
    return value.quantize(EMISSIONS_QUANTUM, rounding=OUTPUT_ROUNDING, context=_OUTPUT_CONTEXT)


def round_money(value: Decimal) -> Decimal:
    """An amount in EUR, to the cent."""
    return value.quantize(MONEY_QUANTUM, rounding=OUTPUT_ROUNDING, context=_OUTPUT_CONTEXT)
