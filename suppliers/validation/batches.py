"""Submitting many drafts at once: one ``ValidationBatch``, one validation run per footprint
(``suppliers.services.workflow.footprints_submit_locked``), all or nothing."""

from __future__ import annotations

import uuid
from typing import Any

from django.db import transaction

from accounts.audit import Actor, audit_record
from accounts.models import Organisation
from core.errors import Conflict, ValidationFailed
from suppliers.models import Footprint, FootprintStatus, ValidationBatch
from suppliers.services.workflow import footprint_submission_problems, footprints_submit_locked

#: Most footprints one batch may submit.
BATCH_MAX_FOOTPRINTS = 500


@transaction.atomic
def footprints_submit_batch(
    *, actor: Actor, organisation: Organisation, footprint_ids: Any
) -> ValidationBatch:
    """Submit many drafts at once: one batch, one validation run per footprint, all or
    nothing. An id that is not one of the organisation's footprints, or a draft that cannot be
    submitted, is a 400 naming it; footprints that are not drafts are a 409 naming them."""
    if not isinstance(footprint_ids, list) or not footprint_ids:
        raise ValidationFailed(
            "Give the footprints to submit.",
            fields={"footprints": ["Expected a non-empty list of footprint ids."]},
        )
    if len(footprint_ids) > BATCH_MAX_FOOTPRINTS:
        raise ValidationFailed(
            "Too many footprints for one batch.",
            fields={
                "footprints": [
                    f"{len(footprint_ids)} ids; a batch takes at most {BATCH_MAX_FOOTPRINTS}."
                ]
            },
        )
    errors: dict[str, list[str]] = {}
    ids: list[uuid.UUID] = []
    for index, raw in enumerate(footprint_ids):
        try:
            parsed = uuid.UUID(str(raw))
        except ValueError:
            errors[f"footprints[{index}]"] = [f"{raw!r} is not a footprint id (a UUID)."]
            continue
        if parsed in ids:
            errors[f"footprints[{index}]"] = [
                f"{parsed} is listed twice (first at footprints[{ids.index(parsed)}])."
            ]
        ids.append(parsed)
    if errors:
        raise ValidationFailed("The batch is invalid; nothing was submitted.", fields=errors)
    # Locked in id order, so two batches sharing footprints cannot deadlock.
    found = {
        fp.pk: fp
        for fp in Footprint.objects.select_for_update()
        .filter(organisation=organisation, pk__in=ids)
        .order_by("pk")
    }
    for index, footprint_id in enumerate(ids):
        footprint = found.get(footprint_id)
        if footprint is None:
            errors[f"footprints[{index}]"] = [
                f"{footprint_id}: unknown footprint; give the ids of your own footprints."
            ]
        elif footprint.status == FootprintStatus.DRAFT:
            for field, messages in footprint_submission_problems(footprint).items():
                errors[f"footprints[{index}].{field}"] = messages
    if errors:
        raise ValidationFailed(
            "The batch cannot be submitted; nothing was submitted.", fields=errors
        )
    not_drafts = {
        str(fp_id): found[fp_id].status
        for fp_id in ids
        if found[fp_id].status != FootprintStatus.DRAFT
    }
    if not_drafts:
        named = ", ".join(f"{fp_id} ({status})" for fp_id, status in not_drafts.items())
        raise Conflict(
            f"Only drafts can be submitted; nothing was submitted. Not drafts: {named}.",
            code="not_draft",
            extra={"footprints": not_drafts},
        )
    batch = ValidationBatch.objects.create(
        organisation=organisation, created_by=actor.user, total=len(ids)
    )
    audit_record(
        actor=actor,
        organisation=organisation,
        action="validation_batch.submitted",
        obj=batch,
        after={"total": len(ids), "footprints": [str(i) for i in ids]},
    )
    footprints_submit_locked(actor=actor, footprints=[found[i] for i in ids], batch=batch)
    return batch
