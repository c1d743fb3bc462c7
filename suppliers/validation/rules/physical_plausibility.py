"""CBAM-PLAUS-*: direct SEE within the physically plausible range of its category and route."""

from __future__ import annotations

from collections.abc import Iterator

from suppliers.validation.plausibility import SEE_DIRECT_RANGES, fmt, row_for_route
from suppliers.validation.registry import rule
from suppliers.validation.rules._common import (
    category_zh,
    precursor_path,
    route_label,
    see_direct_check,
)
from suppliers.validation.types import Finding, RuleContext

_SOURCE = "IR (EU) 2025/2621 Annex I; IR (EU) 2025/2620 Annex (column B)"


@rule(
    code="CBAM-PLAUS-001",
    title="Direct SEE is plausible for the category and route",
    legal_source=_SOURCE,
)
def see_direct_is_plausible(ctx: RuleContext) -> Iterator[Finding]:
    """The direct SEE lies within the range derived from the default values and benchmarks
    (IR (EU) 2025/2621 Annex I; IR (EU) 2025/2620 Annex (column B)), see
    ``suppliers.validation.plausibility.SEE_DIRECT_RANGES``.

    Warning at ``see_direct`` when it is outside and no factor-1000 unit slip explains it
    (CBAM-UNIT-001/002 report those). The ranges are wide; a value outside is unusual, not
    impossible, so the reviewer decides."""
    facts = ctx.facts
    check = see_direct_check(facts)
    if check is None or check.plausible or check.slip is not None:
        return
    plausible = check.range.see_direct
    label = route_label(facts)
    category = facts.category.name if facts.category else ""
    if check.see_direct < plausible.low:
        why_en = (
            "below it: check that every process emission (including gases burnt for power) and "
            "every precursor is included"
        )
        why_zh = "低于该范围：请检查是否已计入全部工艺排放（包括用于发电的燃烧气体）和全部前体物"
    else:
        why_en = (
            "above it: check the figures and that only emissions of the production process are "
            "counted"
        )
        why_zh = "高于该范围：请核对数据，并确认只计入了生产工艺的排放"
    yield Finding(
        code="CBAM-PLAUS-001",
        severity="warning",
        path="see_direct",
        message_en=(
            f"Direct SEE {fmt(check.see_direct)} tCO2e/t is outside the plausible "
            f"{plausible} tCO2e/t for {label}, {why_en}."
        ),
        message_zh=(
            f"直接特定隐含排放 {fmt(check.see_direct)} tCO2e/t 超出{category_zh(category)}"
            f"的合理范围 {plausible} tCO2e/t，{why_zh}。"
        ),
        evidence={
            "see_direct": fmt(check.see_direct),
            "plausible_range": str(plausible),
            "range_for": label,
        },
    )


@rule(
    code="CBAM-PLAUS-002",
    title="A precursor's direct SEE is plausible for its category",
    legal_source=_SOURCE,
)
def precursor_see_is_plausible(ctx: RuleContext) -> Iterator[Finding]:
    """A precursor's actual direct SEE lies within its category's range for any route (IR (EU)
    2025/2621 Annex I; IR (EU) 2025/2620 Annex (column B)).

    Warning at ``precursors[i].see_direct`` for each precursor with actual figures outside."""
    for precursor in ctx.facts.precursors:
        if precursor.category is None or precursor.see_direct is None:
            continue
        if precursor.see_source == "default_value":
            continue
        row = row_for_route(SEE_DIRECT_RANGES, precursor.category)
        if row is None or row.see_direct.contains(precursor.see_direct):
            continue
        plausible = row.see_direct
        yield Finding(
            code="CBAM-PLAUS-002",
            severity="warning",
            path=precursor_path(precursor, "see_direct"),
            message_en=(
                f"Precursor CN {precursor.cn_code}: direct SEE {fmt(precursor.see_direct)} "
                f"tCO2e/t is outside the plausible {plausible} tCO2e/t for "
                f"{precursor.category}. Check the supplier's figure."
            ),
            message_zh=(
                f"前体物 CN {precursor.cn_code} 的直接特定隐含排放 {fmt(precursor.see_direct)} "
                f"tCO2e/t 超出{category_zh(precursor.category)}的合理范围 {plausible} tCO2e/t。"
                "请核对供应商的数据。"
            ),
            evidence={
                "see_direct": fmt(precursor.see_direct),
                "plausible_range": str(plausible),
                "range_for": precursor.category,
            },
        )
