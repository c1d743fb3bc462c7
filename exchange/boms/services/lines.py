"""Bill-of-materials lines of a buyer product: create, update, delete.

A line is a precursor consumed per tonne of the product, scrap and cut-offs included
(2025/2547 Annex III point B), with the source of its SEE: a supplier footprint the buyer holds
a live grant on, a footprint fetched from one of the buyer's PACT partners, another of the
buyer's products (no cycles), or the default value. Bad input
is refused with every problem, each naming the field, what was wrong and what is expected.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from accounts.audit import Actor, audit_record, changes
from accounts.models import Organisation
from cbam.defaults import match_default_value, no_default_value_message
from cbam.messages import gettext_noop
from cbam.numbers import shown
from cbam.statutory import ORIGIN_UNKNOWN
from core.errors import Conflict, ValidationFailed
from core.inputs import InputError, parse_integer
from core.messages import engine_message
from exchange.boms.inputs import BOM_LINE_INPUT
from exchange.boms.models import BomLine, BuyerProduct, LineSource
from exchange.boms.services.products import (
    REQUIRED,
    UNITS,
    cn_code_clean,
    country_clean,
    decimal_clean,
    text_clean,
)
from exchange.boms.services.recompute import recompute_enqueue
from exchange.partners.models import FetchedFootprint
from exchange.sharing.selectors import SHAREABLE_STATUSES, lineage_is_granted
from reference.selectors import reference_snapshot_for
from suppliers.calculations.default_value_decision import decision_year
from suppliers.models import Footprint

# A line's own fields: what its audit events record and what the aggregation loads.
LINE_FIELDS = (
    "position",
    "cn_code",
    "description",
    "mass_t_per_t",
    "country_of_origin",
    "origin_unknown",
    "source",
    "footprint_id",
    "lineage",
    "own_product_id",
    "fetched_footprint_id",
    "supplier_id",
    "supplier_name",
)


def _footprint_for(buyer: Organisation, raw: Any, errors: dict[str, list[str]]) -> Footprint | None:
    """The footprint named by a line, if ``buyer`` may use it: its own, or another
    organisation's published (or deprecated) footprint on a lineage it holds a live grant on.
    Foreign footprints without a grant get the same answer as unknown ids (no leak)."""
    try:
        footprint = (
            Footprint.objects.select_related("product", "organisation").filter(pk=raw).first()
        )
    except (ValueError, TypeError, DjangoValidationError):
        footprint = None
    if footprint is not None and footprint.organisation_id == buyer.pk:
        return footprint
    if (
        footprint is None
        or footprint.status not in SHAREABLE_STATUSES
        or not lineage_is_granted(buyer=buyer, lineage=footprint.lineage)
    ):
        errors["footprint"] = [
            gettext_noop(
                "No footprint %(id)s shared with you: you need a live grant from its supplier; "
                "request the footprint, or use source 'default_value' meanwhile.",
                id=str(raw),
            )
        ]
        return None
    return footprint


def _fetched_for(
    buyer: Organisation, raw: Any, errors: dict[str, list[str]]
) -> FetchedFootprint | None:
    """The fetched footprint named by a line, if it is one of ``buyer``'s own (fetched from
    one of its partners); another organisation's gets the same answer as an unknown id."""
    try:
        fetched = FetchedFootprint.objects.filter(pk=raw, organisation=buyer).first()
    except (ValueError, TypeError, DjangoValidationError):
        fetched = None
    if fetched is None:
        errors["fetched_footprint"] = [
            gettext_noop(
                "No fetched footprint %(id)s of yours; expected the id of a footprint fetched "
                "from one of your PACT partners.",
                id=str(raw),
            )
        ]
    return fetched


