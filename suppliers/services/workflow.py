"""The footprint workflow: submit, validate (worker), withdraw, approve or reject (four eyes),
publish, deprecate, correct.

``draft → submitted → in_review → approved → published → deprecated``, ``submitted → draft``
(validation found errors, or the preparer withdrew the submission) and ``rejected → draft``,
as the explicit map ``suppliers.models.FOOTPRINT_TRANSITIONS``. Every move locks the row,
checks the map (``core.workflows.IllegalTransition`` otherwise) and writes its audit event
(``suppliers.events``) in the same transaction. The four-eyes rule: whoever created or
submitted a footprint can never approve it (CBAM practice; DOMAIN.md "A preparer approving
their own numbers").
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import F, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from accounts.audit import Actor, audit_event, audit_record, audit_record_many
from accounts.models import AuditEvent
from cbam.messages import Message, gettext_noop
from core.errors import ValidationFailed
from core.workflows import IllegalTransition
from suppliers import events
from suppliers.errors import FourEyesViolation
from suppliers.models import (
    FOOTPRINT_TRANSITIONS,
    VALIDATION_RUN_TRANSITIONS,
    ElectricityFactorSource,
    EvidenceKind,
    Footprint,
    FootprintStatus,
    ValidationBatch,
    ValidationRun,
    ValidationRunStatus,
)
from suppliers.services.deprecation import footprint_deprecation_sign

VALIDATE_JOB = "suppliers.validate_footprint"


def footprint_move(
    *,
    actor: Actor,
    footprint: Footprint,
    to: str,
    action: str,
    changes: dict[str, Any] | None = None,
    note: dict[str, Any] | None = None,
) -> Footprint:
    """Lock, check ``FOOTPRINT_TRANSITIONS``, apply, audit ``action`` (a ``suppliers.events``
    name). Callers hold the transaction."""
    locked = Footprint.objects.select_for_update().get(pk=footprint.pk)
    before = FOOTPRINT_TRANSITIONS.transition(locked, to=to)
    for name, value in (changes or {}).items():
        setattr(locked, name, value)
    locked.save()
    audit_record(
        actor=actor,
        organisation=locked.organisation,
        action=action,
        obj=locked,
        before={"status": before},
        after={"status": to, **(note or {})},
    )
    return locked


def footprint_submission_problems(footprint: Footprint) -> dict[str, list[str]]:
    """What keeps a draft from being submitted at all (before any rule runs), by field."""
    problems: dict[str, list[str]] = {}
    needs_evidence = footprint.electricity_factor_source in (
        ElectricityFactorSource.DIRECT_LINK,
        ElectricityFactorSource.PPA,
    )
    if needs_evidence and not footprint.evidence.filter(kind=EvidenceKind.ELECTRICITY).exists():
        problems["electricity_factor_source"] = [
            gettext_noop(
                "A %(source)s needs evidence: upload the contract or connection document (kind "
                "electricity) before submitting.",
                source=footprint.get_electricity_factor_source_display(),
            )
        ]
    return problems


@dataclass
class FootprintMove:
    """One transition of a footprint the caller has locked in its transaction: ``to`` with
    ``changes`` (more fields to write), audited as ``action`` (a ``suppliers.events`` name)
    with ``note`` (more audit detail)."""

    footprint: Footprint
    to: str
    action: str
    changes: dict[str, Any] = field(default_factory=dict)
    note: dict[str, Any] | None = None


def footprints_move_locked(*, actor: Actor, moves: Sequence[FootprintMove]) -> None:
    """Apply many moves at once to footprints **the caller has locked** (``select_for_update``
    in the current transaction, so their status as loaded is current): check the transitions
    map for each (``IllegalTransition``, nothing written), write each row once (rows with the
    same new values in one UPDATE) and insert the audit events in one statement
    (``audit_record_many``: the audit listeners run as for one). The instances are updated in
    memory, ``updated_at`` included."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("footprints_move_locked outside a transaction: lock the rows first")
    for move in moves:
        FOOTPRINT_TRANSITIONS.check(status=move.footprint.status, to=move.to)
    now = timezone.now()
    groups: dict[str, tuple[dict[str, Any], list[Any]]] = {}
    audit_events: list[AuditEvent] = []
    for move in moves:
        footprint = move.footprint
        before = footprint.status
        values = {"status": move.to, **move.changes, "updated_at": now}
        for name, value in values.items():
            setattr(footprint, name, value)
        key = json.dumps(values, sort_keys=True, default=_group_value)
        groups.setdefault(key, (values, []))[1].append(footprint.pk)
        event = audit_event(
            actor=actor,
            organisation=None,
            action=move.action,
            obj=footprint,
            before={"status": before},
            after={"status": move.to, **(move.note or {})},
        )
        # By id: the organisation row need not be loaded for each footprint.
        event.organisation_id = footprint.organisation_id
        audit_events.append(event)
    for values, pks in groups.values():
        Footprint.objects.filter(pk__in=pks).update(**values)
    audit_record_many(audit_events)


