"""Recording shipments: one checker for the API and the CSV upload, and the writes.

``shipment_clean`` turns raw input (strings, as typed in a form or a CSV cell) into model
values and lists every problem by field, saying what was wrong and what is expected. The
reference data it checks against (CN list, goods categories) is the version valid on the
shipment's import date, read once per date through ``ReferenceCache``.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.audit import Actor, audit_record
from accounts.models import Organisation
from cbam.cn_codes import is_cn_code, normalise_cn_code
from cbam.messages import Message, gettext_noop
from cbam.numbers import QUANTITY, NumberError, parse_number
from cbam.reference import ReferenceSnapshot
from core.countries import normalise_country
from core.errors import Conflict, ValidationFailed
from core.inputs import Parsed
from core.text import TextError, clean_text
from exchange.boms.models import BuyerProduct
from exchange.declarations.inputs import SHIPMENT_INPUT
from exchange.declarations.models import Shipment
from exchange.sharing.selectors import SHAREABLE_STATUSES, footprints_visible_to
from reference.errors import ReferenceDataMissing
from reference.models import Dataset, GoodsCategory
from reference.selectors import reference_snapshot_for, reference_versions_valid_on

#: The fields a shipment is written from (API body keys and CSV columns alike), declared in
#: ``exchange.declarations.inputs``.
FIELDS = tuple(f.name for f in SHIPMENT_INPUT.fields)
REQUIRED = tuple(f.name for f in SHIPMENT_INPUT.fields if f.required)
_MAX_LENGTH = {f.name: f.max_length for f in SHIPMENT_INPUT.fields}

#: Units accepted per category unit, with the factor to it: net mass in t (kg accepted),
#: electricity in MWh (kWh accepted). Anything else is refused, never guessed.
UNITS: dict[str, dict[str, Decimal]] = {
    "t": {"t": Decimal(1), "kg": Decimal("0.001")},
    "MWh": {"MWh": Decimal(1), "kWh": Decimal("0.001")},
}
_PROCEDURE = re.compile(r"^[0-9]{2}$")
_MAX_DIGITS_BEFORE_POINT = 18
_MAX_DECIMALS = 10


class ShipmentInvalid(ValidationFailed):
    code = "shipment_invalid"


#: What a required field says when it is empty (a page adds the field's expectation).
IS_REQUIRED = gettext_noop("is required")


def wrong(problem: str, expected: str) -> Message:
    """A problem and what is expected, as one translatable message (the same English as
    ``core.inputs``: "<problem>; expected <what>"); a page may show the two apart."""
    return gettext_noop("%(problem)s; expected %(expected)s", problem=problem, expected=expected)


@dataclass
class ReferenceCache:
    """Reference data by date, read once per date during one request or upload."""

    snapshots: dict[date, ReferenceSnapshot] = field(default_factory=dict)
    units: dict[date, dict[str, str]] = field(default_factory=dict)

    def on(self, day: date) -> tuple[ReferenceSnapshot, dict[str, str]]:
        if day not in self.snapshots:
            self.snapshots[day] = reference_snapshot_for(on=day)
            version = reference_versions_valid_on(on=day, datasets=(Dataset.GOODS_CATEGORIES,)).get(
                Dataset.GOODS_CATEGORIES
            )
            self.units[day] = dict(
                GoodsCategory.objects.filter(version=version).values_list("category", "unit")
            )
        return self.snapshots[day], self.units[day]


class Cleaned(Parsed):
    """A shipment's values and problems by field (``core.inputs.Parsed``)."""


def _text(name: str, raw: Any, cleaned: Cleaned) -> str:
    """The text of a field within its declared length; "" with the problem recorded (a CSV
    cell or JSON string with a NUL, a surrogate, a flood, or a list where text belongs)."""
    try:
        return clean_text(raw, max_length=_MAX_LENGTH[name])
    except TextError as exc:
        cleaned.error(name, exc.message)
        return ""


