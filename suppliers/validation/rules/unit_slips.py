"""CBAM-UNIT-*: a figure 1000× off its plausible range whose ×1000 or ÷1000 is plausible.

The most common costly mistake in CBAM data is a unit confused with the one 1000 times larger or
smaller (t/kg, MWh/kWh, GJ/TJ, Nm³/1000 Nm³): the figure is then 1000× off while everything
else looks fine. Each finding names the unit as entered and the unit it was probably in.
Ranges and their derivation: ``suppliers.validation.plausibility``.
"""

from __future__ import annotations

from collections.abc import Iterator

from suppliers.validation.plausibility import (
    GRID_FACTOR_RANGE,
    Range,
    Slip,
    corrected,
    fmt,
    likely_unit,
    precursor_mass_range,
    slip_of,
)
from suppliers.validation.registry import rule
from suppliers.validation.rules._common import (
    PerTonneCheck,
    activity_level_slip,
    as_entered,
    category_zh,
    electricity_check,
    natural_gas_check,
    precursor_path,
    route_label,
    see_direct_check,
    unit_entered,
    unit_label,
)
from suppliers.validation.types import Finding, Quantity, RuleContext

_SEE = "IR (EU) 2025/2547 Annex III point B"
_FACTOR = "IR (EU) 2025/2547 Annex III; IR (EU) 2025/2621 Annex II"


def _how_far_en(slip: Slip, plausible: Range, unit: str, label: str) -> str:
    times = "1000 times" if slip == "too_large" else "a thousandth of"
    return f"{times} what is plausible ({plausible} {unit} for {label})"


def _how_far_zh(slip: Slip, plausible: Range, unit: str, label: str) -> str:
    times = "约为合理值的 1000 倍" if slip == "too_large" else "仅约为合理值的千分之一"
    return f"{times}（{label}：{plausible} {unit}）"


def _mix_up(quantity: Quantity, slip: Slip, what_en: str, what_zh: str) -> tuple[str, str]:
    """The sentence naming the likely mix-up, in English and Chinese."""
    entered = unit_entered(quantity)
    likely = likely_unit(entered, slip)
    if likely is None:
        return (
            f"Check the unit of the {what_en} (entered as {unit_label(entered)}).",
            f"请核对{what_zh}的单位（填写为 {unit_label(entered)}）。",
        )
    return (
        f"Likely unit mix-up: the {what_en} is in {unit_label(likely)} but was entered as "
        f"{unit_label(entered)}.",
        f"单位可能混淆：{what_zh}实际以 {unit_label(likely)} 计，却按 {unit_label(entered)} 填写。",
    )


def _units(quantity: Quantity, slip: Slip) -> dict[str, str]:
    entered = unit_entered(quantity)
    return {"unit_entered": entered, "likely_unit": likely_unit(entered, slip) or ""}