def _group_value(value: Any) -> str:
    """How a value that JSON cannot write takes part in the grouping key of a move."""
    return f"{type(value).__name__}:{getattr(value, 'pk', value)}"


@transaction.atomic
def footprint_submit(
    *, actor: Actor, footprint: Footprint, batch: ValidationBatch | None = None
) -> Footprint:
    """Send a draft to validation: a validation run (``suppliers.validation.runs``) whose work
    row runs every rule in a worker after commit; ``batch`` when submitted with others."""
    locked = Footprint.objects.select_for_update().get(pk=footprint.pk)
    footprints_submit_locked(actor=actor, footprints=[locked], batch=batch)
    return locked


def footprints_submit_locked(
    *, actor: Actor, footprints: Sequence[Footprint], batch: ValidationBatch | None = None
) -> None:
    """Submit drafts the caller has locked: each moves to ``submitted`` (one UPDATE, one audit
    insert for all) and gets its validation run; the runs are validated in chunks, one work
    row each (``suppliers.validation.runs.validation_runs_create``)."""
    # Imported here: the pipeline builds on this workflow (it moves the footprint on).
    from suppliers.validation.runs import validation_runs_create

    for footprint in footprints:
        problems = footprint_submission_problems(footprint)
        if problems:
            raise ValidationFailed(
                gettext_noop("The footprint cannot be submitted yet."), fields=problems
            )
    now = timezone.now()
    footprints_move_locked(
        actor=actor,
        moves=[
            FootprintMove(
                footprint=footprint,
                to=FootprintStatus.SUBMITTED,
                action=events.FOOTPRINT_SUBMITTED,
                # A submission is answered afresh by the platform verifier it names: an answer
                # was for the figures submitted then.
                changes={
                    "submitted_by": actor.user,
                    "submitted_at": now,
                    "verifier_confirmed_at": None,
                    "verifier_declined_at": None,
                },
            )
            for footprint in footprints
        ],
    )
    validation_runs_create(footprints=footprints, batch=batch)


def footprint_validation_move(
    *, footprint: Footprint, problems: dict[str, list[str]], changes: dict[str, Any]
) -> FootprintMove:
    """The move that closes a validation run (worker side): no problems → in review; problems
    (the error findings of the run, by path) → back to draft with them attached. ``changes``:
    the recomputed SEE fields, written with the move."""
    if problems:
        return FootprintMove(
            footprint=footprint,
            to=FootprintStatus.DRAFT,
            action=events.FOOTPRINT_VALIDATION_FAILED,
            changes={
                **changes,
                "calculation_problems": [
                    {"path": path, "message": message}
                    for path, messages in problems.items()
                    for message in messages
                ],
            },
            note={"problems": len(problems)},
        )
    # In review, the submission goes to the platform verifier it names: the event says which,
    # so that whoever tells it needs no read (``exchange.sharing.listeners``).
    verifier_id = footprint.verifier_organisation_id
    return FootprintMove(
        footprint=footprint,
        to=FootprintStatus.IN_REVIEW,
        action=events.FOOTPRINT_VALIDATION_PASSED,
        changes={**changes, "calculation_problems": []},
        note={"verifier_id": verifier_id} if verifier_id is not None else None,
    )


def four_eyes_refusal(*, user_id: Any, footprint: Footprint) -> Message | None:
    """Why the person ``user_id`` (None: a machine client) may not approve or reject
    ``footprint``, or None when they may: a review is a second person's (four eyes), never that
    of whoever prepared or submitted it. Pages show it before the click; the review services
    raise it."""
    if user_id is None:
        return gettext_noop("A review is done by a person, not a machine client.")
    if user_id in (footprint.created_by_id, footprint.submitted_by_id):
        return gettext_noop(
            "Four eyes: you prepared or submitted this footprint, so another reviewer must "
            "approve or reject it."
        )
    return None


def _check_four_eyes(actor: Actor, footprint: Footprint) -> None:
    refusal = four_eyes_refusal(
        user_id=actor.user.pk if actor.user is not None else None, footprint=footprint
    )
    if refusal is not None:
        raise FourEyesViolation(refusal)