def _reaches(start: BuyerProduct, target_id: Any) -> list[str] | None:
    """The chain of product names from ``start`` down its own-product lines to ``target_id``
    (a cycle if the line were added), or None."""
    parents: dict[Any, Any] = {start.pk: None}
    names = {start.pk: start.name}
    frontier = [start.pk]
    while frontier:
        rows = BomLine.objects.filter(
            product_id__in=frontier, own_product__isnull=False
        ).values_list("product_id", "own_product_id", "own_product__name")
        frontier = []
        for parent, child, name in rows:
            if child in parents:
                continue
            parents[child] = parent
            names[child] = name
            if child == target_id:
                chain = [child]
                while parents[chain[-1]] is not None:
                    chain.append(parents[chain[-1]])
                return [names[p] for p in reversed(chain)]
            frontier.append(child)
    return None


def _line_clean(
    product: BuyerProduct, data: dict[str, Any], line: BomLine | None
) -> dict[str, Any]:
    errors: dict[str, list[str]] = {}
    values: dict[str, Any] = {}
    creating = line is None
    source = data.get("source", line.source if line else None)
    if not isinstance(source, str) or source not in LineSource.values:
        errors["source"] = [
            gettext_noop(
                "%(value)s is not a source; expected one of %(sources)s.",
                value=shown(source),
                sources=", ".join(LineSource.values),
            )
        ]
    values["source"] = source
    if creating and data.get("mass_t_per_t") in (None, ""):
        errors["mass_t_per_t"] = [REQUIRED]
    _origin_clean(data, line, values, errors)
    if data.get("mass_t_per_t") not in (None, ""):
        values["mass_t_per_t"] = decimal_clean(
            data["mass_t_per_t"],
            errors,
            "mass_t_per_t",
            unit=UNITS["mass_t_per_t"],
            positive=True,
        )
    for field in ("description", "supplier_name"):
        if field in data:
            values[field] = text_clean(BOM_LINE_INPUT, data[field], errors, field)
    if data.get("position") is not None:
        try:
            values["position"] = parse_integer(BOM_LINE_INPUT.field("position"), data["position"])
        except InputError as exc:
            errors["position"] = [gettext_noop("%(problem)s.", problem=exc.message)]
        else:
            if values["position"] < 1:
                errors["position"] = [
                    gettext_noop("Ensure this value is greater than or equal to 1.")
                ]

    footprint = None
    own = None
    fetched = None
    if source != LineSource.FETCHED_FOOTPRINT:
        values["fetched_footprint"] = None
    if source == LineSource.FETCHED_FOOTPRINT:
        raw = data.get("fetched_footprint", line.fetched_footprint_id if line else None)
        if raw in (None, ""):
            errors["fetched_footprint"] = [
                gettext_noop(
                    "Required with source 'fetched_footprint': the id of a fetched footprint."
                )
            ]
        else:
            fetched = _fetched_for(product.organisation, raw, errors)
        values.update(
            fetched_footprint=fetched, footprint=None, lineage=None, own_product=None, supplier=None
        )
        if fetched is not None:
            if fetched.country and data.get("country_of_origin") in (None, ""):
                # The fetched document names the country of production: the line takes it.
                errors.pop("country_of_origin", None)
                if not data.get("origin_unknown"):
                    values.setdefault("country_of_origin", fetched.country)
                    values.setdefault("origin_unknown", False)
            values.setdefault("supplier_name", fetched.company_name[:300])
    elif source == LineSource.SUPPLIER_FOOTPRINT:
        raw = data.get("footprint", line.footprint_id if line else None)
        if raw in (None, ""):
            errors["footprint"] = [
                gettext_noop("Required with source 'supplier_footprint': a footprint id.")
            ]
        else:
            footprint = _footprint_for(product.organisation, raw, errors)
        values.update(footprint=footprint, lineage=footprint.lineage if footprint else None)
        values["own_product"] = None
        if footprint is not None:
            values["supplier"] = footprint.organisation
            values.setdefault("supplier_name", footprint.organisation.legal_name_latin or "")
    elif source == LineSource.OWN_PRODUCT:
        raw = data.get("own_product", line.own_product_id if line else None)
        try:
            own = BuyerProduct.objects.filter(
                pk=str(raw), organisation=product.organisation
            ).first()
        except (ValueError, TypeError, DjangoValidationError):
            own = None
        if own is None:
            errors["own_product"] = [
                gettext_noop(
                    "No product %(id)s of yours; expected the id of one of your buyer products.",
                    id=str(raw),
                )
            ]
        elif own.pk == product.pk:
            errors["own_product"] = [
                gettext_noop("%(name)s cannot be made from itself.", name=product.name)
            ]
        else:
            chain = _reaches(own, product.pk)
            if chain is not None:
                errors["own_product"] = [
                    gettext_noop(
                        "This would make a cycle: %(chain)s; a product cannot be (indirectly) "
                        "made from itself.",
                        chain=" → ".join([product.name, *chain]),
                    )
                ]
        values.update(own_product=own, footprint=None, lineage=None, supplier=None)
        if own is not None:
            values.setdefault("country_of_origin", own.country_of_production)
            values.setdefault("cn_code", own.cn_code)
    elif source == LineSource.DEFAULT_VALUE:
        values.update(footprint=None, lineage=None, own_product=None)
    if source != LineSource.DEFAULT_VALUE and values.get(
        "origin_unknown", line.origin_unknown if line else False
    ):
        errors["origin_unknown"] = [
            gettext_noop(
                "Origin unknown (IR 2025/2621 Art. 1(5), Annex IV) is for a line on the default "
                "value; a supplier footprint or own product has a known country of production: "
                "give country_of_origin instead."
            )
        ]

    if data.get("cn_code") not in (None, ""):
        values["cn_code"] = cn_code_clean(data["cn_code"], errors, "cn_code")
    elif footprint is not None:
        values["cn_code"] = footprint.product.cn_code
    elif fetched is not None and fetched.cn_code:
        values["cn_code"] = fetched.cn_code
    elif creating and "cn_code" not in values:
        errors["cn_code"] = [
            gettext_noop("This field is required (8-digit CN code of the precursor).")
        ]
    cn_code = values.get("cn_code") or (line.cn_code if line else None)
    if footprint is not None and cn_code and cn_code != footprint.product.cn_code:
        errors["cn_code"] = [
            gettext_noop(
                "The footprint is for CN %(expected)s, the line says %(code)s; expected the "
                "footprint's CN code.",
                expected=footprint.product.cn_code,
                code=cn_code,
            )
        ]
    if fetched is not None and fetched.cn_code and cn_code and cn_code != fetched.cn_code:
        errors["cn_code"] = [
            gettext_noop(
                "The fetched footprint is for CN %(expected)s, the line says %(code)s; expected "
                "the footprint's CN code.",
                expected=fetched.cn_code,
                code=cn_code,
            )
        ]
    if own is not None and cn_code and cn_code != own.cn_code:
        errors["cn_code"] = [
            gettext_noop(
                "%(name)s has CN %(expected)s, the line says %(code)s; expected %(expected)s.",
                name=own.name,
                expected=own.cn_code,
                code=cn_code,
            )
        ]
    if not errors and values.get("origin_unknown", line.origin_unknown if line else False):
        _unknown_origin_value_check(cn_code or "", errors)
    if errors:
        where = f"line {line.position} of {product.name}" if line else f"new line of {product.name}"
        first = next(iter(errors))
        raise ValidationFailed(
            f"The BOM line is invalid ({where}): {first}: {errors[first][0]}", fields=errors
        )
    return values


