"""Draft footprints: create, edit, preview (dry runs) and delete; a draft is only saved when it
can be computed, every problem reported at once, by field, and nothing written."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import QuerySet

from accounts.audit import Actor, audit_record
from accounts.models import Organisation
from cbam.messages import gettext_noop
from core.errors import ValidationFailed
from reference.selectors import goods_category_for_cn_code
from suppliers.errors import FootprintImmutable
from suppliers.messages import status_word
from suppliers.models import (
    Footprint,
    FootprintPrecursor,
    FootprintStatus,
    PrecursorSeeSource,
)
from suppliers.services.footprints.cleaning import CleanedFootprint, clean_footprint_input
from suppliers.services.footprints.computing import compute_footprint, footprint_precursor_rows

INVALID = gettext_noop("The footprint data is invalid.")


def _prepare(
    footprint: Footprint, cleaned: CleanedFootprint, *, precursors_given: bool
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
            gettext_noop(
                "%(end)s is before the period start %(start)s.",
                end=footprint.period_end,
                start=footprint.period_start,
            )
        )
    product = footprint.product if footprint.product_id else None
    if (
        product is not None
        and footprint.installation_id
        and footprint.installation not in (product.installations.all())
        and product.installations.exists()
    ):
        errors.setdefault("installation", []).append(
            gettext_noop(
                "%(product)s is not made at %(installation)s; link the installation to the "
                "product first.",
                product=product.name,
                installation=str(footprint.installation),
            )
        )
    if product is not None and footprint.period_end:
        category = goods_category_for_cn_code(cn_code=product.cn_code, on=footprint.period_end)
        if category is None:
            errors.setdefault("product", []).append(
                gettext_noop(
                    "CN %(code)s is not a CBAM good in the reference data valid on %(date)s.",
                    code=product.cn_code,
                    date=footprint.period_end,
                )
            )
        else:
            for message in _declared_absent_problems(
                footprint.precursors_declared_absent or [],
                category.category,
                list(category.relevant_precursors or []),
            ):
                errors.setdefault("precursors_declared_absent", []).append(message)
    if errors:
        raise ValidationFailed(INVALID, fields=errors)
    if precursors_given:
        precursors = cleaned.precursors or []
    else:
        precursors = footprint_precursor_rows(footprint)
    updates, problems = compute_footprint(footprint, precursors)
    if problems:
        fields: dict[str, list[str]] = {}
        for problem in problems:
            fields.setdefault(problem["path"], []).append(problem["message"])
        raise ValidationFailed(gettext_noop("The footprint cannot be computed."), fields=fields)
    for name, value in updates.items():
        setattr(footprint, name, value)
    return precursors


def _declared_absent_problems(names: list[str], category: str, relevant: list[str]) -> list[str]:
    if not names:
        return []
    if not relevant:
        return [
            gettext_noop(
                "%(category)s has no relevant precursors (Reg. 2023/956 Annex II); leave this "
                "list empty.",
                category=category,
            )
        ]
    return [
        gettext_noop(
            "%(name)s is not a relevant precursor of %(category)s; expected one of %(relevant)s.",
            name=repr(name),
            category=category,
            relevant=", ".join(relevant),
        )
        for name in names
        if name not in relevant
    ]


def _save(footprint: Footprint, cleaned: CleanedFootprint, *, precursors_given: bool) -> Footprint:
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
    cleaned = clean_footprint_input(
        organisation=organisation, data=data, partial=False, current=None
    )
    if cleaned.errors:
        raise ValidationFailed(INVALID, fields=cleaned.errors)
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
    cleaned = clean_footprint_input(
        organisation=organisation, data=data, partial=False, current=None
    )
    if cleaned.errors:
        raise ValidationFailed(INVALID, fields=cleaned.errors)
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
def footprint_update(
    *,
    actor: Actor,
    footprint: Footprint,
    data: dict[str, Any],
    readable: QuerySet[Footprint] | None = None,
) -> Footprint:
    """Edit a draft; the SEE is recomputed. Anything but a draft is refused. ``readable``:
    other organisations' published footprints its precursors may reference besides its own
    (the caller's grants: ``exchange.sharing``); None, only its own."""
    footprint = Footprint.objects.select_for_update().get(pk=footprint.pk)
    if footprint.status != FootprintStatus.DRAFT:
        raise FootprintImmutable(
            gettext_noop(
                "This footprint is %(status)s; only a draft can be edited (a published "
                "footprint is corrected with a new version).",
                status=status_word(footprint.status),
            )
            if footprint.status in (FootprintStatus.PUBLISHED, FootprintStatus.DEPRECATED)
            else gettext_noop(
                "This footprint is %(status)s; only a draft can be edited.",
                status=status_word(footprint.status),
            )
        )
    before = footprint_summary(footprint)
    cleaned = clean_footprint_input(
        organisation=footprint.organisation,
        data=data,
        partial=True,
        current=footprint,
        readable=readable,
    )
    if cleaned.errors:
        raise ValidationFailed(INVALID, fields=cleaned.errors)
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


def footprint_precursor_inputs(footprint: Footprint) -> list[dict[str, Any]]:
    """The footprint's precursors as ``footprint_update`` takes them (``precursors``), each
    with the mass as it was entered: a caller changes one and sends the list back."""
    inputs: list[dict[str, Any]] = []
    for p in footprint.precursors.all():
        item: dict[str, Any] = {
            "cn_code": p.cn_code,
            "mass_per_t": p.mass_as_entered
            or {"value": format(p.mass_t_per_t.normalize(), "f"), "unit": "t/t"},
            "country_of_origin": p.country_of_origin,
            "see_source": p.see_source,
        }
        if p.see_source == PrecursorSeeSource.PLATFORM_FOOTPRINT:
            item["source_footprint"] = str(p.source_footprint_id)
        elif p.see_source == PrecursorSeeSource.OWN_VERIFIED:
            for channel in ("see_direct", "see_indirect"):
                value = getattr(p, channel)
                if value is not None:
                    item[channel] = format(value.normalize(), "f")
        inputs.append(item)
    return inputs


@transaction.atomic
def footprint_delete(*, actor: Actor, footprint: Footprint) -> None:
    footprint = Footprint.objects.select_for_update().get(pk=footprint.pk)
    if footprint.status != FootprintStatus.DRAFT:
        raise FootprintImmutable(
            gettext_noop(
                "This footprint is %(status)s; only a draft can be deleted.",
                status=status_word(footprint.status),
            )
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
