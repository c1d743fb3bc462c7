"""Events the platform sends to partners (``PactDelivery``), as work rows.

``delivery_enqueue`` writes the row and its first job in the caller's transaction. Each
attempt (``delivery_attempt``, the job's handler) POSTs the stored body with the partner's
token: a 2xx marks it delivered; any other answer or no answer records the attempt and sets
``next_attempt_at`` by exponential back-off (1 min, 2 min, 4 min … capped at 1 h), until
``deadline`` (created + ``PACT_DELIVERY_HOURS``, 72 h: the specification's "SHOULD NOT retry
for more than 3 days") has passed, when it fails. The retries are not held in the broker:
``deliveries_due`` (periodic) starts a job for every pending row whose time has come, so a
lost worker, a lost message or a flushed Redis loses nothing.
"""

from __future__ import annotations

import json
import logging
import uuid
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from accounts.audit import Actor, audit_record
from core.jobs import job_create
from exchange.partners import client
from exchange.partners.models import (
    DELIVERY_TRANSITIONS,
    DeliveryStatus,
    InboundRequest,
    OutboundRequest,
    PactDelivery,
    PactPartner,
)
from exchange.partners.services.outbound_status import outbound_delivery_finished

logger = logging.getLogger(__name__)

DELIVERY_JOB = "partners.deliver"
FIRST_RETRY_SECONDS = 60
MAX_RETRY_SECONDS = 3600


def event_source() -> str:
    """This platform's ``source`` in the events it sends: where its Action Events endpoint is
    (``https://<public address>/3/events``); a partner answers a request there."""
    return f"{settings.SITE_URL.rstrip('/')}/3/events"


def cloud_event(
    *, event_type: str, data: dict[str, Any], event_id: str | None = None
) -> dict[str, Any]:
    return {
        "type": event_type,
        "specversion": "1.0",
        "id": event_id or str(uuid.uuid4()),
        "source": event_source(),
        "time": timezone.now().strftime("%Y-%m-%dT%H:%M:%SZ"),
        "data": data,
    }


def retry_delay(attempts: int) -> timedelta:
    """Wait after the ``attempts``-th failed attempt: 1, 2, 4 … minutes, at most one hour."""
    return timedelta(
        seconds=min(FIRST_RETRY_SECONDS * 2 ** max(attempts - 1, 0), MAX_RETRY_SECONDS)
    )


def delivery_enqueue(
    *,
    partner: PactPartner,
    target_url: str,
    event: dict[str, Any],
    outbound_request: OutboundRequest | None = None,
    inbound_request: InboundRequest | None = None,
    body: bytes | None = None,
) -> PactDelivery:
    """Record one event to send to ``target_url`` and start its first attempt after commit.
    ``body`` (the exact bytes to send) defaults to the compact JSON of ``event``; the same
    ``event["id"]`` twice is one delivery."""
    existing = PactDelivery.objects.filter(event_id=event["id"]).first()
    if existing is not None:
        return existing
    now = timezone.now()
    delivery = PactDelivery.objects.create(
        organisation=partner.organisation,
        partner=partner,
        event_type=event["type"],
        event_id=event["id"],
        target_url=target_url,
        body=body if body is not None else client.document_bytes(event),
        outbound_request=outbound_request,
        inbound_request=inbound_request,
        deadline=now + timedelta(hours=settings.PACT_DELIVERY_HOURS),
        next_attempt_at=now,
    )
    _job_for(delivery, attempt=1)
    return delivery


def _job_for(delivery: PactDelivery, *, attempt: int) -> None:
    job_create(
        kind=DELIVERY_JOB,
        payload={"delivery_id": str(delivery.pk)},
        organisation_id=delivery.organisation_id,
        idempotency_key=f"{DELIVERY_JOB}:{delivery.pk}:{attempt}",
    )


def delivery_attempt(*, delivery_id: str, now: datetime | None = None) -> str:
    """One attempt; idempotent (a delivered or failed row, or one not yet due, is left as it
    is). Returns the row's status afterwards."""
    now = now or timezone.now()
    delivery = PactDelivery.objects.select_related("partner").get(pk=delivery_id)
    if delivery.status != DeliveryStatus.PENDING:
        return delivery.status
    if delivery.next_attempt_at and delivery.next_attempt_at > now:
        return delivery.status
    if now >= delivery.deadline:
        return _finish(delivery, DeliveryStatus.FAILED, now=now)
    try:
        status_code = client.post_event(delivery.partner, delivery.target_url, bytes(delivery.body))
    except client.PartnerError as error:
        return _failed_attempt(delivery, error, now=now)
    return _finish(delivery, DeliveryStatus.DELIVERED, now=now, status_code=status_code)


@transaction.atomic
def _failed_attempt(delivery: PactDelivery, error: client.PartnerError, *, now: datetime) -> str:
    locked = PactDelivery.objects.select_for_update().get(pk=delivery.pk)
    if locked.status != DeliveryStatus.PENDING:
        return locked.status
    locked.attempts += 1
    locked.last_status_code = error.status
    locked.last_error = error.message[:2000]
    locked.next_attempt_at = now + retry_delay(locked.attempts)
    if locked.next_attempt_at >= locked.deadline:
        locked.save(update_fields=["attempts", "last_status_code", "last_error", "next_attempt_at"])
        return _finish(locked, DeliveryStatus.FAILED, now=now)
    locked.save(update_fields=["attempts", "last_status_code", "last_error", "next_attempt_at"])
    logger.info(
        "PACT delivery %s failed (%s); next at %s", locked.pk, error.message, locked.next_attempt_at
    )
    return locked.status


@transaction.atomic
def _finish(
    delivery: PactDelivery, to: str, *, now: datetime, status_code: int | None = None
) -> str:
    locked = PactDelivery.objects.select_for_update().get(pk=delivery.pk)
    if locked.status != DeliveryStatus.PENDING:
        return locked.status
    DELIVERY_TRANSITIONS.check(status=locked.status, to=to)
    locked.status = to
    if to == DeliveryStatus.DELIVERED:
        locked.attempts += 1
        locked.delivered_at = now
        locked.last_status_code = status_code
        locked.last_error = ""
    locked.next_attempt_at = None
    locked.save()
    audit_record(
        actor=Actor.platform("pact-delivery"),
        organisation=locked.organisation,
        action=f"pact_delivery.{to}",
        obj=locked,
        after={
            "event_type": locked.event_type,
            "event_id": locked.event_id,
            "target_url": locked.target_url,
            "attempts": locked.attempts,
            "last_error": locked.last_error,
        },
    )
    # The request this event carries follows its delivery (sent, or undeliverable).
    outbound_delivery_finished(delivery=locked)
    return to


def deliveries_due(*, now: datetime | None = None) -> list[str]:
    """Start the next attempt of every pending delivery whose time has come (periodic); the
    job's idempotency key (delivery, attempt) makes a second call start nothing new."""
    now = now or timezone.now()
    started = []
    for delivery in PactDelivery.objects.filter(
        status=DeliveryStatus.PENDING, next_attempt_at__lte=now
    ).order_by("next_attempt_at")[:500]:
        with transaction.atomic():
            _job_for(delivery, attempt=delivery.attempts + 1)
        started.append(str(delivery.pk))
    return started


def delivery_body(delivery: PactDelivery) -> dict[str, Any]:
    parsed: dict[str, Any] = json.loads(bytes(delivery.body))
    return parsed
