"""Where a request the platform sent stands (``OutboundRequest.status``): moved by its
delivery (``outbound_delivery_finished``, called when a ``PactDelivery`` ends) and by the
partner's answer (``exchange.partners.services.answers``). Apart from ``outbound`` so that the
deliveries, which ``outbound`` uses, can call it."""

from __future__ import annotations

from django.utils import timezone

from accounts.audit import Actor, audit_record
from exchange.partners.models import (
    OUTBOUND_REQUEST_TRANSITIONS,
    DeliveryStatus,
    OutboundRequest,
    OutboundRequestStatus,
    PactDelivery,
)


def outbound_request_move(
    *,
    actor: Actor,
    request: OutboundRequest,
    to: str,
    error_code: str = "",
    error_message: str = "",
) -> bool:
    """Move a request (locked) to ``to``; False, nothing written, when it is already there.
    Audit ``pact_request.<to>``. The caller holds the transaction."""
    locked = OutboundRequest.objects.select_for_update().get(pk=request.pk)
    if locked.status == to:
        return False
    OUTBOUND_REQUEST_TRANSITIONS.check(status=locked.status, to=to)
    before = locked.status
    locked.status = to
    update = ["status"]
    if to in (OutboundRequestStatus.FULFILLED, OutboundRequestStatus.REJECTED):
        locked.answered_at = timezone.now()
        locked.error_code = error_code[:40]
        locked.error_message = error_message
        update += ["answered_at", "error_code", "error_message"]
    locked.save(update_fields=update)
    audit_record(
        actor=actor,
        organisation=locked.organisation,
        action=f"pact_request.{to}",
        obj=locked,
        before={"status": before},
        after={"status": to, "error_code": locked.error_code},
    )
    request.status = locked.status
    request.answered_at = locked.answered_at
    request.error_code, request.error_message = locked.error_code, locked.error_message
    return True


def outbound_delivery_finished(*, delivery: PactDelivery) -> None:
    """The delivery of a request's event ended: delivered → ``sent``, failed →
    ``undeliverable``. A request answered already (a fast partner) stays answered."""
    if delivery.outbound_request_id is None:
        return
    request = OutboundRequest.objects.get(pk=delivery.outbound_request_id)
    if request.status != OutboundRequestStatus.SENDING:
        return
    to = (
        OutboundRequestStatus.SENT
        if delivery.status == DeliveryStatus.DELIVERED
        else OutboundRequestStatus.UNDELIVERABLE
    )
    outbound_request_move(actor=Actor.platform("pact-delivery"), request=request, to=to)
