"""Facts for rule tests: a clean, verified hot-rolled coil (CN 7208 39 00) from China, and
helpers to change it.

``hot_rolled_coil(**overrides)`` returns :class:`FootprintFacts` that pass every rule without an
error or a warning; overrides go through ``dataclasses.replace`` and the SEE figures are then
recomputed by the engine (as the facts loader stores them) unless given. The numbers are the
demo mill's 2026 footprint: 2,400,000 t of coil, 172,800 tCO2e of reheating (0.072 t/t),
264,000 MWh (0.11 MWh/t) on the Chinese grid factor, 1.025 t of the mill's own verified slab
(1.98 / 0.21 tCO2e/t) per tonne: direct SEE 2.1015, indirect 0.2818.
"""

from __future__ import annotations

import functools
from dataclasses import replace
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import suppliers.validation.rules  # noqa: F401  (registers every rule)
from cbam import GoodInput, PrecursorInput, compute_see
from cbam.csv_snapshot import snapshot_from_csv
from cbam.reference import ReferenceSnapshot
from cbam.rounding import round_see
from reference.datasets import (
    GOODS_CATEGORIES,
    SPECS,
    CheckContext,
    CsvFile,
    clean_rows,
    read_csv,
)
from suppliers import units
from suppliers.validation.registry import RULES, run_rules
from suppliers.validation.types import (
    CategoryFacts,
    Finding,
    FootprintFacts,
    PrecursorFacts,
    Quantity,
    ReferencedFootprintFacts,
    RuleContext,
)

REFERENCE_DATA = Path(__file__).resolve().parents[3] / "reference" / "data"
TODAY = date(2027, 3, 1)

_KINDS = {
    "t": "mass",
    "kg": "mass",
    "tCO2e": "emissions",
    "kgCO2e": "emissions",
    "MWh": "energy",
    "kWh": "energy",
    "GWh": "energy",
    "GJ": "energy",
    "TJ": "energy",
    "Nm3": "gas_volume",
    "1000Nm3": "gas_volume",
    "tCO2/MWh": "emission_factor",
    "kgCO2/kWh": "emission_factor",
    "gCO2/kWh": "emission_factor",
    "t/t": "specific_mass",
    "kg/t": "specific_mass",
}


@functools.cache
def reference_snapshot() -> ReferenceSnapshot:
    """The shipped reference tables, read once per test session."""
    return snapshot_from_csv(REFERENCE_DATA)


@functools.cache
def _categories() -> dict[str, CategoryFacts]:
    """Goods categories as the reference loader stores them (routes, relevant precursors)."""
    csv_file = read_csv((REFERENCE_DATA / "goods-categories-routes-precursors.csv").read_bytes())
    assert isinstance(csv_file, CsvFile), csv_file
    rows, problems = clean_rows(SPECS[GOODS_CATEGORIES], csv_file, CheckContext())
    assert problems == []
    return {
        row["category"]: CategoryFacts(
            name=row["category"],
            sector=row["sector"],
            indirect_counts=row["indirect_counts"],
            production_routes=tuple(row["production_routes"]),
            relevant_precursors=tuple(row["relevant_precursors"]),
        )
        for row in rows
    }


def category_facts(name: str) -> CategoryFacts:
    return _categories()[name]


def category_of(cn_code: str) -> CategoryFacts | None:
    name = reference_snapshot().category(cn_code)
    return None if name is None else category_facts(name)


def quantity(value: str, unit: str) -> Quantity:
    """A quantity as the producer entered it (``"264000", "kWh"``), normalised like the service."""
    parsed = units.quantity(_KINDS[unit], value, unit)
    return Quantity(
        value=parsed.value,
        unit=parsed.unit,
        value_entered=parsed.value_entered,
        unit_entered=parsed.unit_entered,
    )


def referenced_footprint(**overrides: Any) -> ReferencedFootprintFacts:
    """A published, validly signed, verified 2026 slab footprint of the same mill."""
    base = ReferencedFootprintFacts(
        id="fp-slab-2026",
        organisation_slug="hebei-steel",
        cn_code="72071210",
        status="published",
        period_start=date(2026, 1, 1),
        period_end=date(2026, 12, 31),
        signature_valid=True,
        signature_reason="",
        key_revoked_at=None,
        revoked_later=False,
        verification_statement_date=date(2027, 2, 10),
    )
    return replace(base, **overrides)


