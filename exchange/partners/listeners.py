"""Audit listeners of the partners app (registered by ``PartnersConfig.ready()``): they run
inside the transaction that records the event and only write the answer's delivery row
(its job runs after commit)."""

from __future__ import annotations

from accounts.audit import audit_listen
from accounts.models import AuditEvent
from exchange.partners.services.inbound import inbound_request_answer
from exchange.sharing import events as sharing_events
from exchange.sharing.models import FootprintRequest


@audit_listen(sharing_events.REQUEST_FULFILLED, sharing_events.REQUEST_REJECTED)
def on_footprint_request_answered(event: AuditEvent) -> None:
    """A supplier answered a footprint request: if it arrived by PACT, the partner is told."""
    request = FootprintRequest.objects.filter(
        pk=event.object_id, pact_inbound__isnull=False
    ).first()
    if request is None:
        return
    inbound_request_answer(request=request, after=event.after or {})