def _quantity(raw: str, cleaned: Cleaned) -> Decimal | None:
    try:
        value = parse_number(raw, QUANTITY)
    except NumberError as exc:
        cleaned.error(
            "quantity", wrong(exc.reason, gettext_noop("the net mass as a number, e.g. 12.5"))
        )
        return None
    if value <= 0:
        cleaned.error(
            "quantity",
            wrong(
                gettext_noop("must be greater than zero (got %(value)s)", value=raw),
                gettext_noop("the net mass of the consignment, e.g. 12.5"),
            ),
        )
        return None
    _sign, digits, exponent = value.as_tuple()
    assert isinstance(exponent, int)
    if -exponent > _MAX_DECIMALS or len(digits) + exponent > _MAX_DIGITS_BEFORE_POINT:
        cleaned.error(
            "quantity",
            wrong(
                gettext_noop("%(value)s has too many digits", value=repr(raw)),
                gettext_noop(
                    "at most %(before)s digits before and %(after)s after the decimal point",
                    before=_MAX_DIGITS_BEFORE_POINT,
                    after=_MAX_DECIMALS,
                ),
            ),
        )
        return None
    return value


def _date(raw: str, today: date, cleaned: Cleaned) -> date | None:
    try:
        day = date.fromisoformat(raw)
    except ValueError:
        cleaned.error(
            "import_date",
            wrong(
                gettext_noop("%(value)s is not a date", value=repr(raw)),
                gettext_noop("YYYY-MM-DD, e.g. 2026-03-31"),
            ),
        )
        return None
    if day > today:
        cleaned.error(
            "import_date",
            wrong(
                gettext_noop(
                    "%(date)s is in the future (today is %(today)s)",
                    date=day.isoformat(),
                    today=today.isoformat(),
                ),
                gettext_noop("the date the goods were imported, today or earlier"),
            ),
        )
        return None
    return day


