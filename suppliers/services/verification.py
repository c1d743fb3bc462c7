"""A verifier organisation of the platform answers, in its own account, for the verification
of a footprint that names it (Reg. 2023/956 Art. 8 and Annex VI: actual emissions are verified
by an accredited verifier): it confirms, or declines with a comment the producer reads.

Naming a verifier shares the footprint with that organisation once it is submitted
(``suppliers.selectors.verification_requests_visible_to``); the verifier answers each
submission once, before publication (a published footprint is immutable). Every answer is a
``VerificationDecision`` row (what was answered for, by whom, when, why) and an audit event in
both organisations' logs, in the same transaction. A new submission of the footprint
(``suppliers.services.workflow``) asks the verifier again.

A declined verification means the statement does not back the actual figures: the validation
rule CBAM-VERIFY-006 then requires the default value downstream.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from accounts.audit import Actor, audit_record
from accounts.models import Organisation
from cbam.messages import gettext_noop
from core.errors import Conflict, ValidationFailed
from core.text import TextError, clean_text
from suppliers import events
from suppliers.messages import status_word
from suppliers.models import (
    VERIFIABLE_STATUSES,
    Footprint,
    VerificationDecision,
    VerificationOutcome,
)

#: The longest comment a verifier may write (the producer reads it in its e-mail too).
COMMENT_MAX_LENGTH = 2000


def _comment(raw: object, *, required: bool) -> str:
    try:
        comment = clean_text(raw, max_length=COMMENT_MAX_LENGTH)
    except TextError as exc:
        raise ValidationFailed(
            gettext_noop("The comment is not acceptable text."),
            fields={"comment": [exc.message]},
        ) from None
    if required and not comment:
        raise ValidationFailed(
            gettext_noop("A declined verification needs a comment."),
            fields={
                "comment": [
                    gettext_noop(
                        "Say why the verification is declined and what the producer must "
                        "change; the producer reads it."
                    )
                ]
            },
        )
    return comment


def _locked_open_request(*, verifier: Organisation, footprint: Footprint) -> Footprint:
    """The footprint, locked, when ``verifier`` may answer it now; else ``Conflict`` saying
    why (another verifier named, its status, already answered)."""
    locked = (
        Footprint.objects.select_for_update(of=("self",))
        .select_related("organisation")
        .get(pk=footprint.pk)
    )
    if locked.verifier_organisation_id != verifier.pk:
        raise Conflict(
            gettext_noop("This footprint does not name your organisation as its verifier.")
        )
    if locked.status not in VERIFIABLE_STATUSES:
        raise Conflict(
            gettext_noop(
                "This footprint is %(status)s; a verification is answered while it is "
                "submitted, in review or approved (before publication).",
                status=status_word(locked.status),
            )
        )
    if locked.verifier_confirmed_at is not None:
        raise Conflict(
            gettext_noop(
                "Already confirmed on %(date)s.",
                date=f"{timezone.localtime(locked.verifier_confirmed_at):%Y-%m-%d}",
            )
        )
    if locked.verifier_declined_at is not None:
        raise Conflict(
            gettext_noop(
                "Already declined on %(date)s; the producer's next submission asks you again.",
                date=f"{timezone.localtime(locked.verifier_declined_at):%Y-%m-%d}",
            )
        )
    return locked


def _decide(
    *, actor: Actor, verifier: Organisation, footprint: Footprint, outcome: str, comment: str
) -> tuple[VerificationDecision, dict[str, Any]]:
    """Record the answer (the footprint's field and the decision row); returns the decision
    and what its audit events say. The callers record those events, by name, in both
    organisations' logs."""
    locked = _locked_open_request(verifier=verifier, footprint=footprint)
    now = timezone.now()
    if outcome == VerificationOutcome.CONFIRMED:
        locked.verifier_confirmed_at = now
        locked.save(update_fields=["verifier_confirmed_at", "updated_at"])
    else:
        locked.verifier_declined_at = now
        locked.save(update_fields=["verifier_declined_at", "updated_at"])
    decision = VerificationDecision.objects.create(
        footprint=locked,
        verifier=verifier,
        outcome=outcome,
        comment=comment,
        decided_by=actor.user,
        decided_at=now,
        submitted_at=locked.submitted_at,
        footprint_status=locked.status,
        see_direct=locked.see_direct,
        see_indirect=locked.see_indirect,
        see_total=locked.see_total,
    )
    after: dict[str, Any] = {
        "verifier": verifier.slug,
        "producer": locked.organisation.slug,
        "producer_id": locked.organisation_id,
        "decision": str(decision.pk),
        "statement_date": str(locked.verification_statement_date),
    }
    if comment:
        after["comment"] = comment
    return decision, after


@transaction.atomic
def footprint_verification_confirm(
    *, actor: Actor, verifier: Organisation, footprint: Footprint, comment: object = ""
) -> Footprint:
    """``verifier`` confirms the verification of the footprint's current submission (an
    optional ``comment``). Refused (``Conflict``) unless the footprint names ``verifier``, is
    submitted, in review or approved, and this submission is not answered yet."""
    decision, after = _decide(
        actor=actor,
        verifier=verifier,
        footprint=footprint,
        outcome=VerificationOutcome.CONFIRMED,
        comment=_comment(comment, required=False),
    )
    for organisation in (verifier, decision.footprint.organisation):
        audit_record(
            actor=actor,
            organisation=organisation,
            action=events.FOOTPRINT_VERIFICATION_CONFIRMED,
            obj=decision.footprint,
            after=after,
        )
    return decision.footprint


@transaction.atomic
def footprint_verification_decline(
    *, actor: Actor, verifier: Organisation, footprint: Footprint, comment: object
) -> VerificationDecision:
    """``verifier`` declines the verification of the footprint's current submission, saying
    why in ``comment`` (required: ``ValidationFailed`` at ``comment``); the producer is told
    (``exchange.sharing`` listens to the audit event) and CBAM-VERIFY-006 then requires the
    default value. Refused as :func:`footprint_verification_confirm` is."""
    decision, after = _decide(
        actor=actor,
        verifier=verifier,
        footprint=footprint,
        outcome=VerificationOutcome.DECLINED,
        comment=_comment(comment, required=True),
    )
    for organisation in (verifier, decision.footprint.organisation):
        audit_record(
            actor=actor,
            organisation=organisation,
            action=events.FOOTPRINT_VERIFICATION_DECLINED,
            obj=decision.footprint,
            after=after,
        )
    return decision
