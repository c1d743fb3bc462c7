"""The platform as a PACT host answering requests: ``RequestCreatedEvent.3`` received on
``POST /3/events`` (an ``InboundRequest``) and the events that answer it.

The requester is the organisation of the machine client that sent the event; the answer goes
to ``callback_url(source)`` of its registered partner (``routing.partner_for_event``).

1. Footprints the requester can already read (its own and those granted to it) matching the
   criteria answer it at once: ``RequestFulfilledEvent.3`` with those documents.
2. Otherwise the published footprints of other organisations that match are grouped by their
   owner (the supplier), whose sharing policy for the requester decides
   (``exchange.sharing.services.policies``): ``ALL_PUBLISHED`` grants them and fulfils at once;
   ``SHARED_PRODUCTS`` does the same for the products the supplier already shares with the
   requester (a live grant on a footprint of that product), the other products go to a person;
   ``REJECT`` rejects with the supplier's reason; ``MANUAL`` (or no policy) puts one
   ``FootprintRequest`` per product in the supplier's inbox (buyer: the requester), linked to
   the inbound request. When the supplier fulfils or rejects it, ``inbound_request_answer``
   (an audit listener, ``exchange.partners.listeners``) sends the answer.
3. Nothing matches anywhere: ``RequestRejectedEvent.3`` with ``NotFound``.

The specification asks for a single answer per request; when several suppliers are asked,
the platform sends one event per supplier's answer (each supplier decides on its own, at its
own time). The inbound request is answered (its status final) when no linked footprint
request is open any more: fulfilled if any answer fulfilled it, else rejected.

Every ``pfs`` is the stored signed documents, joined as bytes (as ``GET /3/footprints``
serves them), never re-serialised.
"""

from __future__ import annotations

import json
import uuid
from collections import defaultdict
from collections.abc import Iterable
from datetime import date, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.audit import Actor, audit_record
from accounts.models import ApiClient, Organisation
from exchange.partners import client
from exchange.partners.errors import EventRefused
from exchange.partners.models import (
    INBOUND_REQUEST_TRANSITIONS,
    InboundRequest,
    InboundRequestStatus,
    PactDelivery,
)
from exchange.partners.services.deliveries import cloud_event, delivery_enqueue
from exchange.partners.services.routing import callback_url, partner_for_event
from exchange.sharing.models import (
    FootprintRequest,
    GrantedFootprint,
    PolicyRule,
    RequestStatus,
)
from exchange.sharing.selectors import pact_footprints_visible_to, served_document
from exchange.sharing.services.grants import grant_share
from exchange.sharing.services.policies import policy_for
from exchange.sharing.services.requests import RequestInput, request_send
from suppliers.models import Footprint, FootprintStatus
from suppliers.pact.events import (
    EVENT_REQUEST_FULFILLED,
    EVENT_REQUEST_REJECTED,
    EventMalformed,
    request_criteria,
    request_criteria_json,
)
from suppliers.pact.filters import FootprintFilter, documents_matching, validity_period

INBOUND_RECEIVED = "pact_inbound_request.received"
INBOUND_ANSWERED = "pact_inbound_request.answered"
#: How long a supplier has to answer a request that arrived by PACT.
DUE_DAYS = 30
_CHUNK = 500
SYSTEM = Actor.platform("pact-requests")


def _documents(rows: Any, criteria: FootprintFilter) -> list[tuple[Any, bytes]]:
    return documents_matching(
        ((pk, bytes(document or b"")) for pk, document in rows.iterator(chunk_size=_CHUNK)),
        criteria,
    )


def _fulfilled_body(event: dict[str, Any], documents: list[bytes]) -> bytes:
    """The compact JSON of ``event`` with ``data.pfs`` the stored documents, byte for byte."""
    skeleton = client.document_bytes({**event, "data": {**event["data"], "pfs": []}})
    placeholder = b'"pfs":[]'
    assert skeleton.count(placeholder) == 1
    return skeleton.replace(placeholder, b'"pfs":[' + b",".join(documents) + b"]")


def _answer_fulfilled(inbound: InboundRequest, documents: list[bytes]) -> PactDelivery:
    data: dict[str, Any] = {
        "requestEventId": inbound.event_id,
        "pfs": [json.loads(d) for d in documents],
    }
    event = cloud_event(event_type=EVENT_REQUEST_FULFILLED, data=data)
    return delivery_enqueue(
        partner=inbound.partner,
        target_url=inbound.callback_url,
        event=event,
        inbound_request=inbound,
        body=_fulfilled_body(event, documents),
    )