def _origin_clean(
    data: dict[str, Any], line: BomLine | None, values: dict[str, Any], errors: dict[str, list[str]]
) -> None:
    """``country_of_origin``, or ``origin_unknown: true`` when the country of production cannot
    be identified (then the country is left empty): one of the two, never both."""
    country = data.get("country_of_origin")
    unknown = data.get("origin_unknown")
    if unknown is not None and not isinstance(unknown, bool):
        errors["origin_unknown"] = [
            gettext_noop(
                "%(value)s is not true or false; expected a boolean.", value=shown(unknown)
            )
        ]
        return
    if unknown and country not in (None, ""):
        errors["origin_unknown"] = [
            gettext_noop(
                "Give either country_of_origin or origin_unknown: true, not both: origin_unknown "
                "is for a precursor whose country of production cannot be identified."
            )
        ]
    elif unknown:
        values.update(origin_unknown=True, country_of_origin="")
    elif country not in (None, ""):
        values["country_of_origin"] = country_clean(country, errors, "country_of_origin")
        values["origin_unknown"] = False
    elif line is None or (unknown is False and line.origin_unknown):
        # A new line, or one no longer of unknown origin, needs its country.
        errors["country_of_origin"] = [
            gettext_noop(
                "This field is required (ISO 3166 code of where the precursor was produced), "
                "or origin_unknown: true when it cannot be identified."
            )
        ]


