"""Audit listeners of the sharing app (registered by ``SharingConfig.ready()``).

Each runs inside the transaction that records the event, so it only enqueues a work row;
the work happens after commit (``exchange.sharing.jobs``). Before enqueuing, one indexed
read checks that someone may need telling (a live grant on the footprint's lineage, an
invitation waiting for a member's address; a footprint's verifier is named by the event
itself): the common case, nothing shared, creates no work row at all. The idempotency keys
make a repeated event enqueue nothing new.
"""

from __future__ import annotations

from accounts import events as accounts_events
from accounts.audit import audit_listen
from accounts.models import AuditEvent, Membership
from core.jobs import job_create
from exchange.sharing.models import FootprintRequest, GrantedFootprint, RequestStatus
from exchange.sharing.services.reactions import (
    FOOTPRINT_DEPRECATED_JOB,
    INVITED_REQUESTS_JOB,
    SIGNING_KEY_REVOKED_JOB,
    VERIFICATION_ANSWERED_JOB,
    VERIFICATION_REQUESTED_JOB,
)
from suppliers import events as suppliers_events
from suppliers.models import Footprint


def _live_grants_on(footprints: object) -> bool:
    return GrantedFootprint.objects.filter(
        grant__revoked_at__isnull=True, lineage__in=footprints
    ).exists()


@audit_listen(suppliers_events.FOOTPRINT_DEPRECATED)
def on_footprint_deprecated(event: AuditEvent) -> None:
    lineage = Footprint.objects.filter(pk=event.object_id).values("lineage")
    if not _live_grants_on(lineage):
        return
    job_create(
        kind=FOOTPRINT_DEPRECATED_JOB,
        payload={"footprint_id": event.object_id},
        organisation_id=event.organisation_id,
        idempotency_key=f"{FOOTPRINT_DEPRECATED_JOB}:{event.object_id}",
    )


@audit_listen(accounts_events.SIGNING_KEY_REVOKED)
def on_signing_key_revoked(event: AuditEvent) -> None:
    kid = (event.after or {}).get("kid")
    if not kid:
        return
    lineages = Footprint.objects.filter(signing_kid=kid).values("lineage")
    if not _live_grants_on(lineages):
        return
    job_create(
        kind=SIGNING_KEY_REVOKED_JOB,
        payload={"kid": kid},
        organisation_id=event.organisation_id,
        idempotency_key=f"{SIGNING_KEY_REVOKED_JOB}:{kid}",
    )


@audit_listen(accounts_events.ORGANISATION_CREATED, accounts_events.MEMBERSHIP_CREATED)
def on_member_arrived(event: AuditEvent) -> None:
    if event.organisation_id is None:
        return
    emails = Membership.objects.filter(organisation_id=event.organisation_id).values("user__email")
    waiting = (
        FootprintRequest.objects.filter(
            supplier__isnull=True, status=RequestStatus.OPEN, supplier_email__in=emails
        )
        .exclude(buyer_id=event.organisation_id)
        .exists()
    )
    if waiting:
        job_create(
            kind=INVITED_REQUESTS_JOB,
            payload={"organisation_id": event.organisation_id},
            organisation_id=event.organisation_id,
        )


@audit_listen(suppliers_events.FOOTPRINT_VALIDATION_PASSED)
def on_footprint_in_review(event: AuditEvent) -> None:
    """A submission naming a platform verifier passed validation: the verifier is asked."""
    verifier_id = (event.after or {}).get("verifier_id")
    if verifier_id is None:
        return
    job_create(
        kind=VERIFICATION_REQUESTED_JOB,
        payload={"footprint_id": event.object_id},
        organisation_id=verifier_id,
    )


@audit_listen(
    suppliers_events.FOOTPRINT_VERIFICATION_CONFIRMED,
    suppliers_events.FOOTPRINT_VERIFICATION_DECLINED,
)
def on_verification_answered(event: AuditEvent) -> None:
    """The verifier answered: the producer is told (the answer is recorded in both
    organisations' logs; the producer's event enqueues the work)."""
    after = event.after or {}
    if after.get("producer_id") != event.organisation_id or not after.get("decision"):
        return
    job_create(
        kind=VERIFICATION_ANSWERED_JOB,
        payload={"decision_id": after["decision"]},
        organisation_id=event.organisation_id,
        idempotency_key=f"{VERIFICATION_ANSWERED_JOB}:{after['decision']}",
    )