@rule(code="CBAM-UNIT-001", title="Attributed emissions in the right unit", legal_source=_SEE)
def attributed_emissions_unit(ctx: RuleContext) -> Iterator[Finding]:
    """SEE = AttrEm / AL + Σ m_i · SEE_i (IR (EU) 2025/2547 Annex III point B): attributed direct
    emissions 1000× off (kgCO2e typed as tCO2e) make the direct SEE 1000× off.

    Error at ``attributed_direct_emissions`` when the direct SEE is outside its plausible range
    and would be inside with the process part ×1000 or ÷1000 (and the activity level does not
    explain it better, CBAM-UNIT-002)."""
    facts = ctx.facts
    check = see_direct_check(facts)
    if check is None or check.slip is None or check.corrected is None:
        return
    if activity_level_slip(facts) is not None:
        return
    slip = check.slip
    label = route_label(facts)
    label_zh = category_zh(facts.category.name if facts.category else "")
    mix_en, mix_zh = _mix_up(facts.attributed_direct, slip, "emissions figure", "排放量")
    undo_en = "÷1000" if slip == "too_large" else "×1000"
    yield Finding(
        code="CBAM-UNIT-001",
        severity="error",
        path="attributed_direct_emissions",
        message_en=(
            f"Attributed direct emissions {as_entered(facts.attributed_direct)} over an activity "
            f"level of {as_entered(facts.activity_level)} give a direct SEE of "
            f"{fmt(check.see_direct)} tCO2e/t, "
            f"{_how_far_en(slip, check.range.see_direct, 'tCO2e/t', label)}; with the emissions "
            f"{undo_en} it would be {fmt(check.corrected)} tCO2e/t. {mix_en}"
        ),
        message_zh=(
            f"归属直接排放 {as_entered(facts.attributed_direct)}、活动水平 "
            f"{as_entered(facts.activity_level)}，得出直接特定隐含排放 {fmt(check.see_direct)} "
            f"tCO2e/t，{_how_far_zh(slip, check.range.see_direct, 'tCO2e/t', label_zh)}；"
            f"排放量{undo_en}后为 {fmt(check.corrected)} tCO2e/t。{mix_zh}"
        ),
        evidence={
            "attributed_direct_emissions": as_entered(facts.attributed_direct),
            "activity_level": as_entered(facts.activity_level),
            "see_direct": fmt(check.see_direct),
            "plausible_range": str(check.range.see_direct),
            "corrected_see_direct": fmt(check.corrected),
            **_units(facts.attributed_direct, slip),
        },
    )


@rule(code="CBAM-UNIT-002", title="Activity level in the right unit", legal_source=_SEE)
def activity_level_unit(ctx: RuleContext) -> Iterator[Finding]:
    """Every per-tonne figure divides by the activity level AL (IR (EU) 2025/2547 Annex III
    point B): an activity level 1000× off (tonnes typed as kg) moves them all by 1000.

    Error at ``activity_level`` when at least two of direct SEE, electricity per tonne and
    natural gas per tonne are 1000× off in the same direction (and none in the other)."""
    facts = ctx.facts
    figures_slip = activity_level_slip(facts)
    if figures_slip is None:
        return
    # Per-tonne figures too large: the activity level is too small, typed in a larger unit.
    slip: Slip = "too_small" if figures_slip == "too_large" else "too_large"
    figures_en: list[str] = []
    figures_zh: list[str] = []
    evidence = {"activity_level": as_entered(facts.activity_level)}
    see = see_direct_check(facts)
    if see is not None and see.slip == figures_slip:
        figures_en.append(f"direct SEE {fmt(see.see_direct)} tCO2e/t ({see.range.see_direct})")
        figures_zh.append(
            f"直接特定隐含排放 {fmt(see.see_direct)} tCO2e/t（{see.range.see_direct}）"
        )
        evidence["see_direct"] = fmt(see.see_direct)
    for check, name_en, name_zh, unit, key in (
        (electricity_check(facts), "electricity", "电力", "MWh/t", "electricity_mwh_per_t"),
        (natural_gas_check(facts), "natural gas", "天然气", "Nm³/t", "natural_gas_nm3_per_t"),
    ):
        if check is not None and check.slip == figures_slip:
            rng = check.row.plausible
            figures_en.append(f"{name_en} {fmt(check.per_t)} {unit} ({rng})")
            figures_zh.append(f"{name_zh} {fmt(check.per_t)} {unit}（{rng}）")
            evidence[key] = fmt(check.per_t)
    direction_en = "1000 times" if figures_slip == "too_large" else "a thousandth of"
    direction_zh = (
        "约为合理值的 1000 倍" if figures_slip == "too_large" else "仅约为合理值的千分之一"
    )
    mix_en, mix_zh = _mix_up(facts.activity_level, slip, "activity level", "活动水平")
    yield Finding(
        code="CBAM-UNIT-002",
        severity="error",
        path="activity_level",
        message_en=(
            f"With an activity level of {as_entered(facts.activity_level)}, the per-tonne figures "
            f"are all {direction_en} what is plausible for {route_label(facts)}: "
            f"{'; '.join(figures_en)}. {mix_en}"
        ),
        message_zh=(
            f"活动水平为 {as_entered(facts.activity_level)} 时，各项单位产品数据均{direction_zh}"
            f"（{category_zh(facts.category.name if facts.category else '')}）："
            f"{'；'.join(figures_zh)}。{mix_zh}"
        ),
        evidence={**evidence, **_units(facts.activity_level, slip)},
    )


