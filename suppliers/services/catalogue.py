"""Installations and products of a producer."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from accounts.audit import Actor, audit_record
from accounts.models import Organisation
from cbam.cn_codes import is_cn_code, normalise_cn_code
from cbam.messages import gettext_noop
from core.countries import normalise_country
from core.errors import ValidationFailed
from core.inputs import REQUIRED
from reference.selectors import goods_category_for_cn_code
from suppliers.models import Installation, Product

_LOCODE = re.compile(r"^[A-Z]{2}[A-Z2-9]{3}$")
_GTIN = re.compile(r"^\d{8}$|^\d{12,14}$")
_URN = re.compile(r"^urn:[a-z0-9][a-z0-9-]{0,31}:\S+$", re.IGNORECASE)
_BENCHMARK_ROUTES = {"A", "B", "C", "D", "E", "F", "G", "H", "J", "K", "L"}

INSTALLATION_FIELDS = (
    "name",
    "name_latin",
    "address",
    "country",
    "un_locode",
    "latitude",
    "longitude",
    "cbam_operator_id",
    "cbam_installation_id",
    "production_routes",
)


def _installation_clean(data: dict[str, Any], errors: dict[str, list[str]]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for field in INSTALLATION_FIELDS:
        if field in data:
            values[field] = data[field]
    if "name" in values and not str(values["name"]).strip():
        errors["name"] = [
            gettext_noop("Must not be blank: the installation's name in its original script.")
        ]
    if "name_latin" in values:
        if not str(values["name_latin"]).strip():
            errors["name_latin"] = [gettext_noop("Must not be blank: the name in Latin script.")]
        elif not str(values["name_latin"]).isascii():
            errors["name_latin"] = [
                gettext_noop("Contains non-Latin characters; give the romanised name.")
            ]
    if "country" in values:
        code = normalise_country(str(values["country"]))
        if code is None:
            errors["country"] = [
                gettext_noop(
                    "%(value)s is not an ISO 3166-1 alpha-2 code; expected e.g. CN.",
                    value=repr(values["country"]),
                )
            ]
        values["country"] = code
    if values.get("un_locode"):
        locode = str(values["un_locode"]).replace(" ", "").upper()
        if not _LOCODE.match(locode):
            errors["un_locode"] = [
                gettext_noop(
                    "%(value)s is not a UN/LOCODE; expected 2-letter country + 3 characters, "
                    "e.g. CNTSN.",
                    value=repr(values["un_locode"]),
                )
            ]
        elif values.get("country") and locode[:2] != values["country"]:
            errors["un_locode"] = [
                gettext_noop(
                    "%(locode)s is not in %(country)s.", locode=locode, country=values["country"]
                )
            ]
        values["un_locode"] = locode
    for field, bound in (("latitude", 90), ("longitude", 180)):
        if values.get(field) is not None:
            try:
                number = Decimal(str(values[field]))
            except ArithmeticError:
                errors[field] = [
                    gettext_noop("%(value)s is not a number of degrees.", value=repr(values[field]))
                ]
                continue
            if not -bound <= number <= bound:
                errors[field] = [
                    gettext_noop(
                        "%(value)s is outside -%(bound)s..%(bound)s degrees.",
                        value=number,
                        bound=bound,
                    )
                ]
            values[field] = number
    if "production_routes" in values and not isinstance(values["production_routes"], list):
        errors["production_routes"] = [gettext_noop("Expected a list of route names.")]
    return values


@transaction.atomic
def installation_create(
    *, actor: Actor, organisation: Organisation, data: dict[str, Any]
) -> Installation:
    errors: dict[str, list[str]] = {}
    for required in ("name", "name_latin", "country"):
        if not data.get(required):
            errors[required] = [REQUIRED]
    values = _installation_clean(data, errors)
    if errors:
        raise ValidationFailed(gettext_noop("The installation data is invalid."), fields=errors)
    installation = Installation.objects.create(organisation=organisation, **values)
    audit_record(
        actor=actor,
        organisation=organisation,
        action="installation.created",
        obj=installation,
        after={"name_latin": installation.name_latin, "country": installation.country},
    )
    return installation


@transaction.atomic
def installation_update(
    *, actor: Actor, installation: Installation, data: dict[str, Any]
) -> Installation:
    installation = Installation.objects.select_for_update().get(pk=installation.pk)
    errors: dict[str, list[str]] = {}
    values = _installation_clean(data, errors)
    if errors:
        raise ValidationFailed(gettext_noop("The installation data is invalid."), fields=errors)
    before = {k: str(getattr(installation, k)) for k in values}
    for field, value in values.items():
        setattr(installation, field, value)
    installation.save()
    audit_record(
        actor=actor,
        organisation=installation.organisation,
        action="installation.updated",
        obj=installation,
        before=before,
        after={k: str(v) for k, v in values.items()},
    )
    return installation


def _identifier_errors(identifiers: Any) -> list[str]:
    if not isinstance(identifiers, list):
        return [gettext_noop("Expected a list of URNs.")]
    problems: list[str] = []
    for index, urn in enumerate(identifiers):
        text = str(urn)
        if text.lower().startswith("urn:gtin:"):
            if not _GTIN.match(text[9:]):
                problems.append(
                    gettext_noop(
                        "[%(index)s] %(value)s: a GTIN has 8, 12, 13 or 14 digits.",
                        index=index,
                        value=text,
                    )
                )
        elif not _URN.match(text):
            problems.append(
                gettext_noop(
                    "[%(index)s] %(value)s is not a URN; expected e.g. urn:gtin:06901234567892 "
                    "or urn:pact:<platform-host>:product:<id>.",
                    index=index,
                    value=repr(text),
                )
            )
    return problems


def product_clean(
    *, organisation: Organisation, data: dict[str, Any], on: date | None = None
) -> dict[str, Any]:
    """Validate product fields against the reference data valid on ``on`` (default today)."""
    on = on or timezone.now().date()
    errors: dict[str, list[str]] = {}
    values: dict[str, Any] = {}
    if "name" in data:
        if not str(data["name"] or "").strip():
            errors["name"] = [gettext_noop("Must not be blank.")]
        values["name"] = str(data["name"] or "").strip()
    category = None
    if "cn_code" in data:
        cn_code = normalise_cn_code(str(data["cn_code"] or ""))[:40]
        category = goods_category_for_cn_code(cn_code=cn_code, on=on)
        if not is_cn_code(cn_code):
            errors["cn_code"] = [
                gettext_noop("%(value)s is not an 8-digit CN code.", value=repr(data["cn_code"]))
            ]
        elif category is None:
            errors["cn_code"] = [
                gettext_noop(
                    "CN code %(code)s is not a CBAM good (Annex I of Reg. 2023/956); expected a "
                    "code of the CBAM CN list.",
                    code=cn_code,
                )
            ]
        else:
            values["cn_code"] = cn_code
            values["category"] = category.category
    if "production_route" in data:
        route = str(data["production_route"] or "").strip()
        if category is not None and route:
            routes = [r for r in category.production_routes if r != "All production routes"]
            if routes and route not in routes:
                errors["production_route"] = [
                    gettext_noop(
                        "%(value)s is not a production route of %(category)s; expected %(routes)s.",
                        value=repr(route),
                        category=category.category,
                        routes=" or ".join(repr(r) for r in routes),
                    )
                ]
        values["production_route"] = route
    if "benchmark_route" in data:
        letter = str(data["benchmark_route"] or "").strip().upper()
        if letter and letter not in _BENCHMARK_ROUTES:
            errors["benchmark_route"] = [
                gettext_noop(
                    "%(value)s is not a benchmark route of IR 2025/2620; expected one of "
                    "%(routes)s.",
                    value=repr(letter),
                    routes=", ".join(sorted(_BENCHMARK_ROUTES)),
                )
            ]
        values["benchmark_route"] = letter
    if "identifiers" in data:
        problems = _identifier_errors(data["identifiers"])
        if problems:
            errors["identifiers"] = problems
        values["identifiers"] = list(data["identifiers"] or [])
    if "installations" in data:
        ids = [str(i) for i in data["installations"] or []]
        found = list(Installation.objects.filter(organisation=organisation, pk__in=ids))
        if len(found) != len(set(ids)):
            errors["installations"] = [
                gettext_noop("Unknown installation(s); give ids of your installations.")
            ]
        values["installations"] = found
    if errors:
        raise ValidationFailed(gettext_noop("The product data is invalid."), fields=errors)
    return values


@transaction.atomic
def product_create(*, actor: Actor, organisation: Organisation, data: dict[str, Any]) -> Product:
    errors: dict[str, list[str]] = {f: [REQUIRED] for f in ("name", "cn_code") if not data.get(f)}
    if errors:
        raise ValidationFailed(gettext_noop("The product data is invalid."), fields=errors)
    values = product_clean(organisation=organisation, data=data)
    installations = values.pop("installations", [])
    product = Product.objects.create(organisation=organisation, **values)
    product.installations.set(installations)
    audit_record(
        actor=actor,
        organisation=organisation,
        action="product.created",
        obj=product,
        after={"name": product.name, "cn_code": product.cn_code, "category": product.category},
    )
    return product


@transaction.atomic
def product_update(*, actor: Actor, product: Product, data: dict[str, Any]) -> Product:
    product = Product.objects.select_for_update().get(pk=product.pk)
    if "production_route" in data and "cn_code" not in data:
        data = {**data, "cn_code": product.cn_code}
    values = product_clean(organisation=product.organisation, data=data)
    installations = values.pop("installations", None)
    before = {k: getattr(product, k) for k in values}
    for field, value in values.items():
        setattr(product, field, value)
    product.save()
    if installations is not None:
        product.installations.set(installations)
    audit_record(
        actor=actor,
        organisation=product.organisation,
        action="product.updated",
        obj=product,
        before={k: str(v) for k, v in before.items()},
        after={k: str(v) for k, v in values.items()},
    )
    return product
