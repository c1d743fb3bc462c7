"""Helpers the rules share: per-tonne figures and their unit slips, labels, the definitive period.

Pure: reads :class:`~suppliers.validation.types.FootprintFacts` and the tables of
``suppliers.validation.plausibility``. Several rules look at the same figure from different
angles (the unit-slip rule names the slip, the plausibility and default-value rules stay quiet
about a figure a slip explains), so the figure is computed once, here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from suppliers.validation.plausibility import (
    ELECTRICITY_RANGES,
    NATURAL_GAS_RANGES,
    SEE_DIRECT_RANGES,
    SeeRange,
    Slip,
    TypicalRange,
    row_for_route,
    slip_of,
)
from suppliers.validation.types import FootprintFacts, PrecursorFacts, Quantity

#: Reg. (EU) 2023/956 Art. 36: the definitive period (declarations, certificates, verified
#: actual emissions) applies from 1 January 2026.
DEFINITIVE_PERIOD_START = date(2026, 1, 1)

CATEGORY_ZH: dict[str, str] = {
    "Cement": "水泥",
    "Cement clinker": "水泥熟料",
    "Calcined clays": "煅烧黏土",
    "Aluminous cement": "铝酸盐水泥",
    "Iron or steel products": "钢铁制品",
    "Crude steel": "粗钢",
    "Pig iron": "生铁",
    "Direct reduced iron": "直接还原铁",
    "Alloys (FeMn, FeCr, FeNi)": "铁合金（锰铁、铬铁、镍铁）",
    "Sintered Ore": "烧结矿",
    "Hydrogen": "氢",
    "Ammonia": "氨",
    "Nitric acid": "硝酸",
    "Urea": "尿素",
    "Mixed fertilisers": "混合肥料",
    "Aluminium products": "铝制品",
    "Unwrought aluminium": "未锻轧铝",
    "Electricity (export to EU)": "电力（出口至欧盟）",
}

_UNIT_LABELS = {"Nm3": "Nm³", "1000Nm3": "1000 Nm³"}


def category_zh(category: str | None) -> str:
    return CATEGORY_ZH.get(category or "", category or "")


def unit_label(unit: str) -> str:
    """A unit as people read it (``1000Nm3`` -> ``1000 Nm³``)."""
    return _UNIT_LABELS.get(unit, unit)


def unit_entered(quantity: Quantity) -> str:
    return quantity.unit_entered or quantity.unit


def as_entered(quantity: Quantity) -> str:
    """``"264000 MWh"``: the value and unit the producer typed (normalised if not kept)."""
    value = quantity.value_entered if quantity.value_entered is not None else quantity.value
    return f"{format(value, 'f')} {unit_label(unit_entered(quantity))}"


def precursor_path(precursor: PrecursorFacts, field: str) -> str:
    return f"precursors[{precursor.position}].{field}"


def in_definitive_period(facts: FootprintFacts) -> bool:
    return facts.period_end >= DEFINITIVE_PERIOD_START


def route_label(facts: FootprintFacts) -> str:
    """``"Iron or steel products, route C"``: the category and route a range was chosen for."""
    route = facts.production_route or facts.benchmark_route
    name = facts.category.name if facts.category else ""
    return f"{name}, route {route}" if route else name


# --------------------------------------------------------------------------- per-tonne figures


@dataclass(frozen=True, slots=True)
class SeeDirectCheck:
    """Direct SEE against its plausible range, split into the process part (attributed direct
    emissions / activity level) and the precursors' part (the rest of the engine's figure).

    ``slip``: the process part is 1000× off (a process part too large is above the whole SEE
    range on its own) and undoing it brings the SEE into range;
    ``corrected``: the SEE with the slip undone."""

    see_direct: Decimal
    process: Decimal
    precursors: Decimal
    range: SeeRange
    slip: Slip | None
    corrected: Decimal | None

    @property
    def plausible(self) -> bool:
        return self.range.see_direct.contains(self.see_direct)


def see_direct_check(facts: FootprintFacts) -> SeeDirectCheck | None:
    """None when the category has no range or the activity level is not positive."""
    if facts.category is None or facts.activity_level.value <= 0:
        return None
    row = row_for_route(
        SEE_DIRECT_RANGES, facts.category.name, facts.production_route, facts.benchmark_route
    )
    if row is None:
        return None
    process = facts.attributed_direct.value / facts.activity_level.value
    if facts.see_direct is not None:
        see_direct = facts.see_direct
        precursors = max(see_direct - process, Decimal(0))
    else:
        precursors = sum(
            (p.mass_t_per_t.value * p.see_direct for p in facts.precursors if p.see_direct),
            Decimal(0),
        )
        see_direct = process + precursors
    slip: Slip | None = None
    fixed: Decimal | None = None
    plausible = row.see_direct
    if not plausible.contains(see_direct) and process > 0:
        # Too large: the process part alone must be implausible (above the whole SEE range),
        # or a good whose precursors dominate would call any high figure a slip.
        if (
            see_direct > plausible.high
            and process > plausible.high
            and plausible.contains(process / 1000 + precursors)
        ):
            slip, fixed = "too_large", process / 1000 + precursors
        elif see_direct < plausible.low and plausible.contains(process * 1000 + precursors):
            slip, fixed = "too_small", process * 1000 + precursors
    return SeeDirectCheck(see_direct, process, precursors, row, slip, fixed)


@dataclass(frozen=True, slots=True)
class PerTonneCheck:
    """A quantity per tonne of product against its plausible range (``slip`` as in
    :func:`suppliers.validation.plausibility.slip_of`)."""

    quantity: Quantity
    per_t: Decimal
    row: TypicalRange
    slip: Slip | None


def _per_tonne(
    facts: FootprintFacts, quantity: Quantity | None, rows: tuple[TypicalRange, ...]
) -> PerTonneCheck | None:
    if quantity is None or quantity.value <= 0 or facts.category is None:
        return None
    if facts.activity_level.value <= 0:
        return None
    row = row_for_route(rows, facts.category.name, facts.production_route, facts.benchmark_route)
    if row is None:
        return None
    per_t = quantity.value / facts.activity_level.value
    return PerTonneCheck(quantity, per_t, row, slip_of(per_t, row.plausible))


def electricity_check(facts: FootprintFacts) -> PerTonneCheck | None:
    """Electricity consumed per tonne (MWh/t)."""
    return _per_tonne(facts, facts.electricity, ELECTRICITY_RANGES)


def natural_gas_check(facts: FootprintFacts) -> PerTonneCheck | None:
    """Natural gas per tonne (Nm³/t)."""
    return _per_tonne(facts, facts.natural_gas, NATURAL_GAS_RANGES)


def activity_level_slip(facts: FootprintFacts) -> Slip | None:
    """The activity level is the likely culprit when at least two per-tonne figures (direct SEE,
    electricity, natural gas) are 1000× off in the same direction and none in the other.

    An activity level 1000× too small makes every per-tonne figure 1000× too large
    (``"too_large"`` here means the *figures* are too large)."""
    slips: list[Slip] = []
    see = see_direct_check(facts)
    if see is not None and see.slip is not None:
        slips.append(see.slip)
    for check in (electricity_check(facts), natural_gas_check(facts)):
        if check is not None and check.slip is not None:
            slips.append(check.slip)
    if len(slips) >= 2 and len(set(slips)) == 1:
        return slips[0]
    return None