def _unknown_origin_value_check(cn_code: str, errors: dict[str, list[str]]) -> None:
    """Origin unknown needs an Annex IV value for the CN code in the reference data the
    aggregation uses (the year's, ``decision_year``): otherwise a 400 naming the field now,
    rather than a failed computation later."""
    year = decision_year(timezone.localdate())
    snapshot = reference_snapshot_for(on=date(year, 12, 31))
    if match_default_value(snapshot, cn_code, ORIGIN_UNKNOWN) is None:
        errors["origin_unknown"] = [
            gettext_noop(
                "%(problem)s.",
                problem=engine_message(no_default_value_message(cn_code, ORIGIN_UNKNOWN)),
            )
        ]


def _snapshot(line: BomLine) -> dict[str, Any]:
    return {f: str(getattr(line, f)) for f in LINE_FIELDS}


def _save(line: BomLine) -> None:
    try:
        with transaction.atomic():
            line.save()
    except IntegrityError:
        raise Conflict(
            gettext_noop(
                "Position %(position)s is taken in this bill of materials; choose another.",
                position=str(line.position),
            ),
            extra={
                "fields": {
                    "position": [gettext_noop("Already used by another line of this product.")]
                }
            },
        ) from None


@transaction.atomic
def bom_line_create(*, actor: Actor, product: BuyerProduct, data: dict[str, Any]) -> BomLine:
    """Add a line (position: the next free one unless given)."""
    product = BuyerProduct.objects.select_for_update().get(pk=product.pk)
    values = _line_clean(product, data, None)
    if values.get("position") is None:
        top = product.lines.aggregate(top=Max("position"))["top"]
        values["position"] = (top or 0) + 1
    line = BomLine(product=product, **values)
    _save(line)
    product.save(update_fields=["updated_at"])
    audit_record(
        actor=actor,
        organisation=product.organisation,
        action="bom_line.created",
        obj=line,
        after=_snapshot(line),
    )
    recompute_enqueue(
        organisation_id=product.organisation_id, product_ids=[product.pk], reason="line created"
    )
    return line


@transaction.atomic
def bom_line_update(*, actor: Actor, line: BomLine, data: dict[str, Any]) -> BomLine:
    product = BuyerProduct.objects.select_for_update().get(pk=line.product_id)
    line = BomLine.objects.select_for_update().get(pk=line.pk)
    values = _line_clean(product, data, line)
    before = _snapshot(line)
    for field, value in values.items():
        setattr(line, field, value)
    _save(line)
    product.save(update_fields=["updated_at"])
    old, new = changes(before, _snapshot(line))
    audit_record(
        actor=actor,
        organisation=product.organisation,
        action="bom_line.updated",
        obj=line,
        before=old,
        after=new,
    )
    recompute_enqueue(
        organisation_id=product.organisation_id, product_ids=[product.pk], reason="line updated"
    )
    return line


@transaction.atomic
def bom_line_delete(*, actor: Actor, line: BomLine) -> None:
    product = BuyerProduct.objects.select_for_update().get(pk=line.product_id)
    before = _snapshot(line)
    audit_record(
        actor=actor,
        organisation=product.organisation,
        action="bom_line.deleted",
        obj=line,
        before=before,
    )
    line.delete()
    product.save(update_fields=["updated_at"])
    recompute_enqueue(
        organisation_id=product.organisation_id, product_ids=[product.pk], reason="line deleted"
    )
