"""CBAM-PRECISION-*: SEE to at most 5 decimal places, period totals in whole tonnes."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from cbam.rounding import round_see
from suppliers.validation.plausibility import fmt
from suppliers.validation.registry import rule
from suppliers.validation.rules._common import as_entered
from suppliers.validation.types import Finding, Quantity, RuleContext

_SOURCE = "IR (EU) 2025/2547 Annex III"
SEE_DECIMALS = 5


def _decimals(value: Decimal) -> int:
    """Decimal places that carry a digit (``2.1234500`` has 5)."""
    exponent = value.normalize().as_tuple().exponent
    return -exponent if isinstance(exponent, int) and exponent < 0 else 0


@rule(code="CBAM-PRECISION-001", title="SEE to at most 5 decimals", legal_source=_SOURCE)
def see_to_five_decimals(ctx: RuleContext) -> Iterator[Finding]:
    """Specific embedded emissions are stated to at most 5 decimal places (IR (EU) 2025/2547
    Annex III); a figure given with more is rounded half-up, and the rounding is reported.

    Info at the path of each SEE figure as submitted (``see_as_given``)."""
    for path, given in sorted(ctx.facts.see_as_given.items()):
        try:
            value = Decimal(str(given).strip())
        except InvalidOperation:
            continue  # not a number: the document's own validation reports it
        if not value.is_finite():
            continue
        places = _decimals(value)
        if places <= SEE_DECIMALS:
            continue
        rounded = round_see(value)
        yield Finding(
            code="CBAM-PRECISION-001",
            severity="info",
            path=path,
            message_en=(
                f"SEE {given} has {places} decimal places; CBAM states SEE to at most "
                f"{SEE_DECIMALS}, so it is used as {rounded}."
            ),
            message_zh=(
                f"特定隐含排放 {given} 有 {places} 位小数；CBAM 的特定隐含排放最多保留 "
                f"{SEE_DECIMALS} 位小数，因此按 {rounded} 使用。"
            ),
            evidence={"given": str(given), "rounded": str(rounded), "decimal_places": str(places)},
        )


@rule(code="CBAM-PRECISION-002", title="Period totals in whole tonnes", legal_source=_SOURCE)
def totals_in_whole_tonnes(ctx: RuleContext) -> Iterator[Finding]:
    """Period totals of emissions are reported in whole tonnes (IR (EU) 2025/2547 Annex III;
    the declaration's totals): the attributed emissions are kept as given for the SEE, and the
    whole-tonne figure they round to is reported.

    Info at ``attributed_direct_emissions`` / ``attributed_indirect_emissions``."""
    facts = ctx.facts
    totals: tuple[tuple[str, Quantity | None], ...] = (
        ("attributed_direct_emissions", facts.attributed_direct),
        ("attributed_indirect_emissions", facts.attributed_indirect),
    )
    for path, quantity in totals:
        if quantity is None or quantity.value == quantity.value.to_integral_value():
            continue
        rounded = quantity.value.quantize(Decimal(1), rounding=ROUND_HALF_UP)
        yield Finding(
            code="CBAM-PRECISION-002",
            severity="info",
            path=path,
            message_en=(
                f"{as_entered(quantity)} is {fmt(quantity.value, 10)} tCO2e; period totals are "
                f"reported in whole tonnes: {rounded} tCO2e."
            ),
            message_zh=(
                f"{as_entered(quantity)} 即 {fmt(quantity.value, 10)} tCO2e；报告期排放总量以整吨"
                f"报告：{rounded} tCO2e。"
            ),
            evidence={
                "given": as_entered(quantity),
                "tco2e": fmt(quantity.value, 10),
                "rounded_tco2e": str(rounded),
            },
        )
