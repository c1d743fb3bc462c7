"""Quick sharing worlds for tests: published (signed) footprints, requests and grants,
built directly (the full publishing pipeline is exercised in tests/suppliers and in
test_grants_api.py's correction test)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from accounts.models import Organisation
from accounts.services.signing_keys import document_sign
from exchange.sharing.models import FootprintRequest, Grant, GrantedFootprint, Notification
from suppliers.models import Footprint
from tests.factories import FootprintFactory, OrganisationFactory


def published_footprint(organisation: Organisation, **fields: Any) -> Footprint:
    """A published footprint signed with the organisation's real key (a small document)."""
    footprint = FootprintFactory(organisation=organisation, **fields)
    with transaction.atomic():
        signed = document_sign(
            organisation=organisation,
            document={"id": str(footprint.pk), "productNameCompany": footprint.product.name},
        )
    footprint.status = "published"
    footprint.signed_document = signed.payload
    footprint.signature = signed.jws
    footprint.signing_kid = signed.kid
    footprint.published_at = signed.signed_at
    footprint.save()
    return footprint


def open_request(
    buyer: Organisation, supplier: Organisation | None, **fields: Any
) -> FootprintRequest:
    values: dict[str, Any] = {
        "cn_code": "72083900",
        "period_start": date(2026, 1, 1),
        "period_end": date(2026, 12, 31),
        "due_date": timezone.localdate() + timedelta(days=30),
    }
    values.update(fields)
    return FootprintRequest.objects.create(buyer=buyer, supplier=supplier, **values)


def grant_of(supplier: Organisation, buyer: Organisation, *footprints: Footprint) -> Grant:
    grant = Grant.objects.create(supplier=supplier, buyer=buyer)
    for footprint in footprints:
        GrantedFootprint.objects.create(grant=grant, footprint=footprint, lineage=footprint.lineage)
    return grant


def shared_with(buyer: Organisation) -> Footprint:
    """A published footprint of a new supplier, shared with ``buyer`` by a live grant."""
    supplier = OrganisationFactory()
    footprint = published_footprint(supplier)
    grant_of(supplier, buyer, footprint)
    return footprint


def notification_for(organisation: Organisation, key: str = "sample") -> Notification:
    return Notification.objects.create(
        organisation=organisation,
        kind="request.received",
        subject="A request",
        body="Someone asks for a footprint.",
        dedupe_key=key,
    )
