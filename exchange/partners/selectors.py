"""Reads of the partners app for other apps' pages."""

from __future__ import annotations

from typing import Any, TypeVar

from django.db.models import Model, OuterRef, QuerySet, Subquery

from exchange.partners.models import InboundRequest

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
