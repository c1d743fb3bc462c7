"""Reacting to other apps' events without their code knowing about sharing.

``exchange.sharing.listeners`` listens to audit actions recorded elsewhere
(``footprint.deprecated``, ``signing_key.revoked``, ``organisation.created``,
``membership.created``, and the platform verifier's part: ``footprint.validation_passed`` of a
footprint naming one, ``footprint.verification_confirmed`` / ``_declined``). A listener runs
inside the transaction of that change, so it only creates a work row
(``core.jobs.job_create``); the row's handler calls one function here, after commit, in a
worker. Notifications are deduplicated per organisation and event, so a work row run twice
notifies once.
"""

from __future__ import annotations

import uuid

from django.db import transaction

from accounts.models import Organisation
from exchange.sharing.models import NotificationKind
from exchange.sharing.selectors import SHAREABLE_STATUSES, buyers_with_live_grants
from exchange.sharing.services.notifications import notification_create
from exchange.sharing.texts import footprint_facts, footprint_name, organisation_facts
from suppliers.models import Footprint, FootprintStatus, VerificationDecision, VerificationOutcome
from suppliers.selectors import verification_requests_open

FOOTPRINT_DEPRECATED_JOB = "sharing.notify_footprint_deprecated"
SIGNING_KEY_REVOKED_JOB = "sharing.notify_signing_key_revoked"
INVITED_REQUESTS_JOB = "sharing.announce_invited_requests"
VERIFICATION_REQUESTED_JOB = "sharing.notify_verification_requested"
VERIFICATION_ANSWERED_JOB = "sharing.notify_verification_answered"


@transaction.atomic
def buyers_notify_footprint_deprecated(*, footprint_id: str) -> int:
    """Notify each buyer holding a live grant on the lineage of a footprint that was
    deprecated (by a correction, or withdrawn by its producer). Returns how many
    notifications were new."""
    footprint = (
        Footprint.objects.select_related("organisation", "product")
        .filter(pk=footprint_id, status=FootprintStatus.DEPRECATED)
        .first()
    )
    if footprint is None:
        return 0
    successor = (
        Footprint.objects.filter(preceding=footprint, status__in=SHAREABLE_STATUSES)
        .order_by("published_at", "created_at", "id")
        .first()
    )
    holders = buyers_with_live_grants(lineages=[footprint.lineage])
    holders.pop(footprint.organisation_id, None)
    label = footprint_name(footprint.product.name, footprint.period_start)
    created = 0
    for organisation in Organisation.objects.filter(pk__in=holders).order_by("pk"):
        notification = notification_create(
            organisation=organisation,
            kind=NotificationKind.FOOTPRINT_DEPRECATED,
            dedupe_key=f"footprint.deprecated:{footprint.pk}",
            obj=footprint,
            data={
                "footprint": str(footprint.pk),
                "lineage": str(footprint.lineage),
                "superseded_by": str(successor.pk) if successor is not None else None,
                "label": label,
                **organisation_facts("supplier", footprint.organisation),
            },
        )
        created += notification is not None
    return created


@transaction.atomic
def buyers_notify_signing_key_revoked(*, kid: str) -> int:
    """Notify each buyer that can read a footprint signed with the revoked key ``kid``:
    one notification per buyer and key, naming the footprints concerned. Returns how many
    notifications were new."""
    signed = list(
        Footprint.objects.filter(signing_kid=kid, status__in=SHAREABLE_STATUSES)
        .select_related("organisation", "product")
        .order_by("id")
    )
    if not signed:
        return 0
    by_lineage: dict[uuid.UUID, list[Footprint]] = {}
    for footprint in signed:
        by_lineage.setdefault(footprint.lineage, []).append(footprint)
    holders = buyers_with_live_grants(lineages=by_lineage)
    owner = signed[0].organisation
    holders.pop(owner.pk, None)
    created = 0
    for organisation in Organisation.objects.filter(pk__in=holders).order_by("pk"):
        concerned = sorted(
            (f for lineage in holders[organisation.pk] for f in by_lineage[lineage]),
            key=lambda f: str(f.pk),
        )
        notification = notification_create(
            organisation=organisation,
            kind=NotificationKind.KEY_REVOKED,
            dedupe_key=f"signing_key.revoked:{kid}",
            obj=concerned[0],
            data={
                "kid": kid,
                "footprints": [str(f.pk) for f in concerned],
                "footprint_lines": [
                    f"{footprint_name(f.product.name, f.period_start)} ({f.pk}, {f.status})"
                    for f in concerned
                ],
                **organisation_facts("supplier", owner),
            },
        )
        created += notification is not None
    return created


@transaction.atomic
def verifier_notify_requested(*, footprint_id: str) -> int:
    """Tell the platform verifier a footprint names that one of its submissions waits for its
    answer (the footprint passed validation and is in review): once per submission. Nothing
    when the request is no longer open (answered, withdrawn, rejected meanwhile). Returns how
    many notifications were new (0 or 1)."""
    footprint = (
        Footprint.objects.select_related("verifier_organisation")
        .filter(pk=footprint_id, verifier_organisation__isnull=False)
        .first()
    )
    if footprint is None or footprint.verifier_organisation is None:
        return 0
    verifier = footprint.verifier_organisation
    request = verification_requests_open(organisation=verifier).filter(pk=footprint.pk).first()
    if request is None:
        return 0
    submitted = request.submitted_at.isoformat() if request.submitted_at else ""
    notification = notification_create(
        organisation=verifier,
        kind=NotificationKind.VERIFICATION_REQUESTED,
        dedupe_key=f"verification.requested:{request.pk}:{submitted}",
        obj=request,
        data={
            **footprint_facts(request),
            **organisation_facts("producer", request.organisation),
            "statement_date": request.verification_statement_date.isoformat()
            if request.verification_statement_date
            else "",
        },
    )
    return int(notification is not None)


@transaction.atomic
def producer_notify_verification_answered(*, decision_id: str) -> int:
    """Tell the producer that the platform verifier confirmed or declined (with its comment)
    a submission of its footprint: once per answer. Returns how many notifications were new."""
    decision = (
        VerificationDecision.objects.select_related(
            "verifier", "footprint__organisation", "footprint__product"
        )
        .filter(pk=decision_id)
        .first()
    )
    if decision is None:
        return 0
    footprint = decision.footprint
    declined = decision.outcome == VerificationOutcome.DECLINED
    notification = notification_create(
        organisation=footprint.organisation,
        kind=NotificationKind.VERIFICATION_DECLINED
        if declined
        else NotificationKind.VERIFICATION_CONFIRMED,
        dedupe_key=f"verification.{decision.outcome}:{decision.pk}",
        obj=footprint,
        data={
            **footprint_facts(footprint),
            **organisation_facts("verifier", decision.verifier),
            "decision": str(decision.pk),
            "comment": decision.comment,
        },
    )
    return int(notification is not None)
