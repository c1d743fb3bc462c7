"""Reads of the platform as a PACT client, for the pages of one partner: the partner itself
(another organisation's answers ``NotFound``), the requests sent to it with their answers, the
events delivered to it, and the work rows that fetched its footprints."""

from __future__ import annotations

import uuid

from django.db.models import Prefetch, QuerySet

from accounts.models import Organisation
from core.errors import NotFound
from core.models import Job
from exchange.partners.models import FetchedFootprint, OutboundRequest, PactDelivery, PactPartner
from exchange.partners.services.fetching import FETCH_JOB

#: Rows shown per list on a partner's page.
SHOWN = 50


def partner_of_organisation(*, organisation: Organisation, partner_id: object) -> PactPartner:
    """``organisation``'s partner (archived ones too: their history stays readable)."""
    try:
        pk = uuid.UUID(str(partner_id))
    except ValueError:
        raise NotFound("No such partner.") from None
    partner = PactPartner.objects.filter(organisation=organisation, pk=pk).first()
    if partner is None:
        raise NotFound("No such partner.")
    return partner


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
    pk = int(str(job_id)) if str(job_id).isdigit() else None
    job = fetch_jobs_of(partner=partner).filter(pk=pk).first() if pk is not None else None
    if job is None:
        raise NotFound("No such fetch.")
    return job
