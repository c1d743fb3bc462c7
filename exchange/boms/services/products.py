"""Buyer products (complex goods the buyer makes): create, update, delete.

Every change writes its audit event and enqueues the recompute of the products it affects
(``boms.recompute``, committed with the change).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from accounts.audit import Actor, audit_record, changes
from accounts.models import Organisation
from cbam.cn_codes import is_cn_code, normalise_cn_code
from cbam.messages import gettext_noop
from cbam.numbers import SPECIFIC, NumberError, parse_number
from core.countries import normalise_country
from core.errors import Conflict, ValidationFailed
from core.inputs import Input, InputError, parse_text
from exchange.boms.inputs import BUYER_PRODUCT_INPUT, ROUTES
from exchange.boms.models import BuyerProduct
from exchange.boms.services.recompute import recompute_enqueue
from reference.selectors import cn_code_category

_ROUTES = set(ROUTES)
REQUIRED = gettext_noop("This field is required.")
PRODUCT_FIELDS = tuple(f.name for f in BUYER_PRODUCT_INPUT.fields)


def cn_code_clean(raw: Any, errors: dict[str, list[str]], field: str) -> str | None:
    """An 8-digit CN code of a CBAM good (Annex I of Reg. 2023/956, reference data of today),
    or None with the problem in ``errors[field]``."""
    cn_code = normalise_cn_code(str(raw or ""))[:40]
    if not is_cn_code(cn_code):
        errors[field] = [
            gettext_noop(
                "%(value)s is not a CN code; expected 8 digits, e.g. 73181595.", value=repr(raw)
            )
        ]
        return None
    if cn_code_category(cn_code=cn_code, on=timezone.localdate()) is None:
        errors[field] = [
            gettext_noop(
                "CN code %(code)s is not a CBAM good (Annex I of Reg. 2023/956); expected a "
                "code of the CBAM CN list (iron and steel, aluminium, cement, fertilisers, "
                "hydrogen, electricity).",
                code=cn_code,
            )
        ]
        return None
    return cn_code


def country_clean(raw: Any, errors: dict[str, list[str]], field: str) -> str | None:
    code = normalise_country(str(raw or ""))
    if code is None:
        errors[field] = [
            gettext_noop(
                "%(value)s is not an ISO 3166-1 alpha-2 country code; expected e.g. CN.",
                value=repr(raw),
            )
        ]
    return code


def text_clean(spec: Input, raw: Any, errors: dict[str, list[str]], field: str) -> str:
    """Text of ``spec``'s field ``field`` within its declared length; "" with the problem in
    ``errors[field]`` (a list or object where text belongs, control characters, a flood)."""
    try:
        return parse_text(spec.field(field), raw)
    except InputError as exc:
        errors[field] = [gettext_noop("%(problem)s.", problem=exc.message)]
        return ""


#: The units the per-tonne figures are expected in, as the input declarations' help texts
#: say them (``exchange.boms.inputs``), translatable where a page shows the message.
UNITS: dict[str, str] = {
    "direct_tco2e_per_t": gettext_noop("tCO2e per tonne of product"),
    "electricity_mwh_per_t": gettext_noop("MWh per tonne of product"),
    "electricity_factor_tco2_per_mwh": gettext_noop("tCO2/MWh"),
    "mass_t_per_t": gettext_noop(
        "tonnes consumed per tonne of product, scrap and cut-offs included"
    ),
}


def decimal_clean(
    raw: Any, errors: dict[str, list[str]], field: str, *, unit: str, positive: bool = False
) -> Decimal | None:
    """A per-tonne figure of a buyer's product or line (bounded like every specific value)."""
    try:
        value = parse_number(raw, SPECIFIC)
    except NumberError as exc:
        errors[field] = [
            gettext_noop("%(reason)s; expected %(unit)s, e.g. 1.05.", reason=exc.reason, unit=unit)
        ]
        return None
    if positive and value <= 0:
        errors[field] = [
            gettext_noop(
                "Must be greater than zero (got %(value)s); expected %(unit)s.",
                value=str(value),
                unit=unit,
            )
        ]
        return None
    if value < 0:
        errors[field] = [
            gettext_noop(
                "Must not be negative (got %(value)s); expected %(unit)s.",
                value=str(value),
                unit=unit,
            )
        ]
        return None
    return value


