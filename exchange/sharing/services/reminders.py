"""A buyer reminds a supplier of an open footprint request, from its chase list.

A supplier on the platform gets the "due" notification (in the platform and by e-mail, as the
periodic reminder sends it); a company invited by e-mail that has not joined gets the invitation
e-mail again. At most once a day per request (the notification's dedupe key, the e-mail work
row's idempotency key), so a double click or a second person does not spam the supplier. The
periodic reminder (``deadlines.requests_remind_due``) is not affected: it keeps its own once-only
mark.
"""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone

from accounts.audit import Actor, audit_record
from cbam.messages import gettext_noop
from core.errors import Conflict
from core.jobs import job_create
from core.models import Job
from exchange.sharing.models import FootprintRequest, NotificationKind, RequestStatus
from exchange.sharing.services.notifications import notification_create
from exchange.sharing.services.requests import INVITATION_JOB, request_summary
from exchange.sharing.texts import request_facts


@transaction.atomic
def request_remind(
    *, actor: Actor, request: FootprintRequest, today: date | None = None
) -> FootprintRequest:
    """Remind the supplier of ``request`` (the buyer's own, open) now. Refused (409) when the
    request is no longer open, or was reminded by the buyer today already."""
    today = today or timezone.localdate()
    locked = (
        FootprintRequest.objects.select_for_update(of=("self",))
        .select_related("buyer", "supplier", "supplier_product")
        .get(pk=request.pk)
    )
    if locked.status != RequestStatus.OPEN:
        raise Conflict(
            gettext_noop(
                "This request is %(status)s; only an open request can be reminded.",
                status=locked.status,
            )
        )
    already = gettext_noop(
        "The supplier was reminded of this request today already; try again tomorrow."
    )
    if locked.supplier is not None:
        reminded = notification_create(
            organisation=locked.supplier,
            kind=NotificationKind.REQUEST_DUE_SOON,
            dedupe_key=f"request.reminded:{locked.pk}:{today.isoformat()}",
            obj=locked,
            data=request_facts(locked),
        )
        if reminded is None:
            raise Conflict(already)
    else:
        key = f"{INVITATION_JOB}:{locked.pk}:reminder:{today.isoformat()}"
        if Job.objects.filter(idempotency_key=key).exists():
            raise Conflict(already)
        job_create(
            kind=INVITATION_JOB,
            payload={"request_id": str(locked.pk)},
            organisation_id=locked.buyer_id,
            idempotency_key=key,
        )
    audit_record(
        actor=actor,
        organisation=locked.buyer,
        action="footprint_request.reminded_by_buyer",
        obj=locked,
        after=request_summary(locked),
    )
    return locked
