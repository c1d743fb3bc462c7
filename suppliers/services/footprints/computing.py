"""A footprint's SEE computed by the engine (``cbam``) from its inputs and the reference data
valid on the last day of its period: for a draft being saved, and again (``footprint_recompute``)
when a submission is validated with the reference data then in force."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from cbam import (
    CalculationError,
    GoodInput,
    PrecursorInput,
    compute_see,
    electricity_factor_for,
)
from cbam.messages import gettext_noop
from cbam.numbers import (
    SPECIFIC,
)
from cbam.reference import ReferenceSnapshot
from cbam.rendering import render_see
from core.errors import ValidationFailed
from core.messages import engine_message
from reference.selectors import reference_snapshot_for
from suppliers.models import (
    ElectricityFactorSource,
    Footprint,
    FootprintPrecursor,
    PrecursorSeeSource,
)


def compute_footprint(
    footprint: Footprint,
    precursors: list[dict[str, Any]],
    *,
    snapshot: ReferenceSnapshot | None = None,
) -> tuple[dict[str, Any], list[dict[str, str]]]:
    """Run the engine on the footprint's inputs; returns (updates, problems). ``snapshot``:
    the reference data valid on the period's last day when the caller has it."""
    on = footprint.period_end
    if snapshot is None:
        try:
            snapshot = reference_snapshot_for(on=on)
        except ValidationFailed as exc:
            return {}, [{"path": "period_end", "message": exc.message}]
    country = footprint.installation.country
    factor = footprint.electricity_factor_tco2_per_mwh
    updates: dict[str, Any] = {}
    if (
        footprint.electricity_mwh is not None
        and factor is None
        and footprint.electricity_factor_source in ("", ElectricityFactorSource.COUNTRY_DEFAULT)
    ):
        row = electricity_factor_for(snapshot, country)
        if row is not None:
            factor = row.tco2_per_mwh
            updates["electricity_factor_tco2_per_mwh"] = factor
            updates["electricity_factor_source"] = ElectricityFactorSource.COUNTRY_DEFAULT
            updates["electricity_factor_reference"] = row.ref
    al = footprint.activity_level_t
    good = GoodInput(
        id=str(footprint.pk),
        cn_code=footprint.product.cn_code,
        country_of_origin=country,
        activity_level_t=al,
        attributed_direct_tco2e=footprint.attributed_direct_tco2e,
        attributed_indirect_tco2e=footprint.attributed_indirect_tco2e,
        electricity_mwh=footprint.electricity_mwh
        if footprint.attributed_indirect_tco2e is None
        else None,
        electricity_factor_tco2_per_mwh=factor
        if footprint.attributed_indirect_tco2e is None
        else None,
        precursors=tuple(
            PrecursorInput(
                mass_t=p["mass_t_per_t"] * al,
                cn_code=p["cn_code"],
                country_of_origin=p["country_of_origin"],
                see_direct=p.get("see_direct")
                if p["see_source"] != PrecursorSeeSource.DEFAULT_VALUE
                else None,
                see_indirect=p.get("see_indirect")
                if p["see_source"] != PrecursorSeeSource.DEFAULT_VALUE
                else None,
                footprint_id=str(p["source_footprint"].pk) if p.get("source_footprint") else None,
            )
            for p in precursors
        ),
    )
    try:
        calculation = compute_see([good], snapshot)
    except CalculationError as exc:
        return updates, [
            {"path": _engine_path(p.path), "message": engine_message(p.message)}
            for p in exc.problems
        ]
    result = calculation[str(footprint.pk)]
    if result.see_total > SPECIFIC.maximum:
        # The inputs are each in range, but their ratio is not a product's emissions (and
        # would not fit the stored SEE): almost always a unit slip in the activity level.
        return updates, [
            {
                "path": "activity_level",
                "message": gettext_noop(
                    "The SEE that results, %(see)s tCO2e/t, is above %(maximum)s tCO2e/t; "
                    "check the units of the activity level and of the emissions.",
                    see=f"{result.see_total:.5E}",
                    maximum=f"{SPECIFIC.maximum:,f}",
                ),
            }
        ]
    rendered = render_see(calculation)["goods"][str(footprint.pk)]
    rendered["reference_date"] = on.isoformat()
    updates.update(
        see_direct=Decimal(rendered["see_direct"]),
        see_indirect=Decimal(rendered["see_indirect"]),
        see_total=Decimal(rendered["see_total"]),
        indirect_counts=result.indirect_counts,
        calculation=rendered,
        calculation_problems=[],
    )
    return updates, []


