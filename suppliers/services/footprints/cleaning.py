"""A footprint's input read field by field with its declaration (``suppliers.inputs``):
values, their units as entered, and every problem by field; the organisation's own product,
installation, verifier and referenced footprints looked up. Nothing is computed or written."""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import Q, QuerySet

from accounts.models import Organisation
from accounts.roles import OrganisationKind
from cbam.cn_codes import normalise_cn_code
from cbam.messages import Message, gettext_noop
from core.inputs import REQUIRED, TEXT, Field, Parsed, sentence_of
from suppliers.inputs import FOOTPRINT_INPUT, QUANTITIES
from suppliers.models import (
    ElectricityFactorSource,
    Footprint,
    FootprintStatus,
    Installation,
    PrecursorSeeSource,
    Product,
)
from suppliers.units import UnitError, quantity

#: Electricity "sources" people try that the EU does not accept (2025/2547 Annex III; DOMAIN.md).
_GUARANTEES = gettext_noop("Guarantees of origin")
_GREEN = gettext_noop("Green certificates")
_RECS = gettext_noop("Renewable energy certificates")
REFUSED_FACTOR_SOURCES: dict[str, Message] = {
    "guarantee_of_origin": _GUARANTEES,
    "guarantees_of_origin": _GUARANTEES,
    "go": _GUARANTEES,
    "green_certificate": _GREEN,
    "green_certificates": _GREEN,
    "rec": _RECS,
    "i-rec": _RECS,
}


@dataclass
class CleanedFootprint(Parsed):
    as_entered: dict[str, Any] = field(default_factory=dict)
    precursors: list[dict[str, Any]] | None = None


def _quantity(
    cleaned: CleanedFootprint, path: str, raw: Any, kind: str, *, allow_zero: bool
) -> Any:
    if not isinstance(raw, dict) or "value" not in raw or "unit" not in raw:
        cleaned.error(path, gettext_noop('Expected {"value": "<number>", "unit": "<unit>"}.'))
        return None
    try:
        return quantity(kind, raw["value"], raw["unit"], allow_zero=allow_zero)
    except UnitError as exc:
        cleaned.error(path, sentence_of(exc.message))
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


def _number(cleaned: CleanedFootprint, path: str, raw: Any) -> Any:
    """A number within its field's bounds and not negative, or None with the problem
    recorded (what is expected comes from the field's declaration)."""
    spec = _spec(path)
    value = cleaned.take(spec, raw, path)
    if value is not None and value < 0:
        cleaned.error(
            path,
            gettext_noop("%(value)s: expected %(expected)s.", value=repr(raw), expected=spec.help),
        )
        return None
    return value


def _text(cleaned: CleanedFootprint, path: str, raw: Any) -> str:
    """Text within its field's declared length, or "" with the problem recorded (a choice, a
    CN code or a country is then checked by the caller, with the domain's own message)."""
    value = cleaned.take(dataclasses.replace(_spec(path), kind=TEXT), raw, path)
    return "" if value is None else value


def _date(cleaned: CleanedFootprint, path: str, raw: Any) -> date | None:
    return cleaned.take(_spec(path), raw, path)


def clean_footprint_input(
    *,
    organisation: Organisation,
    data: dict[str, Any],
    partial: bool,
    current: Footprint | None,
    readable: QuerySet[Footprint] | None = None,
) -> CleanedFootprint:
    """``readable``: other organisations' footprints a precursor may reference besides the
    organisation's own (what the exchange's grants share with it; this app cannot know them)."""
    cleaned = CleanedFootprint()
    if not partial:
        for key in ("product", "installation", "period_start", "period_end"):
            if key not in data:
                cleaned.error(key, REQUIRED)
        for key, _, _, required, _ in QUANTITIES:
            if required and key not in data:
                cleaned.error(key, REQUIRED)

    if "product" in data:
        product = Product.objects.filter(
            organisation=organisation, pk=_uuid(data["product"])
        ).first()
        if product is None:
            cleaned.error(
                "product", gettext_noop("Unknown product; give the id of one of your products.")
            )
        cleaned.values["product"] = product
    if "installation" in data:
        installation = Installation.objects.filter(
            organisation=organisation, pk=_uuid(data["installation"])
        ).first()
        if installation is None:
            cleaned.error(
                "installation",
                gettext_noop("Unknown installation; give the id of one of your installations."),
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
                    cleaned.error(key, REQUIRED)
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
                gettext_noop(
                    "%(refused)s are not accepted for CBAM: embedded indirect emissions use the "
                    "grid factor, unless the electricity comes through a direct technical link to "
                    "the generator or a power purchase agreement (Implementing Reg. 2025/2547 "
                    "Annex III). Expected one of %(choices)s.",
                    refused=REFUSED_FACTOR_SOURCES[source],
                    choices=", ".join(ElectricityFactorSource.values),
                ),
            )
        elif source and source not in ElectricityFactorSource.values:
            cleaned.error(
                "electricity_factor_source",
                gettext_noop(
                    "%(value)s is not a factor source; expected one of %(choices)s.",
                    value=repr(source[:40]),
                    choices=", ".join(ElectricityFactorSource.values),
                ),
            )
        cleaned.values["electricity_factor_source"] = source
    if "electricity_factor_reference" in data:
        cleaned.values["electricity_factor_reference"] = _text(
            cleaned, "electricity_factor_reference", data["electricity_factor_reference"]
        )

    if "carbon_price" in data:
        cp = data["carbon_price"] or {}
        if not isinstance(cp, dict):
            cleaned.error(
                "carbon_price",
                gettext_noop('Expected {"instrument", "amount", "currency"} or null.'),
            )
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
                cleaned.error(
                    "carbon_price.currency", gettext_noop("Expected an ISO 4217 code, e.g. CNY.")
                )

    if "verification" in data:
        _clean_verification(cleaned, data["verification"] or {})
    if "data_quality" in data:
        _clean_data_quality(cleaned, data["data_quality"] or {})
    if "precursors" in data:
        _clean_precursors(cleaned, organisation, data["precursors"], current, readable)
    if "precursors_declared_absent" in data:
        _clean_declared_absent(cleaned, data["precursors_declared_absent"])
    return cleaned