def _answer_rejected(inbound: InboundRequest, code: str, message: str) -> PactDelivery:
    event = cloud_event(
        event_type=EVENT_REQUEST_REJECTED,
        data={"requestEventId": inbound.event_id, "error": {"code": code, "message": message}},
    )
    return delivery_enqueue(
        partner=inbound.partner,
        target_url=inbound.callback_url,
        event=event,
        inbound_request=inbound,
    )


def _settle(inbound: InboundRequest) -> None:
    """Make the request's status final once no linked footprint request is open."""
    if inbound.status != InboundRequestStatus.OPEN:
        return
    if inbound.footprint_requests.filter(status=RequestStatus.OPEN).exists():
        return
    fulfilled = inbound.deliveries.filter(event_type=EVENT_REQUEST_FULFILLED).exists()
    to = InboundRequestStatus.FULFILLED if fulfilled else InboundRequestStatus.REJECTED
    INBOUND_REQUEST_TRANSITIONS.check(status=inbound.status, to=to)
    inbound.status = to
    inbound.answered_at = timezone.now()
    inbound.save(update_fields=["status", "answered_at"])
    audit_record(
        actor=SYSTEM,
        organisation=inbound.requester,
        action=INBOUND_ANSWERED,
        obj=inbound,
        before={"status": InboundRequestStatus.OPEN},
        after={"status": to, "event_id": inbound.event_id},
    )


def _criteria_words(criteria: dict[str, Any]) -> str:
    if not criteria:
        return "no criteria"
    return "; ".join(
        f"{name}={', '.join(value) if isinstance(value, list) else value}"
        for name, value in criteria.items()
    )


def _period(document: bytes, footprint: Footprint) -> tuple[date, date]:
    """The period a supplier is asked for: the matched footprint's validity (end excluded),
    else the footprint's own period."""
    period = validity_period(json.loads(document))
    if period is None:
        return footprint.period_start, footprint.period_end
    start, end = period[0].date(), (period[1] - timedelta(microseconds=1)).date()
    return start, max(start, end)


def _ask_supplier(
    inbound: InboundRequest,
    machine_client: ApiClient | None,
    matched: Iterable[tuple[Footprint, bytes]],
) -> None:
    """One ``FootprintRequest`` per product in the supplier's inbox, sent as the requester's
    machine client, linked to the inbound request."""
    by_product: dict[uuid.UUID, tuple[Footprint, bytes]] = {}
    for footprint, document in matched:
        by_product.setdefault(footprint.product_id, (footprint, document))
    actor = Actor(client=machine_client) if machine_client is not None else SYSTEM
    today = timezone.localdate()
    for footprint, document in by_product.values():
        start, end = _period(document, footprint)
        request = request_send(
            actor=actor,
            buyer=inbound.requester,
            data=RequestInput(
                supplier=footprint.organisation.slug,
                supplier_product=footprint.product_id,
                period_start=start,
                period_end=end,
                due_date=today + timedelta(days=DUE_DAYS),
                message=inbound.comment,
            ),
            today=today,
        )
        inbound.footprint_requests.add(request)


def _shared_products(supplier: Organisation, buyer: Organisation) -> set[uuid.UUID]:
    return set(
        GrantedFootprint.objects.filter(
            grant__supplier=supplier, grant__buyer=buyer, grant__revoked_at__isnull=True
        ).values_list("footprint__product_id", flat=True)
    )