def precursor(
    *,
    position: int = 0,
    cn_code: str = "72071210",
    mass: tuple[str, str] = ("1.025", "t/t"),
    country_of_origin: str = "CN",
    see_source: str = "own_verified",
    see_direct: str | None = "1.98",
    see_indirect: str | None = "0.21",
    source: ReferencedFootprintFacts | None = None,
) -> PrecursorFacts:
    category = reference_snapshot().category(cn_code)
    return PrecursorFacts(
        position=position,
        cn_code=cn_code,
        category=category,
        mass_t_per_t=quantity(*mass),
        country_of_origin=country_of_origin,
        see_source=see_source,
        see_direct=Decimal(see_direct) if see_direct is not None else None,
        see_indirect=Decimal(see_indirect) if see_indirect is not None else None,
        source=source,
    )


#: Relevant precursors of iron or steel products other than the slab: declared not used.
HRC_ABSENT = (
    "Iron or steel products",
    "Pig iron",
    "Alloys (FeMn, FeCr, FeNi)",
    "Sintered Ore",
    "Direct reduced iron",
    "Hydrogen",
)


def _base() -> FootprintFacts:
    return FootprintFacts(
        id="fp-hrc-2026",
        organisation_slug="hebei-steel",
        cn_code="72083900",
        category=category_facts("Iron or steel products"),
        production_route="",
        benchmark_route="C",
        country="CN",
        period_start=date(2026, 1, 1),
        period_end=date(2026, 12, 31),
        activity_level=quantity("2400000", "t"),
        attributed_direct=quantity("172800", "tCO2e"),
        electricity=quantity("264000", "MWh"),
        electricity_factor=None,
        electricity_factor_source="country_default",
        electricity_factor_reference="",
        attributed_indirect=None,
        natural_gas=quantity("84000000", "Nm3"),  # 35 Nm³/t for the reheating furnaces
        precursors=(precursor(),),
        precursors_declared_absent=HRC_ABSENT,
        see_direct=None,
        see_indirect=None,
        see_total=None,
        see_as_given={},
        carbon_price_instrument="China national carbon emissions trading scheme",
        carbon_price_amount=Decimal("64.50"),
        carbon_price_currency="CNY",
        verifier_name="Nordic Emissions Verification AB",
        verifier_organisation_slug="nordic-verification",
        verifier_confirmed=True,
        verification_statement_date=date(2027, 2, 15),
        assurance_level="reasonable",
        evidence_kinds=frozenset({"carbon_price", "verification"}),
        valid_until=date(2027, 12, 31),
    )


def with_engine_see(facts: FootprintFacts) -> FootprintFacts:
    """``facts`` with see_direct / see_indirect / see_total computed by the engine, as stored."""
    activity = facts.activity_level.value
    good = GoodInput(
        id="good",
        cn_code=facts.cn_code,
        activity_level_t=activity,
        attributed_direct_tco2e=facts.attributed_direct.value,
        country_of_origin=facts.country,
        attributed_indirect_tco2e=(
            facts.attributed_indirect.value if facts.attributed_indirect else None
        ),
        electricity_mwh=facts.electricity.value if facts.electricity else None,
        electricity_factor_tco2_per_mwh=(
            facts.electricity_factor.value if facts.electricity_factor else None
        ),
        precursors=tuple(
            PrecursorInput(
                mass_t=p.mass_t_per_t.value * activity,
                cn_code=p.cn_code,
                country_of_origin=p.country_of_origin,
                see_direct=p.see_direct if p.see_source != "default_value" else None,
                see_indirect=p.see_indirect if p.see_source != "default_value" else None,
            )
            for p in facts.precursors
            if p.category is not None
        ),
    )
    result = compute_see([good], reference_snapshot())["good"]
    return replace(
        facts,
        see_direct=round_see(result.see_direct),
        see_indirect=round_see(result.see_indirect),
        see_total=round_see(result.see_total),
    )


def hot_rolled_coil(**overrides: Any) -> FootprintFacts:
    """The clean, verified coil with ``overrides``; SEE recomputed unless overridden."""
    facts = replace(_base(), **overrides)
    if {"see_direct", "see_indirect", "see_total"} & overrides.keys():
        return facts
    if facts.category is None:
        return facts
    return with_engine_see(facts)


def context(facts: FootprintFacts, *, today: date = TODAY) -> RuleContext:
    return RuleContext(facts=facts, snapshot=reference_snapshot(), today=today)


def check(code: str, facts: FootprintFacts, *, today: date = TODAY) -> list[Finding]:
    """The findings of one rule."""
    return list(RULES[code].check(context(facts, today=today)))


def check_all(facts: FootprintFacts, *, today: date = TODAY) -> list[Finding]:
    """The findings of every registered rule, in the registry's order."""
    return run_rules(context(facts, today=today))


def codes(findings: list[Finding]) -> list[str]:
    return [f.code for f in findings]
