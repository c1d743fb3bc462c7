"""Authorisation-matrix samples for the PACT client pages (see tests/matrix_samples.py).

``partner_id`` is the organisation's partner; ``fetch_job_id`` a fetch of that same partner
(created once per organisation), so that every URL names objects that belong together."""

from __future__ import annotations

from accounts.models import Organisation
from core.models import Job
from exchange.partners.models import PactPartner
from exchange.partners.services.fetching import FETCH_JOB
from tests.matrix_samples_types import SampleMaker

SAMPLE_BASE_URL = "https://matrix-partner.example.com"


def _partner(org: Organisation) -> PactPartner:
    partner = PactPartner.objects.filter(organisation=org, base_url=SAMPLE_BASE_URL).first()
    if partner is None:
        partner = PactPartner(
            organisation=org, name="Matrix partner", base_url=SAMPLE_BASE_URL, client_id="m"
        )
        partner.secret_set("matrix-secret")
        partner.save()
    return partner


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
    "fetch_job_id": _fetch_job,
}
