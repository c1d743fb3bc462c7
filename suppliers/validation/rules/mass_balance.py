"""CBAM-MASS-*: the metal in the precursors can make a tonne of product, with plausible losses."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

from suppliers.validation.plausibility import (
    MassBalance,
    fmt,
    mass_balance_for,
    precursor_mass_range,
    slip_of,
)
from suppliers.validation.registry import rule
from suppliers.validation.rules._common import category_zh
from suppliers.validation.types import Finding, RuleContext

_SOURCE = "IR (EU) 2025/2547 Annex III point B"


@dataclass(frozen=True, slots=True)
class _Balance:
    row: MassBalance
    total: Decimal
    parts_en: str
    parts_zh: str

    def evidence(self) -> dict[str, str]:
        return {
            "metal_input_t_per_t": fmt(self.total),
            "inputs": self.parts_en,
            "minimum_t_per_t": fmt(self.row.minimum) if self.row.minimum is not None else "",
            "maximum_t_per_t": fmt(self.row.maximum),
        }


def _balance(ctx: RuleContext) -> _Balance | None:
    """The sum of the metal-bearing precursors per tonne; None when no row applies or a mass is
    a factor-1000 slip (CBAM-UNIT-005 reports it, the sum would only repeat it)."""
    facts = ctx.facts
    if facts.category is None:
        return None
    row = mass_balance_for(facts.category.name, facts.cn_code)
    if row is None:
        return None
    counted = [p for p in facts.precursors if p.category in row.inputs]
    for precursor in counted:
        plausible = precursor_mass_range(facts.category.name, precursor.category).plausible
        if slip_of(precursor.mass_t_per_t.value, plausible) is not None:
            return None
    total = sum((p.mass_t_per_t.value for p in counted), Decimal(0))
    parts_en = ", ".join(f"{p.category} {fmt(p.mass_t_per_t.value)}" for p in counted)
    parts_zh = "、".join(f"{category_zh(p.category)} {fmt(p.mass_t_per_t.value)}" for p in counted)
    return _Balance(row, total, parts_en or "none", parts_zh or "无")


@rule(
    code="CBAM-MASS-001",
    title="Enough metal in for a tonne of product",
    legal_source=_SOURCE,
)
def enough_metal_in(ctx: RuleContext) -> Iterator[Finding]:
    """M_i is the total mass of precursor consumed, spills, cut-offs and scrap included (IR (EU)
    2025/2547 Annex III point B), so a tonne of steel or aluminium product needs at least a
    tonne of metal-bearing precursors (0.9 t for coated products), see
    ``suppliers.validation.plausibility.MASS_BALANCES``.

    Error at ``precursors`` when the sum is below that minimum."""
    balance = _balance(ctx)
    if balance is None or balance.row.minimum is None:
        return
    minimum = balance.row.minimum
    if balance.total >= minimum:
        return
    category = ctx.facts.category.name if ctx.facts.category else ""
    yield Finding(
        code="CBAM-MASS-001",
        severity="error",
        path="precursors",
        message_en=(
            f"Metal-bearing precursors add up to {fmt(balance.total)} t per tonne of product "
            f"({balance.parts_en}), but a tonne of {category} needs at least {fmt(minimum)} t of "
            "them. Declare the total mass consumed, including spills, cut-offs and scrap."
        ),
        message_zh=(
            f"每吨产品的含金属前体物合计 {fmt(balance.total)} t（{balance.parts_zh}），而每吨"
            f"{category_zh(category)}至少需要 {fmt(minimum)} t。"
            "请申报消耗总量，包括损耗、切头切尾和废料。"
        ),
        evidence=balance.evidence(),
    )


@rule(
    code="CBAM-MASS-002",
    title="Metal in within the yield-loss bound",
    legal_source=_SOURCE,
)
def metal_in_within_yield_losses(ctx: RuleContext) -> Iterator[Finding]:
    """The metal-bearing precursors per tonne of product (IR (EU) 2025/2547 Annex III point B)
    stay under a documented upper bound for yield losses (1.5 t/t for semi-finished, flat and
    long products, 2.0 t/t for articles), see ``suppliers.validation.plausibility.MASS_BALANCES``.

    Warning at ``precursors`` when the sum is above it."""
    balance = _balance(ctx)
    if balance is None or balance.total <= balance.row.maximum:
        return
    category = ctx.facts.category.name if ctx.facts.category else ""
    yield Finding(
        code="CBAM-MASS-002",
        severity="warning",
        path="precursors",
        message_en=(
            f"Metal-bearing precursors add up to {fmt(balance.total)} t per tonne of product "
            f"({balance.parts_en}), more than the {fmt(balance.row.maximum)} t/t expected for "
            f"{category} ({balance.row.note}). Check the masses per tonne."
        ),
        message_zh=(
            f"每吨产品的含金属前体物合计 {fmt(balance.total)} t（{balance.parts_zh}），超过"
            f"{category_zh(category)}预期的上限 {fmt(balance.row.maximum)} t/t。请核对每吨用量。"
        ),
        evidence=balance.evidence(),
    )