def _product_clean(data: dict[str, Any], *, creating: bool) -> dict[str, Any]:
    errors: dict[str, list[str]] = {}
    values: dict[str, Any] = {}
    if creating:
        for required in ("name", "cn_code", "country_of_production"):
            if data.get(required) in (None, ""):
                errors[required] = [REQUIRED]
    if data.get("name") not in (None, ""):
        name = text_clean(BUYER_PRODUCT_INPUT, data["name"], errors, "name")
        if not name and "name" not in errors:
            errors["name"] = [gettext_noop("Must not be blank.")]
        values["name"] = name
    if data.get("cn_code") not in (None, ""):
        values["cn_code"] = cn_code_clean(data["cn_code"], errors, "cn_code")
    if data.get("country_of_production") not in (None, ""):
        values["country_of_production"] = country_clean(
            data["country_of_production"], errors, "country_of_production"
        )
    if "reference" in data:
        values["reference"] = text_clean(
            BUYER_PRODUCT_INPUT, data["reference"], errors, "reference"
        )
    if "production_route" in data:
        route = text_clean(
            BUYER_PRODUCT_INPUT, data["production_route"], errors, "production_route"
        ).upper()
        if route and route not in _ROUTES:
            errors["production_route"] = [
                gettext_noop(
                    "%(value)s is not a benchmark route letter; expected one of %(routes)s "
                    "(IR 2025/2620), or empty.",
                    value=repr(route),
                    routes=", ".join(sorted(_ROUTES)),
                )
            ]
        values["production_route"] = route
    for field in ("direct_tco2e_per_t", "electricity_mwh_per_t"):
        if data.get(field) is not None:
            values[field] = decimal_clean(data[field], errors, field, unit=UNITS[field])
    if "electricity_factor_tco2_per_mwh" in data:
        raw = data["electricity_factor_tco2_per_mwh"]
        values["electricity_factor_tco2_per_mwh"] = (
            None
            if raw in (None, "")
            else decimal_clean(
                raw,
                errors,
                "electricity_factor_tco2_per_mwh",
                unit=UNITS["electricity_factor_tco2_per_mwh"],
            )
        )
    if errors:
        raise ValidationFailed("The product data is invalid.", fields=errors)
    return values


def _snapshot(product: BuyerProduct) -> dict[str, Any]:
    return {f: str(getattr(product, f)) for f in PRODUCT_FIELDS}


@transaction.atomic
def buyer_product_create(
    *, actor: Actor, organisation: Organisation, data: dict[str, Any]
) -> BuyerProduct:
    """A new product of ``organisation`` (no lines yet); its SEE is computed in the background."""
    values = _product_clean(data, creating=True)
    product = BuyerProduct.objects.create(
        organisation=organisation, created_by=actor.user, **values
    )
    audit_record(
        actor=actor,
        organisation=organisation,
        action="buyer_product.created",
        obj=product,
        after=_snapshot(product),
    )
    recompute_enqueue(organisation_id=organisation.pk, product_ids=[product.pk], reason="created")
    return product


@transaction.atomic
def buyer_product_update(
    *, actor: Actor, product: BuyerProduct, data: dict[str, Any]
) -> BuyerProduct:
    product = BuyerProduct.objects.select_for_update().get(pk=product.pk)
    values = _product_clean(data, creating=False)
    before = _snapshot(product)
    for field, value in values.items():
        setattr(product, field, value)
    product.save()
    old, new = changes(before, _snapshot(product))
    audit_record(
        actor=actor,
        organisation=product.organisation,
        action="buyer_product.updated",
        obj=product,
        before=old,
        after=new,
    )
    recompute_enqueue(
        organisation_id=product.organisation_id, product_ids=[product.pk], reason="updated"
    )
    return product


@transaction.atomic
def buyer_product_delete(*, actor: Actor, product: BuyerProduct) -> None:
    """Delete a product and its lines; refused while another product uses it."""
    product = BuyerProduct.objects.select_for_update().get(pk=product.pk)
    users = sorted({line.product.name for line in product.used_in.select_related("product").all()})
    if users:
        raise Conflict(
            gettext_noop(
                "%(name)s is a line of %(users)s; remove those lines first.",
                name=product.name,
                users=", ".join(users),
            ),
            extra={"used_in": users},
        )
    before = _snapshot(product)
    audit_record(
        actor=actor,
        organisation=product.organisation,
        action="buyer_product.deleted",
        obj=product,
        before=before,
    )
    product.delete()