def _clean_declared_absent(cleaned: CleanedFootprint, raw: Any) -> None:
    """A list of goods-category names; whether each is a relevant precursor of the product's
    category is checked in ``_prepare``, once product and period are both known."""
    if raw is None:
        raw = []
    if not isinstance(raw, list) or not all(isinstance(n, str) and n.strip() for n in raw):
        cleaned.error(
            "precursors_declared_absent",
            gettext_noop(
                'Expected a list of goods category names, e.g. ["Pig iron", "Ferro-alloys"].'
            ),
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


def _clean_verification(cleaned: CleanedFootprint, raw: Any) -> None:
    if not isinstance(raw, dict):
        cleaned.error("verification", gettext_noop("Expected an object or null."))
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
                gettext_noop(
                    "%(value)s is not a verifier on the platform; give a verifier's slug, or the "
                    "verifier's name and accreditation number for an external one.",
                    value=repr(slug),
                ),
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
        cleaned.error(
            "verification.assurance_level", gettext_noop("Expected reasonable or limited.")
        )
    cleaned.values["assurance_level"] = level
    if raw and verifier is None and not slug and not cleaned.values["verifier_name"]:
        cleaned.error(
            "verification.verifier_name",
            gettext_noop("Name the verifier (or give a verifier organisation of the platform)."),
        )


def _clean_data_quality(cleaned: CleanedFootprint, raw: Any) -> None:
    if not isinstance(raw, dict):
        cleaned.error("data_quality", gettext_noop("Expected an object."))
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
    cleaned: CleanedFootprint,
    organisation: Organisation,
    raw: Any,
    current: Footprint | None,
    readable: QuerySet[Footprint] | None,
) -> None:
    referable = Q(organisation=organisation)
    if readable is not None:
        referable |= Q(pk__in=readable.values("pk"))
    if not isinstance(raw, list):
        cleaned.error("precursors", gettext_noop("Expected a list."))
        return
    rows: list[dict[str, Any]] = []
    for index, item in enumerate(raw):
        path = f"precursors[{index}]"
        if not isinstance(item, dict):
            cleaned.error(path, gettext_noop("Expected an object."))
            continue
        row: dict[str, Any] = {"position": index}
        row["cn_code"] = normalise_cn_code(_text(cleaned, f"{path}.cn_code", item.get("cn_code")))[
            :40
        ]
        if not row["cn_code"]:
            cleaned.error(f"{path}.cn_code", REQUIRED)
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
            cleaned.error(f"{path}.country_of_origin", REQUIRED)
        source = _text(cleaned, f"{path}.see_source", item.get("see_source"))[:40]
        row["see_source"] = source
        if source == PrecursorSeeSource.PLATFORM_FOOTPRINT:
            referenced = (
                Footprint.objects.filter(
                    referable,
                    pk=_uuid(item.get("source_footprint")),
                    status=FootprintStatus.PUBLISHED,
                )
                .exclude(pk=current.pk if current else "00000000-0000-0000-0000-000000000000")
                .first()
            )
            if referenced is None:
                cleaned.error(
                    f"{path}.source_footprint",
                    gettext_noop(
                        "Unknown footprint; give the id of a published footprint you can read."
                    ),
                )
            else:
                row["source_footprint"] = referenced
                row["see_direct"] = referenced.see_direct
                row["see_indirect"] = referenced.see_indirect
                if referenced.product.cn_code != row["cn_code"]:
                    cleaned.error(
                        f"{path}.cn_code",
                        gettext_noop(
                            "The referenced footprint is of CN %(referenced)s, not %(given)s.",
                            referenced=referenced.product.cn_code,
                            given=row["cn_code"],
                        ),
                    )
        elif source == PrecursorSeeSource.OWN_VERIFIED:
            for channel in ("see_direct", "see_indirect"):
                value = item.get(channel)
                if value in (None, ""):
                    if channel == "see_direct":
                        cleaned.error(
                            f"{path}.see_direct",
                            gettext_noop("Required for own verified figures."),
                        )
                    continue
                number = _number(cleaned, f"{path}.{channel}", value)
                if number is not None:
                    row[channel] = number
        elif source != PrecursorSeeSource.DEFAULT_VALUE:
            cleaned.error(
                f"{path}.see_source",
                gettext_noop(
                    "%(value)s: expected one of %(choices)s.",
                    value=repr(source),
                    choices=", ".join(PrecursorSeeSource.values),
                ),
            )
        rows.append(row)
    cleaned.precursors = rows
