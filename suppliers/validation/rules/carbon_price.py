"""CBAM-PRICE-*: a carbon price paid in the country of origin is deducted only with evidence
and verified actual data (Reg. (EU) 2023/956 Art. 9)."""

from __future__ import annotations

from collections.abc import Iterator

from suppliers.validation.plausibility import fmt
from suppliers.validation.registry import rule
from suppliers.validation.rules.verification import actual_data_verified
from suppliers.validation.types import Finding, FootprintFacts, RuleContext

_SOURCE = "Reg. (EU) 2023/956 Art. 9"


def carbon_price_declared(facts: FootprintFacts) -> bool:
    return facts.carbon_price_amount is not None or bool(facts.carbon_price_instrument.strip())


def _evidence(facts: FootprintFacts) -> dict[str, str]:
    amount = facts.carbon_price_amount
    return {
        "instrument": facts.carbon_price_instrument,
        "amount": fmt(amount, 10) if amount is not None else "",
        "currency": facts.carbon_price_currency,
    }


def _price(facts: FootprintFacts) -> str:
    amount = facts.carbon_price_amount
    shown = f"{fmt(amount, 10)} {facts.carbon_price_currency}/tCO2e" if amount is not None else ""
    return " ".join(part for part in (facts.carbon_price_instrument, shown) if part)


@rule(code="CBAM-PRICE-001", title="Carbon price paid has evidence", legal_source=_SOURCE)
def carbon_price_has_evidence(ctx: RuleContext) -> Iterator[Finding]:
    """A carbon price effectively paid in the country of origin is deducted only when the
    declarant can show it was paid (Reg. (EU) 2023/956 Art. 9): a ``carbon_price`` evidence file.

    Warning at ``carbon_price`` when a price is declared without one."""
    facts = ctx.facts
    if not carbon_price_declared(facts) or "carbon_price" in facts.evidence_kinds:
        return
    yield Finding(
        code="CBAM-PRICE-001",
        severity="warning",
        path="carbon_price",
        message_en=(
            f"Carbon price paid ({_price(facts)}) has no evidence attached: it will not be "
            "deducted. Attach proof of payment (e.g. the ETS compliance record) as a "
            "'carbon_price' evidence file."
        ),
        message_zh=(
            f"已申报的碳价（{_price(facts)}）未附证明材料，将不予抵扣。请以“carbon_price”类"
            "证明文件上传缴纳证明（如碳排放权交易履约记录）。"
        ),
        evidence=_evidence(facts),
    )


@rule(
    code="CBAM-PRICE-002", title="Carbon price paid with verified actual data", legal_source=_SOURCE
)
def carbon_price_with_verified_data(ctx: RuleContext) -> Iterator[Finding]:
    """The carbon price paid is deducted only from actual embedded emissions (Reg. (EU) 2023/956
    Art. 9); in the definitive period actual values need verification (CBAM-VERIFY-*), without
    which the default value applies and nothing is deducted.

    Warning at ``carbon_price`` when a price is declared and the actual data cannot be used."""
    facts = ctx.facts
    if not carbon_price_declared(facts) or actual_data_verified(facts, ctx.today):
        return
    yield Finding(
        code="CBAM-PRICE-002",
        severity="warning",
        path="carbon_price",
        message_en=(
            f"Carbon price paid ({_price(facts)}) will not be deducted: it applies only to "
            "actual emissions, and without a verification statement covering the period buyers "
            "must use the default value."
        ),
        message_zh=(
            f"已申报的碳价（{_price(facts)}）将不予抵扣：碳价抵扣仅适用于实际排放，而没有覆盖"
            "报告期的核查声明时，买方必须采用默认值。"
        ),
        evidence=_evidence(facts),
    )


@rule(code="CBAM-PRICE-003", title="Carbon price paid is complete", legal_source=_SOURCE)
def carbon_price_is_complete(ctx: RuleContext) -> Iterator[Finding]:
    """A deduction needs the pricing instrument, the amount per tonne and its currency
    (Reg. (EU) 2023/956 Art. 9).

    Warning at ``carbon_price`` naming what is missing."""
    facts = ctx.facts
    if not carbon_price_declared(facts):
        return
    missing = [
        name
        for name, given in (
            ("instrument", bool(facts.carbon_price_instrument.strip())),
            ("amount", facts.carbon_price_amount is not None),
            ("currency", bool(facts.carbon_price_currency.strip())),
        )
        if not given
    ]
    if not missing:
        return
    names_zh = {"instrument": "碳定价工具", "amount": "金额", "currency": "币种"}
    yield Finding(
        code="CBAM-PRICE-003",
        severity="warning",
        path="carbon_price",
        message_en=(
            f"Carbon price paid is incomplete: {', '.join(missing)} missing. Give the pricing "
            "instrument, the amount per tCO2e and its currency, or nothing can be deducted."
        ),
        message_zh=(
            f"已申报的碳价不完整：缺少{'、'.join(names_zh[m] for m in missing)}。请填写碳定价"
            "工具、每吨 CO2e 的金额及币种，否则无法抵扣。"
        ),
        evidence={**_evidence(facts), "missing": ", ".join(missing)},
    )
