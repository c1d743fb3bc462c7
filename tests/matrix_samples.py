"""Sample objects for the authorisation matrix (tests/accounts/test_authorisation_matrix.py).

The matrix discovers every API route by itself. For each URL parameter that names an object
(``<membership_id>``…) it needs one object of a given organisation: register a function here
that creates it and returns the value to put in the URL. A route with a parameter missing from
this table fails the matrix with a message pointing here.
"""

from __future__ import annotations

from collections.abc import Callable

from accounts.models import Organisation
from accounts.roles import Role
from accounts.services.signing_keys import signing_key_active
from suppliers.models import ValidationBatch, ValidationRun
from tests.factories import (
    ApiClientFactory,
    FootprintFactory,
    InstallationFactory,
    InvitationFactory,
    MembershipFactory,
    ProductFactory,
)

SampleMaker = Callable[[Organisation], str]


def _validation_run(org: Organisation) -> str:
    return str(ValidationRun.objects.create(footprint=FootprintFactory(organisation=org)).pk)


def _validation_batch(org: Organisation) -> str:
    return str(ValidationBatch.objects.create(organisation=org, total=0).pk)


SAMPLES: dict[str, SampleMaker] = {
    "membership_id": lambda org: str(MembershipFactory(organisation=org, role=Role.VIEWER).pk),
    "invitation_id": lambda org: str(InvitationFactory(organisation=org).pk),
    "api_client_id": lambda org: str(ApiClientFactory(organisation=org).pk),
    "key_id": lambda org: str(signing_key_active(organisation=org).pk),
    "installation_id": lambda org: str(InstallationFactory(organisation=org).pk),
    "product_id": lambda org: str(ProductFactory(organisation=org).pk),
    "footprint_id": lambda org: str(FootprintFactory(organisation=org).pk),
    "run_id": _validation_run,
    "batch_id": _validation_batch,
    # A footprint of another producer that names ``org`` as its verifier, in review.
    "request_id": lambda org: str(
        FootprintFactory(verifier_organisation=org, status="in_review").pk
    ),
}