def shipment_clean(
    *,
    organisation: Organisation,
    data: Mapping[str, Any],
    today: date,
    cache: ReferenceCache | None = None,
    stored: Shipment | None = None,
) -> Cleaned:
    """Check a shipment's fields (``FIELDS``); every problem by field, nothing written.

    ``data`` holds all fields (an update merges the stored values first). Checks: required
    fields; CN code of 8 digits listed in Annex I on the import date; quantity > 0 in a unit
    of the good's category (t or kg; MWh or kWh for electricity), stored in t (MWh); country
    an ISO code outside the EU and the exempt countries; date not in the future and within the
    definitive period; customs procedure two digits; a footprint visible to the organisation
    (own or shared), published, of the same CN code and country; or a buyer product of the
    organisation of the same CN code and country (not both).

    ``stored`` is the shipment being changed: the footprint it is already linked to stays
    linked even when the organisation can no longer see it (grant revoked; the declaration
    then uses the default value), as long as the CN code and country stay what they were, so
    that the quantity, date or reference can still be corrected. Choosing another footprint
    needs it visible, as always.
    """
    cache = cache or ReferenceCache()
    cleaned = Cleaned()
    raw = {name: _text(name, data.get(name), cleaned) for name in FIELDS}
    for name in REQUIRED:
        if not raw[name] and name not in cleaned.errors:
            cleaned.error(name, IS_REQUIRED)
    values = cleaned.values
    for name in ("reference", "supplier_name", "installation_name"):
        values[name] = raw[name]
    procedure = raw["customs_procedure"] or "40"
    if not _PROCEDURE.match(procedure):
        cleaned.error(
            "customs_procedure",
            wrong(
                gettext_noop("%(value)s is not a customs procedure code", value=repr(procedure)),
                gettext_noop(
                    "its two digits, e.g. 40 (release for free circulation) or 51 (inward "
                    "processing)"
                ),
            ),
        )
    values["customs_procedure"] = procedure

    cn_code = normalise_cn_code(raw["cn_code"])
    if cn_code and not is_cn_code(cn_code):
        cleaned.error(
            "cn_code",
            gettext_noop(
                "%(problem)s: expected %(expected)s",
                problem=gettext_noop("unknown CN code %(value)s", value=repr(raw["cn_code"])),
                expected=gettext_noop("the 8 digits of the Combined Nomenclature, e.g. 73181542"),
            ),
        )
        cn_code = ""
    values["cn_code"] = cn_code

    country = ""
    if raw["country_of_origin"]:
        country = normalise_country(raw["country_of_origin"]) or ""
        if not country:
            cleaned.error(
                "country_of_origin",
                wrong(
                    gettext_noop(
                        "%(value)s is not a country code", value=repr(raw["country_of_origin"])
                    ),
                    gettext_noop("an ISO 3166 alpha-2 code, e.g. CN"),
                ),
            )
    values["country_of_origin"] = country

    day = _date(raw["import_date"], today, cleaned) if raw["import_date"] else None
    quantity = _quantity(raw["quantity"], cleaned) if raw["quantity"] else None

    snapshot = units = None
    if day is not None:
        try:
            snapshot, units = cache.on(day)
        except ReferenceDataMissing:
            cleaned.error(
                "import_date",
                wrong(
                    gettext_noop(
                        "%(date)s: no CBAM reference data is valid on that date",
                        date=day.isoformat(),
                    ),
                    gettext_noop("an import date in the definitive period (from 2026-01-01)"),
                ),
            )
    if snapshot is not None and units is not None and day is not None:
        values["import_date"] = day
        if country and snapshot.is_exempt(country):
            cleaned.error(
                "country_of_origin",
                wrong(
                    gettext_noop(
                        "goods originating in %(country)s are not subject to CBAM (an EU member "
                        "state, or a country in Annex III of Reg. 2023/956)",
                        country=country,
                    ),
                    gettext_noop("the country of origin of goods imported from outside the EU"),
                ),
            )
        category = snapshot.category(cn_code) if cn_code else None
        if cn_code and category is None:
            cleaned.error(
                "cn_code",
                wrong(
                    gettext_noop(
                        "CN code %(code)s is not a CBAM good (Annex I of Reg. 2023/956, list "
                        "valid on %(date)s)",
                        code=cn_code,
                        date=day.isoformat(),
                    ),
                    gettext_noop("the code of a CBAM good, e.g. 72083900"),
                ),
            )
        if category is not None:
            values["goods_category"] = category
            values["sector"] = snapshot.sector(category)
            unit = units.get(category, "t")
            factors = UNITS.get(unit, {unit: Decimal(1)})
            values["unit"] = unit
            if raw["unit"] and raw["unit"] not in factors:
                first, *others = factors
                cleaned.error(
                    "unit",
                    wrong(
                        gettext_noop(
                            "%(value)s is not a unit of CN %(code)s (%(category)s)",
                            value=repr(raw["unit"]),
                            code=cn_code,
                            category=category,
                        ),
                        gettext_noop("%(first)s or %(second)s", first=first, second=others[0])
                        if len(others) == 1
                        else " or ".join(factors),
                    ),
                )
            elif raw["unit"] and quantity is not None:
                values["quantity"] = quantity * factors[raw["unit"]]
                values["quantity_as_entered"] = {"value": raw["quantity"], "unit": raw["unit"]}
    _links(organisation, raw, values, cleaned, stored)
    return cleaned