def _per_tonne_finding(
    ctx: RuleContext,
    check: PerTonneCheck | None,
    *,
    code: str,
    path: str,
    name_en: str,
    name_zh: str,
    unit: str,
    key: str,
) -> Iterator[Finding]:
    facts = ctx.facts
    if check is None or check.slip is None:
        return
    if activity_level_slip(facts) == check.slip:
        return  # CBAM-UNIT-002 names the activity level instead
    slip = check.slip
    plausible = check.row.plausible
    fixed = corrected(check.per_t, slip)
    label = route_label(facts)
    label_zh = category_zh(facts.category.name if facts.category else "")
    mix_en, mix_zh = _mix_up(check.quantity, slip, f"{name_en} figure", name_zh)
    yield Finding(
        code=code,
        severity="error",
        path=path,
        message_en=(
            f"{name_en.capitalize()} {as_entered(check.quantity)} for "
            f"{as_entered(facts.activity_level)} of product is {fmt(check.per_t)} {unit}, "
            f"{_how_far_en(slip, plausible, unit, label)}; {fmt(fixed)} {unit} would be "
            f"plausible. {mix_en}"
        ),
        message_zh=(
            f"{name_zh} {as_entered(check.quantity)}，产品 {as_entered(facts.activity_level)}，"
            f"即 {fmt(check.per_t)} {unit}，{_how_far_zh(slip, plausible, unit, label_zh)}；"
            f"{fmt(fixed)} {unit} 才合理。{mix_zh}"
        ),
        evidence={
            path: as_entered(check.quantity),
            "activity_level": as_entered(facts.activity_level),
            key: fmt(check.per_t),
            "plausible_range": str(plausible),
            f"corrected_{key}": fmt(fixed),
            **_units(check.quantity, slip),
        },
    )


@rule(code="CBAM-UNIT-003", title="Electricity in the right unit", legal_source=_SEE)
def electricity_unit(ctx: RuleContext) -> Iterator[Finding]:
    """Indirect emissions are electricity consumed × emission factor (IR (EU) 2025/2547 Annex III
    point B): electricity 1000× off (kWh typed as MWh, MWh as GWh) makes them 1000× off.

    Error at ``electricity`` when MWh per tonne is outside the widened typical range of the
    category and route and its ×1000 or ÷1000 is inside."""
    yield from _per_tonne_finding(
        ctx,
        electricity_check(ctx.facts),
        code="CBAM-UNIT-003",
        path="electricity",
        name_en="electricity",
        name_zh="电力消耗",
        unit="MWh/t",
        key="electricity_mwh_per_t",
    )


@rule(code="CBAM-UNIT-004", title="Natural gas in the right unit", legal_source=_SEE)
def natural_gas_unit(ctx: RuleContext) -> Iterator[Finding]:
    """Fuel input determines the attributed emissions (IR (EU) 2025/2547 Annex III point B):
    natural gas in Nm³ confused with 1000 Nm³ (or a calorific value in GJ with TJ) is 1000× off.

    Error at ``natural_gas`` when Nm³ per tonne is outside the widened typical range of the
    category and route and its ×1000 or ÷1000 is inside."""
    yield from _per_tonne_finding(
        ctx,
        natural_gas_check(ctx.facts),
        code="CBAM-UNIT-004",
        path="natural_gas",
        name_en="natural gas",
        name_zh="天然气用量",
        unit="Nm³/t",
        key="natural_gas_nm3_per_t",
    )


