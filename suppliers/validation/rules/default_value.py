"""CBAM-DEFAULT-*: actual SEE compared with the default value for the country of origin."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

from cbam.defaults import mark_up_for, match_default_value
from cbam.types import DefaultValueMatch
from suppliers.validation.plausibility import FAR_BELOW_DEFAULT_SHARE, fmt
from suppliers.validation.registry import rule
from suppliers.validation.rules._common import see_direct_check
from suppliers.validation.types import Finding, RuleContext

_SOURCE = "IR (EU) 2025/2621 Annex I"


@dataclass(frozen=True, slots=True)
class _Comparison:
    path: str  # see_direct, or see_total where indirect emissions count
    what_en: str
    what_zh: str
    actual: Decimal
    default: Decimal
    match: DefaultValueMatch
    year: int
    mark_up: Decimal

    @property
    def default_with_mark_up(self) -> Decimal:
        return self.default * (1 + self.mark_up)

    def evidence(self) -> dict[str, str]:
        return {
            self.path: fmt(self.actual),
            "default_value": fmt(self.default),
            "default_value_ref": self.match.row.ref,
            "default_value_country": self.match.row.country,
            "year": str(self.year),
            "mark_up": fmt(self.mark_up),
            "default_with_mark_up": fmt(self.default_with_mark_up),
        }


def _comparison(ctx: RuleContext) -> _Comparison | None:
    """The comparison; None when there is nothing to compare: out of scope, exempt origin, no
    SEE, an implausible SEE (CBAM-PLAUS/UNIT report it) or no default value (CBAM-DEFAULT-003)."""
    facts = ctx.facts
    if facts.category is None or facts.see_direct is None:
        return None
    if ctx.snapshot.is_exempt(facts.country):
        return None
    check = see_direct_check(facts)
    if check is not None and not check.plausible:
        return None
    match = match_default_value(ctx.snapshot, facts.cn_code, facts.country)
    if match is None:
        return None
    year = facts.period_end.year
    mark_up, _ = mark_up_for(ctx.snapshot, ctx.snapshot.sector(facts.category.name), year)
    row = match.row
    if (
        facts.category.indirect_counts
        and row.see_indirect is not None
        and facts.see_indirect is not None
    ):
        return _Comparison(
            "see_total",
            "SEE (direct + indirect)",
            "特定隐含排放（直接 + 间接）",
            facts.see_direct + facts.see_indirect,
            row.see_direct + row.see_indirect,
            match,
            year,
            mark_up,
        )
    return _Comparison(
        "see_direct",
        "Direct SEE",
        "直接特定隐含排放",
        facts.see_direct,
        row.see_direct,
        match,
        year,
        mark_up,
    )


def _origin(ctx: RuleContext, comparison: _Comparison) -> tuple[str, str]:
    facts = ctx.facts
    if comparison.match.used_other:
        return (
            f"CN {facts.cn_code} from {facts.country} (Other countries)",
            f"CN {facts.cn_code}（原产国 {facts.country}，按“其他国家和地区”）",
        )
    return (
        f"CN {facts.cn_code} from {facts.country}",
        f"CN {facts.cn_code}（原产国 {facts.country}）",
    )


@rule(
    code="CBAM-DEFAULT-001",
    title="Actual SEE far below the default value needs evidence",
    legal_source=_SOURCE,
)
def far_below_the_default_value(ctx: RuleContext) -> Iterator[Finding]:
    """Compared with the default value for the CN code and country of origin (IR (EU) 2025/2621
    Annex I, the year of the period end): an actual SEE under 30 % of it is rare and needs
    evidence (``FAR_BELOW_DEFAULT_SHARE``).

    Warning at ``see_direct`` (``see_total`` where indirect emissions count)."""
    comparison = _comparison(ctx)
    if comparison is None:
        return
    if comparison.actual >= comparison.default * FAR_BELOW_DEFAULT_SHARE:
        return
    share = comparison.actual / comparison.default * 100
    origin_en, origin_zh = _origin(ctx, comparison)
    threshold = fmt(FAR_BELOW_DEFAULT_SHARE * 100)
    yield Finding(
        code="CBAM-DEFAULT-001",
        severity="warning",
        path=comparison.path,
        message_en=(
            f"{comparison.what_en} {fmt(comparison.actual)} tCO2e/t is {fmt(share, 1)} % of the "
            f"default value {fmt(comparison.default)} tCO2e/t for {origin_en} (IR (EU) 2025/2621 "
            f"Annex I): under {threshold} %, it needs evidence. Attach the monitoring data or the "
            "verification report that supports it."
        ),
        message_zh=(
            f"{comparison.what_zh} {fmt(comparison.actual)} tCO2e/t 仅为 {origin_zh} 默认值 "
            f"{fmt(comparison.default)} tCO2e/t 的 {fmt(share, 1)}%"
            f"（(EU) 2025/2621 号实施条例附件一），低于 {threshold}%，需要提供证明材料。"
            "请附上支持该数值的监测数据或核查报告。"
        ),
        evidence={
            **comparison.evidence(),
            "share_of_default_pct": fmt(share, 1),
            "threshold_pct": threshold,
        },
    )


@rule(
    code="CBAM-DEFAULT-002",
    title="Actual SEE above the default value",
    legal_source=_SOURCE,
)
def above_the_default_value(ctx: RuleContext) -> Iterator[Finding]:
    """Compared with the default value for the CN code and country of origin (IR (EU) 2025/2621
    Annex I, with the mark-up of the year of the period end): above it, buyers may be better
    off declaring the default value.

    Info at ``see_direct`` (``see_total`` where indirect emissions count)."""
    comparison = _comparison(ctx)
    if comparison is None or comparison.actual <= comparison.default:
        return
    origin_en, origin_zh = _origin(ctx, comparison)
    with_mark_up = comparison.default_with_mark_up
    pct = fmt(comparison.mark_up * 100, 1)
    if comparison.mark_up == 0:
        tail_en = (
            f"with no mark-up in {comparison.year}, the default value would be cheaper for "
            "buyers. Check the figures."
        )
        tail_zh = f"{comparison.year} 年默认值没有加成，采用默认值对买方更便宜。请核对数据。"
    elif comparison.actual > with_mark_up:
        tail_en = (
            f"even with the {comparison.year} mark-up of {pct} % ({fmt(with_mark_up)} tCO2e/t) "
            "the default value would be cheaper for buyers. Check the figures."
        )
        tail_zh = (
            f"即使加上 {comparison.year} 年 {pct}% 的加成（{fmt(with_mark_up)} tCO2e/t），"
            "采用默认值对买方也更便宜。请核对数据。"
        )
    else:
        tail_en = (
            f"with the {comparison.year} mark-up of {pct} % ({fmt(with_mark_up)} tCO2e/t) the "
            "default value still costs more, but the margin is small. Check the figures."
        )
        tail_zh = (
            f"加上 {comparison.year} 年 {pct}% 的加成后（{fmt(with_mark_up)} tCO2e/t）默认值"
            "仍然更高，但差距很小。请核对数据。"
        )
    yield Finding(
        code="CBAM-DEFAULT-002",
        severity="info",
        path=comparison.path,
        message_en=(
            f"{comparison.what_en} {fmt(comparison.actual)} tCO2e/t is above the default value "
            f"{fmt(comparison.default)} tCO2e/t for {origin_en} (IR (EU) 2025/2621 Annex I); "
            f"{tail_en}"
        ),
        message_zh=(
            f"{comparison.what_zh} {fmt(comparison.actual)} tCO2e/t 高于 {origin_zh} 默认值 "
            f"{fmt(comparison.default)} tCO2e/t（(EU) 2025/2621 号实施条例附件一）；{tail_zh}"
        ),
        evidence=comparison.evidence(),
    )


@rule(
    code="CBAM-DEFAULT-003",
    title="No default value to compare with",
    legal_source=_SOURCE,
)
def no_default_value(ctx: RuleContext) -> Iterator[Finding]:
    """IR (EU) 2025/2621 Annex I has no default value for every CBAM good and origin (the
    platform's copy covers iron, steel and aluminium): without one, nothing is compared.

    Info at ``product.cn_code``."""
    facts = ctx.facts
    if facts.category is None or ctx.snapshot.is_exempt(facts.country):
        return
    if match_default_value(ctx.snapshot, facts.cn_code, facts.country) is not None:
        return
    yield Finding(
        code="CBAM-DEFAULT-003",
        severity="info",
        path="product.cn_code",
        message_en=(
            f"No default value for CN {facts.cn_code} from {facts.country} or Other countries "
            "in the reference data (IR (EU) 2025/2621 Annex I): the SEE is not compared with "
            "a default."
        ),
        message_zh=(
            f"参考数据（(EU) 2025/2621 号实施条例附件一）中没有 CN {facts.cn_code}"
            f"（原产国 {facts.country} 或“其他国家和地区”）的默认值，因此未与默认值比较。"
        ),
        evidence={"cn_code": facts.cn_code, "country": facts.country},
    )