def _links(
    organisation: Organisation,
    raw: dict[str, str],
    values: dict[str, Any],
    cleaned: Cleaned,
    stored: Shipment | None,
) -> None:
    values["footprint"] = values["buyer_product"] = None
    if raw["footprint_id"] and raw["buyer_product_id"]:
        cleaned.error(
            "buyer_product_id",
            gettext_noop(
                "give either footprint_id or buyer_product_id, not both: a shipment's embedded "
                "emissions come from one source"
            ),
        )
        return
    cn_code, country = values.get("cn_code"), values.get("country_of_origin")
    if raw["footprint_id"]:
        footprint_id = _uuid(raw["footprint_id"])
        footprint = (
            footprints_visible_to(organisation=organisation)
            .filter(pk=footprint_id, status__in=SHAREABLE_STATUSES)
            .select_related("product", "installation")
            .first()
            if footprint_id is not None
            else None
        )
        if footprint is None and stored is not None and footprint_id == stored.footprint_id:
            _keep_hidden_footprint(stored, values, cleaned)
            return
        if footprint is None:
            cleaned.error(
                "footprint_id",
                wrong(
                    gettext_noop(
                        "no published footprint %(value)s is visible to your organisation",
                        value=repr(raw["footprint_id"]),
                    ),
                    gettext_noop("the id of your own or a shared, published footprint"),
                ),
            )
            return
        if cn_code and footprint.product.cn_code != cn_code:
            cleaned.error(
                "footprint_id",
                wrong(
                    gettext_noop(
                        "the footprint is for CN %(footprint)s, the shipment is CN %(shipment)s",
                        footprint=footprint.product.cn_code,
                        shipment=cn_code,
                    ),
                    gettext_noop("a footprint of the good shipped"),
                ),
            )
        if country and footprint.installation.country != country:
            cleaned.error(
                "footprint_id",
                wrong(
                    gettext_noop(
                        "the footprint's installation is in %(footprint)s, the shipment's "
                        "country of origin is %(shipment)s",
                        footprint=footprint.installation.country,
                        shipment=country,
                    ),
                    gettext_noop("a footprint of the installation that made the goods"),
                ),
            )
        values["footprint"] = footprint
    if raw["buyer_product_id"]:
        product_id = _uuid(raw["buyer_product_id"])
        product = (
            BuyerProduct.objects.filter(organisation=organisation, pk=product_id).first()
            if product_id is not None
            else None
        )
        if product is None:
            cleaned.error(
                "buyer_product_id",
                wrong(
                    gettext_noop(
                        "no product %(value)s in your organisation",
                        value=repr(raw["buyer_product_id"]),
                    ),
                    gettext_noop("the id of one of your products"),
                ),
            )
            return
        if cn_code and product.cn_code != cn_code:
            cleaned.error(
                "buyer_product_id",
                wrong(
                    gettext_noop(
                        "the product is CN %(product)s, the shipment is CN %(shipment)s",
                        product=product.cn_code,
                        shipment=cn_code,
                    ),
                    gettext_noop("the product shipped"),
                ),
            )
        if country and product.country_of_production != country:
            cleaned.error(
                "buyer_product_id",
                gettext_noop(
                    "the product is made in %(product)s, the shipment's country of origin is "
                    "%(shipment)s",
                    product=product.country_of_production,
                    shipment=country,
                ),
            )
        values["buyer_product"] = product


def _keep_hidden_footprint(stored: Shipment, values: dict[str, Any], cleaned: Cleaned) -> None:
    """The shipment keeps its link to a footprint the organisation can no longer see; it is
    not read (its CN code and installation cannot be checked), so the CN code and country must
    stay those checked when it was linked."""
    cn_code, country = values.get("cn_code"), values.get("country_of_origin")
    if (cn_code and cn_code != stored.cn_code) or (country and country != stored.country_of_origin):
        cleaned.error(
            "footprint_id",
            wrong(
                gettext_noop(
                    "footprint %(footprint)s is no longer visible to your organisation, so it "
                    "cannot be checked against a new CN code or country of origin",
                    footprint=stored.footprint_id,
                ),
                gettext_noop(
                    "footprint_id empty (the default value) or a footprint visible to you"
                ),
            ),
        )
        return
    del values["footprint"]
    values["footprint_id"] = stored.footprint_id