def _engine_path(path: str) -> str:
    """Map the engine's ``goods[0].…`` paths to the footprint's own field names."""
    mapping = {
        "goods[0].activity_level_t": "activity_level",
        "goods[0].attributed_direct_tco2e": "attributed_direct_emissions",
        "goods[0].cn_code": "product",
        "goods[0].electricity_mwh": "electricity",
        "goods[0].electricity_factor_tco2_per_mwh": "electricity_factor",
    }
    if path in mapping:
        return mapping[path]
    if path.startswith("goods[0].precursors"):
        return path.removeprefix("goods[0].")
    return path.removeprefix("goods[0].") or "non_field_errors"


def footprint_precursor_rows(footprint: Footprint) -> list[dict[str, Any]]:
    return [_precursor_row(p) for p in footprint.precursors.select_related("source_footprint")]


def _precursor_row(p: FootprintPrecursor) -> dict[str, Any]:
    return {
        "position": p.position,
        "cn_code": p.cn_code,
        "mass_t_per_t": p.mass_t_per_t,
        "mass_as_entered": p.mass_as_entered,
        "country_of_origin": p.country_of_origin,
        "see_source": p.see_source,
        "source_footprint": p.source_footprint,
        "see_direct": p.see_direct,
        "see_indirect": p.see_indirect,
    }


_RECOMPUTED_INPUTS = (
    "attributed_direct_tco2e",
    "activity_level_t",
    "electricity_mwh",
    "electricity_factor_tco2_per_mwh",
    "attributed_indirect_tco2e",
)


def _without_stored_zeros(value: Decimal) -> Decimal:
    """The same number without the trailing zeros of its stored places (1.0500000000 ->
    1.05, 1000000.0000000000 -> 1000000)."""
    if value == value.to_integral_value():
        return value.quantize(Decimal(1))
    return value.normalize()


def footprint_recompute(
    *, footprint: Footprint, snapshot: ReferenceSnapshot | None = None
) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """Recompute the SEE of a locked, not yet published footprint with the reference data in
    force (``snapshot`` when the caller has it). Returns ``(changes, problems)``: the fields
    whose value changed, already set on ``footprint`` but **not saved** (the caller writes
    them once, with the footprint's move), and the problems by field (then nothing changed).

    Precursors come from ``footprint.precursors.all()``: prefetched when the footprint was
    loaded with ``suppliers.validation.facts.footprint_for_facts`` (no query then).
    """
    # The stored decimals carry 10 places ("1000000.0000000000"); computed on the figures
    # without those zeros, the calculation's notes read as they did when the draft was saved,
    # so an unchanged footprint has nothing to write.
    for name in _RECOMPUTED_INPUTS:
        value = getattr(footprint, name)
        if value is not None:
            setattr(footprint, name, _without_stored_zeros(value))
    rows = []
    for precursor in footprint.precursors.all():
        row = _precursor_row(precursor)
        for name in ("mass_t_per_t", "see_direct", "see_indirect"):
            if row[name] is not None:
                row[name] = _without_stored_zeros(row[name])
        rows.append(row)
    updates, problems = compute_footprint(footprint, rows, snapshot=snapshot)
    if problems:
        fields: dict[str, list[str]] = {}
        for problem in problems:
            fields.setdefault(problem["path"], []).append(problem["message"])
        return {}, fields
    changes = {name: value for name, value in updates.items() if getattr(footprint, name) != value}
    for name, value in changes.items():
        setattr(footprint, name, value)
    return changes, {}