def _ask_others(
    inbound: InboundRequest, machine_client: ApiClient | None, criteria: FootprintFilter
) -> bool:
    """Step 2; False when no other organisation's published footprint matches."""
    rows = (
        Footprint.objects.filter(status=FootprintStatus.PUBLISHED, signed_document__isnull=False)
        .exclude(organisation=inbound.requester)
        .order_by("id")
        .values_list("id", "signed_document")
    )
    found = dict(_documents(rows, criteria))
    if not found:
        return False
    footprints = Footprint.objects.filter(pk__in=found).select_related("organisation")
    by_supplier: dict[int, list[tuple[Footprint, bytes]]] = defaultdict(list)
    suppliers: dict[int, Organisation] = {}
    for footprint in sorted(footprints, key=lambda f: str(f.pk)):
        by_supplier[footprint.organisation_id].append((footprint, found[footprint.pk]))
        suppliers[footprint.organisation_id] = footprint.organisation
    for supplier_id, matched in by_supplier.items():
        supplier = suppliers[supplier_id]
        policy = policy_for(supplier, inbound.requester)
        if policy.rule == PolicyRule.REJECT:
            _answer_rejected(inbound, "AccessDenied", policy.reason)
            continue
        automatic = matched
        if policy.rule == PolicyRule.SHARED_PRODUCTS:
            shared = _shared_products(supplier, inbound.requester)
            automatic = [(f, d) for f, d in matched if f.product_id in shared]
        elif policy.rule != PolicyRule.ALL_PUBLISHED:
            automatic = []
        if automatic:
            grant_share(
                actor=SYSTEM,
                supplier=supplier,
                buyer=inbound.requester,
                footprints=[f for f, _ in automatic],
            )
            _answer_fulfilled(inbound, [d for _, d in automatic])
        manual = [(f, d) for f, d in matched if (f, d) not in automatic]
        if manual:
            _ask_supplier(inbound, machine_client, manual)
    return True


@transaction.atomic
def inbound_request_receive(
    *, organisation: Organisation, machine_client: ApiClient | None, event: dict[str, Any]
) -> InboundRequest:
    """Accept a ``RequestCreatedEvent.3`` (already parsed, ``suppliers.pact.events``) sent by
    ``organisation``'s ``machine_client`` and answer it or ask the suppliers (see the
    module). Idempotent: the same event again (same requester, source and id) returns the
    first request and changes nothing. Raises ``EventRefused`` (nothing written) when the
    source is no registered partner of the organisation or the criteria are invalid."""
    source, event_id = event["source"], event["id"]
    existing = InboundRequest.objects.filter(
        requester=organisation, source=source, event_id=event_id
    ).first()
    if existing is not None:
        return existing
    partner = partner_for_event(
        organisation=organisation, machine_client=machine_client, source=source
    )
    try:
        criteria, comment = request_criteria(event["data"])
    except EventMalformed as error:
        raise EventRefused("BadRequest", error.message) from None
    stored_criteria = request_criteria_json(event["data"])
    try:
        with transaction.atomic():
            inbound = InboundRequest.objects.create(
                requester=organisation,
                partner=partner,
                machine_client=machine_client,
                event_id=event_id,
                source=source,
                callback_url=callback_url(source),
                criteria=stored_criteria,
                comment=comment,
                event=event,
            )
    except IntegrityError:  # the same event, received twice at once
        return InboundRequest.objects.get(requester=organisation, source=source, event_id=event_id)
    audit_record(
        actor=Actor(client=machine_client) if machine_client is not None else SYSTEM,
        organisation=organisation,
        action=INBOUND_RECEIVED,
        obj=inbound,
        after={"event_id": event_id, "partner": str(partner.pk), "criteria": stored_criteria},
    )
    readable = _documents(
        pact_footprints_visible_to(organisation=organisation).values_list("id", served_document()),
        criteria,
    )
    if readable:
        _answer_fulfilled(inbound, [document for _, document in readable])
    elif not _ask_others(inbound, machine_client, criteria):
        _answer_rejected(
            inbound,
            "NotFound",
            f"No footprint matches the request: {_criteria_words(stored_criteria)}.",
        )
    _settle(inbound)
    return inbound


def inbound_request_answer(*, request: FootprintRequest, after: dict[str, Any]) -> None:
    """A supplier fulfilled or rejected a ``FootprintRequest`` that arrived by PACT: answer
    each open inbound request linked to it (fulfilled with the granted footprints' stored
    documents, rejected with ``AccessDenied`` and the supplier's reason), in the caller's
    transaction."""
    inbounds = InboundRequest.objects.filter(
        footprint_requests=request, status=InboundRequestStatus.OPEN
    ).select_related("partner", "requester")
    for inbound in inbounds:
        if request.status == RequestStatus.FULFILLED:
            ids = [uuid.UUID(i) for i in after.get("footprints", [])]
            documents = dict(
                Footprint.objects.filter(pk__in=ids).values_list("id", served_document())
            )
            _answer_fulfilled(inbound, [bytes(documents[i]) for i in ids if documents.get(i)])
        elif request.status == RequestStatus.REJECTED:
            _answer_rejected(inbound, "AccessDenied", request.reason)
        _settle(inbound)
