"""Reads of the partners app, always scoped to one organisation: another organisation's
partner or fetched footprint is ``DoesNotExist`` (pages answer 404); and, for other apps'
pages, where a footprint request that arrived by PACT came from."""

from __future__ import annotations

from typing import Any, TypeVar

from django.db.models import Model, OuterRef, QuerySet, Subquery

from accounts.models import Organisation
from exchange.partners.models import FetchedFootprint, InboundRequest, PactPartner


def partners_of(*, organisation: Organisation, active_only: bool = False) -> QuerySet[PactPartner]:
    """The organisation's registered partner hosts (archived ones too unless ``active_only``),
    by name, with their machine client."""
    partners = PactPartner.objects.filter(organisation=organisation).select_related(
        "machine_client"
    )
    if active_only:
        partners = partners.filter(archived_at__isnull=True)
    return partners.order_by("archived_at", "name", "id")


def partner_get(*, organisation: Organisation, partner_id: Any) -> PactPartner:
    """One of the organisation's partners; ``PactPartner.DoesNotExist`` for any other."""
    return partners_of(organisation=organisation).get(pk=partner_id)


def fetched_footprints_of(
    *,
    organisation: Organisation,
    partner: PactPartner | None = None,
    current_only: bool = False,
) -> QuerySet[FetchedFootprint]:
    """Footprints the organisation fetched from its partners (of ``partner`` only when
    given), newest first, without their stored bytes (``document`` is deferred);
    ``current_only``: not superseded by a newer row."""
    fetched = (
        FetchedFootprint.objects.filter(organisation=organisation)
        .select_related("partner")
        .defer("document")
    )
    if partner is not None:
        fetched = fetched.filter(partner=partner)
    if current_only:
        fetched = fetched.filter(superseded_by__isnull=True)
    return fetched.order_by("-received_at", "id")


def fetched_get(*, organisation: Organisation, fetched_id: Any) -> FetchedFootprint:
    """One fetched footprint of the organisation, with its stored bytes;
    ``FetchedFootprint.DoesNotExist`` for another organisation's."""
    return (
        FetchedFootprint.objects.filter(organisation=organisation)
        .select_related("partner", "superseded_by")
        .get(pk=fetched_id)
    )


M = TypeVar("M", bound=Model)


def with_pact_origin(requests: QuerySet[M, Any]) -> QuerySet[M, Any]:
    """Footprint requests annotated, in the same query, with where a request that arrived by
    PACT came from: ``pact_partner_name`` and ``pact_event_id`` (None for a request sent on
    the platform)."""
    inbound = InboundRequest.objects.filter(footprint_requests=OuterRef("pk")).order_by(
        "received_at"
    )
    return requests.annotate(
        pact_partner_name=Subquery(inbound.values("partner__name")[:1]),
        pact_event_id=Subquery(inbound.values("event_id")[:1]),
    )
