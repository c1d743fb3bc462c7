"""Authorisation-matrix samples for the PACT partner pages (see tests/matrix_samples.py):
one partner per organisation, and a footprint fetched from it."""

from __future__ import annotations

from accounts.models import Organisation
from exchange.partners.models import PactPartner
from tests.exchange.partners.builders import fetched_of, hot_rolled_coil_document, partner_of
from tests.matrix_samples_types import SampleMaker


def _partner(org: Organisation) -> PactPartner:
    existing = PactPartner.objects.filter(organisation=org, archived_at__isnull=True).first()
    return existing or partner_of(org)


SAMPLES: dict[str, SampleMaker] = {
    "partner_id": lambda org: str(_partner(org).pk),
    "fetched_id": lambda org: str(fetched_of(_partner(org), hot_rolled_coil_document()).pk),
}
