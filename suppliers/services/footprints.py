"""Draft footprints: enter inputs with units, compute the SEE with the engine, edit, delete.

The SEE (direct, indirect, total) is computed by ``cbam`` (a pure leaf
package) from the inputs and the reference data valid on the last day of the period; nobody
types it in. A draft is only saved when it can be computed: every problem is reported at once,
by field, and nothing is written.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import transaction

from accounts.audit import Actor, audit_record
from accounts.models import Organisation
from accounts.roles import OrganisationKind
from cbam import (
    CalculationError,
    GoodInput,
    PrecursorInput,
    compute_see,
    electricity_factor_for,
)
from cbam.numbers import (
    SPECIFIC,
)
from cbam.reference import ReferenceSnapshot
from cbam.rendering import render_see
from core.errors import ValidationFailed
from core.inputs import TEXT, Field, Parsed
from reference.selectors import goods_category_for_cn_code, reference_snapshot_for
from suppliers.errors import FootprintImmutable
from suppliers.inputs import FOOTPRINT_INPUT, QUANTITIES
from suppliers.models import (
    ElectricityFactorSource,
    Footprint,
    FootprintPrecursor,
    FootprintStatus,
    Installation,
    PrecursorSeeSource,
    Product,
)
from suppliers.units import UnitError, quantity

#: Electricity "sources" people try that the EU does not accept (2025/2547 Annex III; DOMAIN.md).
REFUSED_FACTOR_SOURCES = {
    "guarantee_of_origin": "guarantees of origin",
    "guarantees_of_origin": "guarantees of origin",
    "go": "guarantees of origin",
    "green_certificate": "green certificates",
    "green_certificates": "green certificates",
    "rec": "renewable energy certificates",
    "i-rec": "renewable energy certificates",
}


@dataclass
class _Cleaned(Parsed):
    as_entered: dict[str, Any] = field(default_factory=dict)
    precursors: list[dict[str, Any]] | None = None


def _quantity(cleaned: _Cleaned, path: str, raw: Any, kind: str, *, allow_zero: bool) -> Any:
    if not isinstance(raw, dict) or "value" not in raw or "unit" not in raw:
        cleaned.error(path, 'Expected {"value": "<number>", "unit": "<unit>"}.')
        return None
    try:
        return quantity(kind, raw["value"], raw["unit"], allow_zero=allow_zero)
    except UnitError as exc:
        cleaned.error(path, f"{exc}.")
        return None


def _spec(path: str) -> Field:
    """The declared field at a dotted path of ``FOOTPRINT_INPUT`` (list indices ignored)."""
    fields = FOOTPRINT_INPUT.fields
    spec: Field | None = None
    for name in re.sub(r"\[\d+\]", "", path).split("."):
        spec = next(f for f in fields if f.name == name)
        fields = spec.fields
    assert spec is not None
    return spec


def _number(cleaned: _Cleaned, path: str, raw: Any) -> Any:
    """A number within its field's bounds and not negative, or None with the problem
    recorded (what is expected comes from the field's declaration)."""
    spec = _spec(path)
    value = cleaned.take(spec, raw, path)
    if value is not None and value < 0:
        cleaned.error(path, f"{raw!r}: expected {spec.help}.")
        return None
    return value


def _text(cleaned: _Cleaned, path: str, raw: Any) -> str:
    """Text within its field's declared length, or "" with the problem recorded (a choice, a
    CN code or a country is then checked by the caller, with the domain's own message)."""
    value = cleaned.take(dataclasses.replace(_spec(path), kind=TEXT), raw, path)
    return "" if value is None else value


def _date(cleaned: _Cleaned, path: str, raw: Any) -> date | None:
    return cleaned.take(_spec(path), raw, path)


def _clean(
    *, organisation: Organisation, data: dict[str, Any], partial: bool, current: Footprint | None
) -> _Cleaned:
    cleaned = _Cleaned()
    if not partial:
        for key in ("product", "installation", "period_start", "period_end"):
            if key not in data:
                cleaned.error(key, "This field is required.")
        for key, _, _, required, _ in QUANTITIES:
            if required and key not in data:
                cleaned.error(key, "This field is required.")

    if "product" in data:
        product = Product.objects.filter(
            organisation=organisation, pk=_uuid(data["product"])
        ).first()
        if product is None:
            cleaned.error("product", "Unknown product; give the id of one of your products.")
        cleaned.values["product"] = product
    if "installation" in data:
        installation = Installation.objects.filter(
            organisation=organisation, pk=_uuid(data["installation"])
        ).first()
        if installation is None:
            cleaned.error(
                "installation", "Unknown installation; give the id of one of your installations."
            )
        cleaned.values["installation"] = installation
    for key in ("period_start", "period_end", "valid_until", "verification_statement_date"):
        source = data.get("verification", {}) if key == "verification_statement_date" else data
        raw_key = "statement_date" if key == "verification_statement_date" else key
        if isinstance(source, dict) and source.get(raw_key):
            path = f"verification.{raw_key}" if key == "verification_statement_date" else key
            cleaned.values[key] = _date(cleaned, path, source[raw_key])

    for key, model_field, kind, _required, allow_zero in QUANTITIES:
        if key in data:
            if data[key] is None:
                if _required:
                    cleaned.error(key, "This field is required.")
                cleaned.values[model_field] = None
                cleaned.as_entered[key] = None
                continue
            q = _quantity(cleaned, key, data[key], kind, allow_zero=allow_zero)
            if q is not None:
                cleaned.values[model_field] = q.value
                cleaned.as_entered[key] = q.as_entered()

    if "electricity_factor_source" in data:
        source = _text(cleaned, "electricity_factor_source", data["electricity_factor_source"])
        source = source.lower()
        if source in REFUSED_FACTOR_SOURCES:
            cleaned.error(
                "electricity_factor_source",
                f"{REFUSED_FACTOR_SOURCES[source].capitalize()} are not accepted for CBAM: "
                "embedded indirect emissions use the grid factor, unless the electricity comes "
                "through a direct technical link to the generator or a power purchase agreement "
                "(Implementing Reg. 2025/2547 Annex III). Expected one of "
                + ", ".join(ElectricityFactorSource.values)
                + ".",
            )
        elif source and source not in ElectricityFactorSource.values:
            cleaned.error(
                "electricity_factor_source",
                f"{source[:40]!r} is not a factor source; expected one of "
                + ", ".join(ElectricityFactorSource.values)
                + ".",
            )
        cleaned.values["electricity_factor_source"] = source
    if "electricity_factor_reference" in data:
        cleaned.values["electricity_factor_reference"] = _text(
            cleaned, "electricity_factor_reference", data["electricity_factor_reference"]
        )

    if "carbon_price" in data:
        cp = data["carbon_price"] or {}
        if not isinstance(cp, dict):
            cleaned.error("carbon_price", 'Expected {"instrument", "amount", "currency"} or null.')
        else:
            cleaned.values["carbon_price_instrument"] = _text(
                cleaned, "carbon_price.instrument", cp.get("instrument")
            )
            cleaned.values["carbon_price_currency"] = _text(
                cleaned, "carbon_price.currency", cp.get("currency")
            ).upper()
            amount = cp.get("amount")
            if amount in (None, ""):
                cleaned.values["carbon_price_amount"] = None
            else:
                cleaned.values["carbon_price_amount"] = _number(
                    cleaned, "carbon_price.amount", amount
                )
            if (
                cleaned.values.get("carbon_price_amount") is not None
                and len(cleaned.values["carbon_price_currency"]) != 3
            ):
                cleaned.error("carbon_price.currency", "Expected an ISO 4217 code, e.g. CNY.")

    if "verification" in data:
        _clean_verification(cleaned, data["verification"] or {})
    if "data_quality" in data:
        _clean_data_quality(cleaned, data["data_quality"] or {})
    if "precursors" in data:
        _clean_precursors(cleaned, organisation, data["precursors"], current)
    if "precursors_declared_absent" in data:
        _clean_declared_absent(cleaned, data["precursors_declared_absent"])
    return cleaned


def _clean_declared_absent(cleaned: _Cleaned, raw: Any) -> None:
    """A list of goods-category names; whether each is a relevant precursor of the product's
    category is checked in ``_prepare``, once product and period are both known."""
    if raw is None:
        raw = []
    if not isinstance(raw, list) or not all(isinstance(n, str) and n.strip() for n in raw):
        cleaned.error(
            "precursors_declared_absent",
            'Expected a list of goods category names, e.g. ["Pig iron", "Ferro-alloys"].',
        )
        return
    names: list[str] = []
    for name in raw:
        if name.strip() not in names:
            names.append(name.strip())
    cleaned.values["precursors_declared_absent"] = names


def _uuid(raw: Any) -> Any:
    import uuid

    try:
        return uuid.UUID(str(raw))
    except (ValueError, TypeError):
        return None


def _clean_verification(cleaned: _Cleaned, raw: Any) -> None:
    if not isinstance(raw, dict):
        cleaned.error("verification", "Expected an object or null.")
        return
    slug = raw.get("verifier_organisation")
    verifier = None
    if slug:
        verifier = (
            Organisation.objects.filter(slug=slug, kinds__kind=OrganisationKind.VERIFIER)
            .distinct()
            .first()
        )
        if verifier is None:
            cleaned.error(
                "verification.verifier_organisation",
                f"{slug!r} is not a verifier on the platform; give a verifier's slug, or the "
                "verifier's name and accreditation number for an external one.",
            )
    cleaned.values["verifier_organisation"] = verifier
    cleaned.values["verifier_name"] = _text(
        cleaned, "verification.verifier_name", raw.get("verifier_name")
    )
    cleaned.values["verifier_accreditation"] = _text(
        cleaned, "verification.accreditation_number", raw.get("accreditation_number")
    )
    level = _text(cleaned, "verification.assurance_level", raw.get("assurance_level"))
    if level and level not in ("reasonable", "limited"):
        cleaned.error("verification.assurance_level", "Expected reasonable or limited.")
    cleaned.values["assurance_level"] = level
    if raw and verifier is None and not slug and not cleaned.values["verifier_name"]:
        cleaned.error(
            "verification.verifier_name",
            "Name the verifier (or give a verifier organisation of the platform).",
        )


def _clean_data_quality(cleaned: _Cleaned, raw: Any) -> None:
    if not isinstance(raw, dict):
        cleaned.error("data_quality", "Expected an object.")
        return
    share = raw.get("primary_data_share_pct")
    if share not in (None, ""):
        value = _number(cleaned, "data_quality.primary_data_share_pct", share)
        if value is not None:
            cleaned.values["primary_data_share_pct"] = value
    cleaned.values["methodology"] = _text(
        cleaned, "data_quality.methodology", raw.get("methodology")
    )
    cleaned.values["comments"] = _text(cleaned, "data_quality.comments", raw.get("comments"))
    if raw.get("valid_until"):
        cleaned.values["valid_until"] = _date(
            cleaned, "data_quality.valid_until", raw["valid_until"]
        )


def _clean_precursors(
    cleaned: _Cleaned, organisation: Organisation, raw: Any, current: Footprint | None
) -> None:
    if not isinstance(raw, list):
        cleaned.error("precursors", "Expected a list.")
        return
    rows: list[dict[str, Any]] = []
    for index, item in enumerate(raw):
        path = f"precursors[{index}]"
        if not isinstance(item, dict):
            cleaned.error(path, "Expected an object.")
            continue
        row: dict[str, Any] = {"position": index}
        row["cn_code"] = _text(cleaned, f"{path}.cn_code", item.get("cn_code"))[:40].replace(
            " ", ""
        )
        if not row["cn_code"]:
            cleaned.error(f"{path}.cn_code", "This field is required.")
        q = _quantity(
            cleaned, f"{path}.mass_per_t", item.get("mass_per_t"), "specific_mass", allow_zero=False
        )
        if q is not None:
            row["mass_t_per_t"] = q.value
            row["mass_as_entered"] = q.as_entered()
        row["country_of_origin"] = _text(
            cleaned, f"{path}.country_of_origin", item.get("country_of_origin")
        )[:40].upper()
        if not row["country_of_origin"]:
            cleaned.error(f"{path}.country_of_origin", "This field is required.")
        source = _text(cleaned, f"{path}.see_source", item.get("see_source"))[:40]
        row["see_source"] = source
        if source == PrecursorSeeSource.PLATFORM_FOOTPRINT:
            referenced = (
                Footprint.objects.filter(
                    organisation=organisation,
                    pk=_uuid(item.get("source_footprint")),
                    status=FootprintStatus.PUBLISHED,
                )
                .exclude(pk=current.pk if current else "00000000-0000-0000-0000-000000000000")
                .first()
            )
            if referenced is None:
                cleaned.error(
                    f"{path}.source_footprint",
                    "Unknown footprint; give the id of a published footprint you can read.",
                )
            else:
                row["source_footprint"] = referenced
                row["see_direct"] = referenced.see_direct
                row["see_indirect"] = referenced.see_indirect
                if referenced.product.cn_code != row["cn_code"]:
                    cleaned.error(
                        f"{path}.cn_code",
                        f"The referenced footprint is of CN {referenced.product.cn_code}, "
                        f"not {row['cn_code']}.",
                    )
        elif source == PrecursorSeeSource.OWN_VERIFIED:
            for channel in ("see_direct", "see_indirect"):
                value = item.get(channel)
                if value in (None, ""):
                    if channel == "see_direct":
                        cleaned.error(f"{path}.see_direct", "Required for own verified figures.")
                    continue
                number = _number(cleaned, f"{path}.{channel}", value)
                if number is not None:
                    row[channel] = number
        elif source != PrecursorSeeSource.DEFAULT_VALUE:
            cleaned.error(
                f"{path}.see_source",
                f"{source!r}: expected one of " + ", ".join(PrecursorSeeSource.values) + ".",
            )
        rows.append(row)
    cleaned.precursors = rows


def _compute(
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
        return updates, [{"path": _engine_path(p.path), "message": p.message} for p in exc.problems]
    result = calculation[str(footprint.pk)]
    if result.see_total > SPECIFIC.maximum:
        # The inputs are each in range, but their ratio is not a product's emissions (and
        # would not fit the stored SEE): almost always a unit slip in the activity level.
        return updates, [
            {
                "path": "activity_level",
                "message": f"The SEE that results, {result.see_total:.5E} tCO2e/t, is above "
                f"{SPECIFIC.maximum:,f} tCO2e/t; check the units of the activity level and of "
                "the emissions.",
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


def _prepare(
    footprint: Footprint, cleaned: _Cleaned, *, precursors_given: bool
) -> list[dict[str, Any]]:
    """Apply the cleaned input to ``footprint`` (not saved), check what needs the whole
    footprint, and compute its SEE; returns the precursor rows. Raises ``ValidationFailed``
    with every problem by field."""
    for name, value in cleaned.values.items():
        setattr(footprint, name, value)
    entered = dict(footprint.inputs_as_entered or {})
    entered.update(cleaned.as_entered)
    footprint.inputs_as_entered = entered
    errors = dict(cleaned.errors)
    if (
        footprint.period_start
        and footprint.period_end
        and footprint.period_end < footprint.period_start
    ):
        errors.setdefault("period_end", []).append(
            f"{footprint.period_end} is before the period start {footprint.period_start}."
        )
    product = footprint.product if footprint.product_id else None
    if (
        product is not None
        and footprint.installation_id
        and footprint.installation not in (product.installations.all())
        and product.installations.exists()
    ):
        errors.setdefault("installation", []).append(
            f"{product.name} is not made at {footprint.installation}; link the installation "
            "to the product first."
        )
    if product is not None and footprint.period_end:
        category = goods_category_for_cn_code(cn_code=product.cn_code, on=footprint.period_end)
        if category is None:
            errors.setdefault("product", []).append(
                f"CN {product.cn_code} is not a CBAM good in the reference data valid on "
                f"{footprint.period_end}."
            )
        else:
            for message in _declared_absent_problems(
                footprint.precursors_declared_absent or [],
                category.category,
                list(category.relevant_precursors or []),
            ):
                errors.setdefault("precursors_declared_absent", []).append(message)
    if errors:
        raise ValidationFailed("The footprint data is invalid.", fields=errors)
    if precursors_given:
        precursors = cleaned.precursors or []
    else:
        precursors = footprint_precursor_rows(footprint)
    updates, problems = _compute(footprint, precursors)
    if problems:
        fields: dict[str, list[str]] = {}
        for problem in problems:
            fields.setdefault(problem["path"], []).append(problem["message"])
        raise ValidationFailed("The footprint cannot be computed.", fields=fields)
    for name, value in updates.items():
        setattr(footprint, name, value)
    return precursors


def _declared_absent_problems(names: list[str], category: str, relevant: list[str]) -> list[str]:
    if not names:
        return []
    if not relevant:
        return [
            f"{category} has no relevant precursors (Reg. 2023/956 Annex II); leave this list "
            "empty."
        ]
    return [
        f"{name!r} is not a relevant precursor of {category}; expected one of "
        + ", ".join(relevant)
        + "."
        for name in names
        if name not in relevant
    ]


def _save(footprint: Footprint, cleaned: _Cleaned, *, precursors_given: bool) -> Footprint:
    precursors = _prepare(footprint, cleaned, precursors_given=precursors_given)
    footprint.save()
    if precursors_given:
        footprint.precursors.all().delete()
        FootprintPrecursor.objects.bulk_create(
            FootprintPrecursor(footprint=footprint, **row) for row in precursors
        )
    return footprint


@dataclass(frozen=True)
class FootprintPreview:
    """A footprint built from input and computed by the engine, never saved (dry runs)."""

    footprint: Footprint
    precursors: list[FootprintPrecursor]


def footprint_preview(*, organisation: Organisation, data: dict[str, Any]) -> FootprintPreview:
    """What ``footprint_create`` would save for ``data``, without writing anything: the
    footprint and its precursors in memory with the SEE computed. Raises ``ValidationFailed``
    with the same problems by field as ``footprint_create``."""
    cleaned = _clean(organisation=organisation, data=data, partial=False, current=None)
    if cleaned.errors:
        raise ValidationFailed("The footprint data is invalid.", fields=cleaned.errors)
    footprint = Footprint(organisation=organisation)
    rows = _prepare(footprint, cleaned, precursors_given=True)
    return FootprintPreview(
        footprint=footprint,
        precursors=[FootprintPrecursor(footprint=footprint, **row) for row in rows],
    )


def footprint_summary(footprint: Footprint) -> dict[str, Any]:
    return {
        "status": footprint.status,
        "see_direct": str(footprint.see_direct),
        "see_indirect": str(footprint.see_indirect),
        "see_total": str(footprint.see_total),
        "inputs_as_entered": footprint.inputs_as_entered,
        "precursors_declared_absent": footprint.precursors_declared_absent,
    }


@transaction.atomic
def footprint_create(
    *, actor: Actor, organisation: Organisation, data: dict[str, Any]
) -> Footprint:
    """A new draft footprint from inputs with units; the SEE is computed by the engine."""
    cleaned = _clean(organisation=organisation, data=data, partial=False, current=None)
    if cleaned.errors:
        raise ValidationFailed("The footprint data is invalid.", fields=cleaned.errors)
    footprint = Footprint(organisation=organisation, created_by=actor.user)
    footprint = _save(footprint, cleaned, precursors_given=True)
    audit_record(
        actor=actor,
        organisation=organisation,
        action="footprint.created",
        obj=footprint,
        after=footprint_summary(footprint),
    )
    return footprint


@transaction.atomic
def footprint_update(*, actor: Actor, footprint: Footprint, data: dict[str, Any]) -> Footprint:
    """Edit a draft; the SEE is recomputed. Anything but a draft is refused."""
    footprint = Footprint.objects.select_for_update().get(pk=footprint.pk)
    if footprint.status != FootprintStatus.DRAFT:
        raise FootprintImmutable(
            f"This footprint is {footprint.status}; only a draft can be edited"
            + (
                " (a published footprint is corrected with a new version)."
                if footprint.status in (FootprintStatus.PUBLISHED, FootprintStatus.DEPRECATED)
                else "."
            )
        )
    before = footprint_summary(footprint)
    cleaned = _clean(
        organisation=footprint.organisation, data=data, partial=True, current=footprint
    )
    if cleaned.errors:
        raise ValidationFailed("The footprint data is invalid.", fields=cleaned.errors)
    footprint = _save(footprint, cleaned, precursors_given="precursors" in data)
    audit_record(
        actor=actor,
        organisation=footprint.organisation,
        action="footprint.updated",
        obj=footprint,
        before=before,
        after=footprint_summary(footprint),
    )
    return footprint


@transaction.atomic
def footprint_delete(*, actor: Actor, footprint: Footprint) -> None:
    footprint = Footprint.objects.select_for_update().get(pk=footprint.pk)
    if footprint.status != FootprintStatus.DRAFT:
        raise FootprintImmutable(
            f"This footprint is {footprint.status}; only a draft can be deleted."
        )
    audit_record(
        actor=actor,
        organisation=footprint.organisation,
        action="footprint.deleted",
        obj=footprint,
        before=footprint_summary(footprint),
    )
    footprint.precursors.all().delete()
    footprint.delete()


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
    updates, problems = _compute(footprint, rows, snapshot=snapshot)
    if problems:
        fields: dict[str, list[str]] = {}
        for problem in problems:
            fields.setdefault(problem["path"], []).append(problem["message"])
        return {}, fields
    changes = {name: value for name, value in updates.items() if getattr(footprint, name) != value}
    for name, value in changes.items():
        setattr(footprint, name, value)
    return changes, {}
