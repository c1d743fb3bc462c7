"""Reacting to other apps' events without their code knowing about sharing.

``exchange.sharing.listeners`` listens to audit actions recorded elsewhere
(``footprint.deprecated``, ``signing_key.revoked``, ``organisation.created``,
``membership.created``). A listener runs inside the transaction of that change, so it only
creates a work row (``core.jobs.job_create``); the row's handler calls one function here,
after commit, in a worker. Notifications are deduplicated per organisation and event, so a
work row run twice notifies once.
"""

from __future__ import annotations

import uuid

from django.db import transaction

from accounts.models import Organisation
from exchange.sharing.models import NotificationKind
from exchange.sharing.selectors import SHAREABLE_STATUSES, buyers_with_live_grants
from exchange.sharing.services.notifications import notification_create
from exchange.sharing.texts import footprint_name, organisation_facts
from suppliers.models import Footprint, FootprintStatus

FOOTPRINT_DEPRECATED_JOB = "sharing.notify_footprint_deprecated"
SIGNING_KEY_REVOKED_JOB = "sharing.notify_signing_key_revoked"
INVITED_REQUESTS_JOB = "sharing.announce_invited_requests"


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