@rule(code="CBAM-UNIT-005", title="Precursor mass per tonne in the right unit", legal_source=_SEE)
def precursor_mass_unit(ctx: RuleContext) -> Iterator[Finding]:
    """m_i = M_i / AL, tonnes of precursor per tonne of good (IR (EU) 2025/2547 Annex III point
    B): kg per tonne typed as t/t makes the precursor's share 1000× too large.

    Error at ``precursors[i].mass_per_t`` when the mass is outside the widened typical range of
    the pair (product category, precursor category) and its ×1000 or ÷1000 is inside."""
    facts = ctx.facts
    if facts.category is None:
        return
    for precursor in facts.precursors:
        row = precursor_mass_range(facts.category.name, precursor.category)
        plausible = row.plausible
        mass = precursor.mass_t_per_t
        slip = slip_of(mass.value, plausible)
        if slip is None:
            continue
        fixed = corrected(mass.value, slip)
        pair_en = f"{precursor.category or 'this precursor'} in {facts.category.name}"
        pair_zh = (
            f"{category_zh(facts.category.name)}中的{category_zh(precursor.category) or '该前体物'}"
        )
        mix_en, mix_zh = _mix_up(mass, slip, "mass", "质量")
        path = precursor_path(precursor, "mass_per_t")
        normalised = "" if unit_entered(mass) == "t/t" else f" ({fmt(mass.value)} t/t)"
        yield Finding(
            code="CBAM-UNIT-005",
            severity="error",
            path=path,
            message_en=(
                f"Precursor CN {precursor.cn_code}: {as_entered(mass)}{normalised} per tonne of "
                f"product is {_how_far_en(slip, plausible, 't/t', pair_en)}; "
                f"{fmt(fixed)} t/t would be plausible. {mix_en}"
            ),
            message_zh=(
                f"前体物 CN {precursor.cn_code}：每吨产品 {as_entered(mass)}{normalised}，"
                f"{_how_far_zh(slip, plausible, 't/t', pair_zh)}；"
                f"{fmt(fixed)} t/t 才合理。{mix_zh}"
            ),
            evidence={
                "mass_per_t": as_entered(mass),
                "mass_t_per_t": fmt(mass.value),
                "plausible_range": str(plausible),
                "corrected_mass_t_per_t": fmt(fixed),
                **_units(mass, slip),
            },
        )


@rule(
    code="CBAM-UNIT-006",
    title="Electricity emission factor in the right unit",
    legal_source=_FACTOR,
)
def electricity_factor_unit(ctx: RuleContext) -> Iterator[Finding]:
    """Grid emission factors lie between 0 and about 1.2 tCO2/MWh (IR (EU) 2025/2547 Annex III;
    IR (EU) 2025/2621 Annex II): a factor in gCO2/kWh typed as kgCO2/kWh is 1000× too large.

    Error at ``electricity_factor`` when the factor is above 1.5 tCO2/MWh and ÷1000 is
    plausible."""
    factor = ctx.facts.electricity_factor
    if factor is None:
        return
    slip = slip_of(factor.value, GRID_FACTOR_RANGE)
    if slip is None:
        return
    fixed = corrected(factor.value, slip)
    mix_en, mix_zh = _mix_up(factor, slip, "emission factor", "排放因子")
    yield Finding(
        code="CBAM-UNIT-006",
        severity="error",
        path="electricity_factor",
        message_en=(
            f"Electricity emission factor {as_entered(factor)} is {fmt(factor.value)} tCO2/MWh, "
            f"1000 times what a grid can emit ({GRID_FACTOR_RANGE} tCO2/MWh); "
            f"{fmt(fixed)} tCO2/MWh would be plausible. {mix_en}"
        ),
        message_zh=(
            f"电力排放因子 {as_entered(factor)}，即 {fmt(factor.value)} tCO2/MWh，约为电网可能"
            f"排放强度（{GRID_FACTOR_RANGE} tCO2/MWh）的 1000 倍；{fmt(fixed)} tCO2/MWh 才合理。"
            f"{mix_zh}"
        ),
        evidence={
            "electricity_factor": as_entered(factor),
            "tco2_per_mwh": fmt(factor.value),
            "plausible_range": str(GRID_FACTOR_RANGE),
            "corrected_tco2_per_mwh": fmt(fixed),
            **_units(factor, slip),
        },
    )
