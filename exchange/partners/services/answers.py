"""Events a partner sends to the platform as a host of its client's answers (POST /3/events,
with the token of the platform's machine client the partner uses):

- ``RequestFulfilledEvent.3``: ``data.requestEventId`` names a request the organisation sent
  (``OutboundRequest.event_id``); every footprint of ``data.pfs`` is stored
  (``fetched_store``, origin "fulfilled") and linked to it; it becomes ``fulfilled``;
- ``RequestRejectedEvent.3``: it becomes ``rejected`` with ``data.error`` {code, message};
- ``PublishedEvent.3``: ``data.pfIds`` are fetched by a work row (``partners.fetch_published``):
  each id that is a UUID with GetFootprint (origin "published"); any other id (a URN, which
  GetFootprint cannot take) is recorded in the work row's result as not fetchable.

The view has checked the CloudEvents envelope (type, id, source, specversion, ``data`` an
object). What these services refuse is an ``EventRefused`` (PACT's code and a message naming
the field), and nothing is written. The same answer twice changes nothing the second time.

An answer notifies the organisation that sent the request (``pact.fulfilled`` or
``pact.rejected``: in the platform and by e-mail, linked to the partner's exchange page), in
the answer's transaction, once per request.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from accounts.audit import Actor
from accounts.models import ApiClient, Organisation
from core.jobs import TransientJobError, job_create
from core.models import Job
from exchange.partners import client
from exchange.partners.errors import EventRefused
from exchange.partners.models import (
    FetchedOrigin,
    OutboundRequest,
    OutboundRequestStatus,
    PactPartner,
)
from exchange.partners.services.fetching import fetched_store, partner_fetch_one
from exchange.partners.services.outbound import criteria_text
from exchange.partners.services.outbound_status import outbound_request_move
from exchange.partners.services.routing import partner_for_event
from exchange.sharing.models import NotificationKind
from exchange.sharing.services.notifications import notification_create
from suppliers.pact.events import EventMalformed, published_ids

FETCH_PUBLISHED_JOB = "partners.fetch_published"


def _actor(machine_client: ApiClient | None) -> Actor:
    return Actor(client=machine_client) if machine_client is not None else Actor.platform("pact")


def _data(event: dict[str, Any]) -> dict[str, Any]:
    data: dict[str, Any] = event["data"]
    return data


def _request_of(
    *, organisation: Organisation, partner: PactPartner, data: dict[str, Any]
) -> OutboundRequest:
    event_id = data.get("requestEventId")
    if not isinstance(event_id, str) or not event_id.strip():
        raise EventRefused(
            "BadRequest",
            "data.requestEventId must be the id (a string) of the RequestCreatedEvent this "
            "event answers.",
        )
    request = OutboundRequest.objects.filter(
        organisation=organisation, partner=partner, event_id=event_id
    ).first()
    if request is None:
        raise EventRefused(
            "NotFound",
            f"data.requestEventId {event_id!r} names no request {organisation.slug} sent to "
            "this partner.",
        )
    return request


def _refuse_if_answered_otherwise(request: OutboundRequest, answer: str) -> bool:
    """True when the request already has this answer (nothing to do); refused when it has
    another."""
    if request.status == answer:
        return True
    if request.status not in (OutboundRequestStatus.SENDING, OutboundRequestStatus.SENT):
        raise EventRefused(
            "BadRequest",
            f"the request {request.event_id!r} is already {request.status}; it takes no "
            "other answer.",
        )
    return False


def _answer_notify(request: OutboundRequest, kind: str, facts: dict[str, Any]) -> None:
    """Tell the organisation that sent ``request`` that its partner answered it (once)."""
    notification_create(
        organisation=request.organisation,
        kind=kind,
        dedupe_key=f"pact.answered:{request.pk}",
        obj=request,
        data={
            "partner": str(request.partner_id),
            "partner_name": request.partner.name,
            "outbound_request": str(request.pk),
            "criteria": criteria_text(request.criteria),
            **facts,
        },
    )


def event_fulfilled_receive(
    *, organisation: Organisation, machine_client: ApiClient | None, event: dict[str, Any]
) -> None:
    """``RequestFulfilledEvent.3``: store ``data.pfs`` and fulfil the request (see module)."""
    partner = partner_for_event(
        organisation=organisation, machine_client=machine_client, source=event["source"]
    )
    data = _data(event)
    pfs = data.get("pfs")
    if not isinstance(pfs, list) or not pfs or not all(isinstance(pf, dict) for pf in pfs):
        raise EventRefused(
            "BadRequest",
            "data.pfs must be a non-empty list of ProductFootprint objects.",
        )
    request = _request_of(organisation=organisation, partner=partner, data=data)
    with transaction.atomic():
        request = OutboundRequest.objects.select_for_update().get(pk=request.pk)
        if _refuse_if_answered_otherwise(request, OutboundRequestStatus.FULFILLED):
            return
        rows = [
            fetched_store(
                actor=_actor(machine_client),
                partner=partner,
                document=client.document_bytes(pf),
                origin=FetchedOrigin.FULFILLED,
                source_url=client.api_url(partner, "events"),
            )
            for pf in pfs
        ]
        request.footprints.add(*rows)
        outbound_request_move(
            actor=_actor(machine_client), request=request, to=OutboundRequestStatus.FULFILLED
        )
        _answer_notify(
            request,
            NotificationKind.PACT_FULFILLED,
            {
                "footprints": [str(row.pk) for row in rows],
                "footprint_names": [row.product_name or row.pf_id for row in rows],
            },
        )


def event_rejected_receive(
    *, organisation: Organisation, machine_client: ApiClient | None, event: dict[str, Any]
) -> None:
    """``RequestRejectedEvent.3``: the request is rejected with ``data.error``."""
    partner = partner_for_event(
        organisation=organisation, machine_client=machine_client, source=event["source"]
    )
    data = _data(event)
    error = data.get("error")
    if (
        not isinstance(error, dict)
        or not isinstance(error.get("code"), str)
        or not isinstance(error.get("message"), str)
    ):
        raise EventRefused(
            "BadRequest",
            'data.error must be an object {"code": "...", "message": "..."} saying why the '
            "request is rejected.",
        )
    request = _request_of(organisation=organisation, partner=partner, data=data)
    with transaction.atomic():
        request = OutboundRequest.objects.select_for_update().get(pk=request.pk)
        if _refuse_if_answered_otherwise(request, OutboundRequestStatus.REJECTED):
            return
        outbound_request_move(
            actor=_actor(machine_client),
            request=request,
            to=OutboundRequestStatus.REJECTED,
            error_code=error["code"],
            error_message=error["message"],
        )
        _answer_notify(
            request,
            NotificationKind.PACT_REJECTED,
            {"error_code": request.error_code, "error_message": request.error_message},
        )


def event_published_receive(
    *, organisation: Organisation, machine_client: ApiClient | None, event: dict[str, Any]
) -> None:
    """``PublishedEvent.3``: start the work row that fetches ``data.pfIds`` (the same event
    twice starts it once)."""
    partner = partner_for_event(
        organisation=organisation, machine_client=machine_client, source=event["source"]
    )
    try:
        pf_ids = published_ids(_data(event))
    except EventMalformed as error:
        raise EventRefused("BadRequest", f"{error.field}: {error.message}") from None
    with transaction.atomic():
        job_create(
            kind=FETCH_PUBLISHED_JOB,
            payload={
                "partner_id": str(partner.pk),
                "pf_ids": pf_ids,
                "event_id": event["id"],
                "client_id": str(machine_client.pk) if machine_client is not None else None,
            },
            organisation_id=organisation.pk,
            idempotency_key=f"{FETCH_PUBLISHED_JOB}:{partner.pk}:{str(event['id'])[:100]}",
        )


def published_fetch_run(*, job: Job) -> dict[str, Any]:
    """The work row ``partners.fetch_published``: GetFootprint each id; a partner out of
    reach retries the whole row (storing is idempotent); an id the partner refuses is
    recorded with its answer."""
    partner = PactPartner.objects.select_related("organisation").get(pk=job.payload["partner_id"])
    machine_client = ApiClient.objects.filter(pk=job.payload.get("client_id")).first()
    actor = _actor(machine_client)
    fetched: dict[str, str] = {}
    refused: dict[str, str] = {}
    for pf_id in job.payload["pf_ids"]:
        try:
            row = partner_fetch_one(
                actor=actor, partner=partner, pf_id=pf_id, origin=FetchedOrigin.PUBLISHED
            )
        except client.PartnerUnreachable as error:
            raise TransientJobError(error.message) from error
        except client.PartnerRefused as error:
            refused[pf_id] = error.message
        else:
            fetched[pf_id] = str(row.pk)
    return {"fetched": fetched, "refused": refused}
