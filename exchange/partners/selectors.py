"""Reads of the partners app, always scoped to one organisation: another organisation's
partner or fetched footprint is ``DoesNotExist`` (pages answer 404); for the exchange pages of
one partner (the platform as a PACT client), the requests sent to it with their answers, the
events delivered to it and the work rows that fetched its footprints; and, for other apps'
pages, where a footprint request that arrived by PACT came from."""

from __future__ import annotations

from typing import Any, TypeVar

from django.db.models import Model, OuterRef, Prefetch, QuerySet, Subquery

from accounts.models import Organisation
from core.errors import NotFound
from core.models import Job
from exchange.partners.models import (
    FetchedFootprint,
    InboundRequest,
    OutboundRequest,
    PactDelivery,
    PactPartner,
)
from exchange.partners.services.fetching import FETCH_JOB

#: Rows shown per list on a partner's exchange page.
SHOWN = 50


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


def outbound_requests_to(*, partner: PactPartner) -> QuerySet[OutboundRequest]:
    """The requests sent to ``partner``, newest first, with the footprints that answered them
    (their facts only: the documents stay in the database)."""
    return (
        OutboundRequest.objects.filter(partner=partner)
        .prefetch_related(
            Prefetch(
                "footprints",
                queryset=FetchedFootprint.objects.defer("document", "problems").order_by("pf_id"),
            )
        )
        .order_by("-created_at", "id")
    )


def deliveries_to(*, partner: PactPartner) -> QuerySet[PactDelivery]:
    """The events sent to ``partner``, newest first (without their bodies)."""
    return PactDelivery.objects.filter(partner=partner).defer("body").order_by("-created_at", "id")


def fetch_jobs_of(*, partner: PactPartner) -> QuerySet[Job]:
    """The work rows that fetched ``partner``'s footprints, newest first."""
    return Job.objects.filter(
        kind=FETCH_JOB,
        organisation_id=partner.organisation_id,
        payload__partner_id=str(partner.pk),
    ).order_by("-pk")


def fetch_job_of(*, partner: PactPartner, job_id: object) -> Job:
    """One fetch of ``partner``; ``NotFound`` for any other work row (another partner's
    fetch too)."""
    pk = int(str(job_id)) if str(job_id).isdigit() else None
    job = fetch_jobs_of(partner=partner).filter(pk=pk).first() if pk is not None else None
    if job is None:
        raise NotFound("No such fetch.")
    return job


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
