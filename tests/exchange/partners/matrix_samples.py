"""Authorisation-matrix samples for the PACT partner and PACT client pages (see
tests/matrix_samples.py): one partner per organisation, a footprint fetched from it, and a
fetch of that same partner, so that every URL names objects that belong together."""

from __future__ import annotations

from accounts.models import Organisation
from core.models import Job
from exchange.partners.models import PactPartner
from exchange.partners.services.fetching import FETCH_JOB
from tests.exchange.partners.builders import fetched_of, hot_rolled_coil_document, partner_of
from tests.matrix_samples_types import SampleMaker


def _partner(org: Organisation) -> PactPartner:
    existing = PactPartner.objects.filter(organisation=org, archived_at__isnull=True).first()
    return existing or partner_of(org)


def _fetch_job(org: Organisation) -> str:
    partner = _partner(org)
    job = Job.objects.create(
        kind=FETCH_JOB,
        payload={"partner_id": str(partner.pk), "user_id": None},
        organisation_id=org.pk,
    )
    return str(job.pk)


SAMPLES: dict[str, SampleMaker] = {
    "partner_id": lambda org: str(_partner(org).pk),
    "fetched_id": lambda org: str(fetched_of(_partner(org), hot_rolled_coil_document()).pk),
    "fetch_job_id": _fetch_job,
}