@transaction.atomic
def footprint_approve(*, actor: Actor, footprint: Footprint, comment: str = "") -> Footprint:
    locked = Footprint.objects.select_for_update().get(pk=footprint.pk)
    _check_four_eyes(actor, locked)
    return footprint_move(
        actor=actor,
        footprint=locked,
        to=FootprintStatus.APPROVED,
        action=events.FOOTPRINT_APPROVED,
        changes={
            "reviewed_by": actor.user,
            "reviewed_at": timezone.now(),
            "review_comment": comment,
        },
        note={"comment": comment} if comment else None,
    )


@transaction.atomic
def footprint_reject(*, actor: Actor, footprint: Footprint, comment: str) -> Footprint:
    if not (comment or "").strip():
        raise ValidationFailed(
            gettext_noop("A rejection needs a comment."),
            fields={"comment": [gettext_noop("Say what the preparer must change.")]},
        )
    locked = Footprint.objects.select_for_update().get(pk=footprint.pk)
    _check_four_eyes(actor, locked)
    return footprint_move(
        actor=actor,
        footprint=locked,
        to=FootprintStatus.REJECTED,
        action=events.FOOTPRINT_REJECTED,
        changes={
            "reviewed_by": actor.user,
            "reviewed_at": timezone.now(),
            "review_comment": comment,
        },
        note={"comment": comment},
    )


@transaction.atomic
def footprint_withdraw(*, actor: Actor, footprint: Footprint, comment: str = "") -> Footprint:
    """Take a submission back: ``submitted`` → ``draft`` (audit ``footprint.submission_withdrawn``,
    with ``comment`` if given). A validation run still unfinished is closed ``crashed`` with a
    message naming ``actor``, in the same transaction, so a late worker skips it (finished runs
    are left alone) and never moves the footprint or writes findings for it.

    The runs are locked before the footprint, in the order the validation chunk locks them, so
    a withdrawal and a worker on the same run wait for each other instead of deadlocking: if
    the worker commits first, its run is finished and the footprint has left ``submitted``, so
    the withdrawal is refused. Under the footprint's lock the runs are read again: a run
    created meanwhile (a revalidation) is closed too."""
    unfinished_runs = (
        ValidationRun.objects.select_for_update()
        .filter(footprint_id=footprint.pk, finished_at__isnull=True)
        .order_by("pk")
        .values_list("pk", "status")
    )
    list(unfinished_runs)  # locked first, as the chunk does
    locked = Footprint.objects.select_for_update().get(pk=footprint.pk)
    if locked.status != FootprintStatus.SUBMITTED:
        # The map also lets a rejected footprint go back to draft: that is a reopening.
        raise IllegalTransition(
            f"A {locked.status} footprint cannot be withdrawn; only a submitted footprint can "
            "(it goes back to draft).",
            extra={"status": locked.status, "requested": "withdraw"},
        )
    unfinished = dict(unfinished_runs.all())  # again: a run created while we waited counts
    for status in unfinished.values():
        VALIDATION_RUN_TRANSITIONS.check(status=status, to=ValidationRunStatus.CRASHED)
    now = timezone.now()
    ValidationRun.objects.filter(pk__in=list(unfinished)).update(
        status=ValidationRunStatus.CRASHED,
        last_error=f"Withdrawn by {actor.label} before validation finished.",
        started_at=Coalesce(F("started_at"), Value(now)),
        finished_at=now,
    )
    note: dict[str, Any] = {"runs_closed": [str(pk) for pk in unfinished]}
    if comment:
        note["comment"] = comment
    return footprint_move(
        actor=actor,
        footprint=locked,
        to=FootprintStatus.DRAFT,
        action=events.FOOTPRINT_SUBMISSION_WITHDRAWN,
        note=note,
    )


@transaction.atomic
def footprint_reopen(*, actor: Actor, footprint: Footprint) -> Footprint:
    """A rejected footprint goes back to draft for the preparer to correct."""
    return footprint_move(
        actor=actor,
        footprint=footprint,
        to=FootprintStatus.DRAFT,
        action=events.FOOTPRINT_REOPENED,
    )


@transaction.atomic
def footprint_deprecate(*, actor: Actor, footprint: Footprint, reason: str = "") -> Footprint:
    """Published → deprecated by its owner, and the deprecated state signed (PACT status
    "Deprecated", ``statusComment`` = the reason) beside the untouched original."""
    deprecated_at = timezone.now().replace(microsecond=0)
    deprecated = footprint_move(
        actor=actor,
        footprint=footprint,
        to=FootprintStatus.DEPRECATED,
        action=events.FOOTPRINT_DEPRECATED,
        changes={"deprecated_at": deprecated_at},
        note={"reason": reason} if reason else None,
    )
    footprint_deprecation_sign(
        actor=actor, footprint=deprecated, deprecated_at=deprecated_at, reason=reason
    )
    return deprecated