def _uuid(raw: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(raw)
    except ValueError:
        return None


def _reference_taken(organisation: Organisation, reference: str, exclude: Any = None) -> bool:
    if not reference:
        return False
    taken = Shipment.objects.filter(organisation=organisation, reference=reference)
    if exclude is not None:
        taken = taken.exclude(pk=exclude)
    return taken.exists()


def _reference_in_use(cleaned: Cleaned) -> None:
    cleaned.error(
        "reference",
        wrong(
            gettext_noop(
                "%(value)s is already used by another shipment",
                value=repr(cleaned.values["reference"]),
            ),
            gettext_noop("a reference unique within your organisation (or none)"),
        ),
    )


def _raise(cleaned: Cleaned) -> None:
    if cleaned.errors:
        first = next(iter(cleaned.errors.items()))
        count = sum(len(m) for m in cleaned.errors.values())
        raise ShipmentInvalid(
            f"{count} problem{'s' if count != 1 else ''} in the shipment; first: "
            f"{first[0]}: {first[1][0]}",
            fields=cleaned.errors,
        )


def shipment_create(
    *, actor: Actor, organisation: Organisation, data: Mapping[str, Any]
) -> Shipment:
    """Record one shipment (fields: ``FIELDS``); 400 with every problem by field."""
    today = timezone.localdate()
    cleaned = shipment_clean(organisation=organisation, data=data, today=today)
    if _reference_taken(organisation, cleaned.values["reference"]):
        _reference_in_use(cleaned)
    _raise(cleaned)
    try:
        with transaction.atomic():
            shipment = Shipment.objects.create(
                organisation=organisation, created_by=actor.user, **cleaned.values
            )
            audit_record(
                actor=actor,
                organisation=organisation,
                action="shipment.created",
                obj=shipment,
                after=shipment.snapshot(),
            )
    except IntegrityError:
        raise Conflict(
            gettext_noop("Another shipment with this reference was recorded at the same moment."),
            extra={"fields": {"reference": [gettext_noop("is already used by another shipment")]}},
        ) from None
    return shipment


def shipment_stored_data(shipment: Shipment) -> dict[str, Any]:
    """A shipment's fields as ``shipment_clean`` reads them (the base of an update)."""
    entered = shipment.quantity_as_entered or {}
    return {
        "reference": shipment.reference,
        "cn_code": shipment.cn_code,
        "quantity": entered.get("value", str(shipment.quantity)),
        "unit": entered.get("unit", shipment.unit),
        "country_of_origin": shipment.country_of_origin,
        "import_date": shipment.import_date.isoformat(),
        "customs_procedure": shipment.customs_procedure,
        "supplier_name": shipment.supplier_name,
        "installation_name": shipment.installation_name,
        "footprint_id": str(shipment.footprint_id) if shipment.footprint_id else "",
        "buyer_product_id": str(shipment.buyer_product_id) if shipment.buyer_product_id else "",
    }


def shipment_update(*, actor: Actor, shipment: Shipment, data: Mapping[str, Any]) -> Shipment:
    """Change some fields of a shipment (the others keep their values); every field is checked
    again, since a new date or CN code changes what the rest must be, except a linked
    footprint the organisation can no longer see, which is kept (``shipment_clean``)."""
    merged = {**shipment_stored_data(shipment), **{k: v for k, v in data.items() if k in FIELDS}}
    cleaned = shipment_clean(
        organisation=shipment.organisation,
        data=merged,
        today=timezone.localdate(),
        stored=shipment,
    )
    if _reference_taken(shipment.organisation, cleaned.values["reference"], exclude=shipment.pk):
        _reference_in_use(cleaned)
    _raise(cleaned)
    with transaction.atomic():
        locked = Shipment.objects.select_for_update().get(pk=shipment.pk)
        before = locked.snapshot()
        for name, value in cleaned.values.items():
            setattr(locked, name, value)
        try:
            with transaction.atomic():
                locked.save()
        except IntegrityError:
            raise Conflict(
                gettext_noop("Another shipment already uses this reference."),
                extra={
                    "fields": {"reference": [gettext_noop("is already used by another shipment")]}
                },
            ) from None
        after = locked.snapshot()
        if after != before:
            audit_record(
                actor=actor,
                organisation=locked.organisation,
                action="shipment.updated",
                obj=locked,
                before={k: v for k, v in before.items() if after[k] != v},
                after={k: v for k, v in after.items() if before[k] != v},
            )
    return locked


def shipment_delete(*, actor: Actor, shipment: Shipment) -> None:
    """Remove a shipment recorded by mistake (the audit event keeps its fields)."""
    with transaction.atomic():
        audit_record(
            actor=actor,
            organisation=shipment.organisation,
            action="shipment.deleted",
            obj=shipment,
            before=shipment.snapshot(),
        )
        Shipment.objects.filter(pk=shipment.pk).delete()
