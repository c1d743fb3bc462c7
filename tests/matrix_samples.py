"""Sample objects for the authorisation matrix (tests/accounts/test_authorisation_matrix.py).

The matrix discovers every API route by itself. For each URL parameter that names an object
(``<membership_id>``…) it needs one object of a given organisation: register a function here
that creates it and returns the value to put in the URL. A route with a parameter missing from
this table fails the matrix with a message pointing here.
"""

from __future__ import annotations

import uuid

from django.core.files.base import ContentFile

from accounts.models import Organisation
from accounts.roles import Role
from accounts.services.registration import sign_up_token
from accounts.services.signing_keys import signing_key_active
from suppliers.models import (
    CommunicationTemplateImport,
    EvidenceFile,
    ValidationBatch,
    ValidationRun,
)
from tests.exchange.boms.matrix_samples import SAMPLES as BOMS_SAMPLES
from tests.exchange.declarations.matrix_samples import SAMPLES as DECLARATIONS_SAMPLES
from tests.exchange.declarations.matrix_samples import VALUE_PARAMS as DECLARATIONS_VALUE_PARAMS
from tests.exchange.partners.matrix_samples import SAMPLES as PARTNERS_SAMPLES

# --- pools API (issue 16) ---
from tests.exchange.pools.matrix_samples import SAMPLES as POOLS_SAMPLES
from tests.exchange.pools.matrix_samples import VALUE_PARAMS as POOLS_VALUE_PARAMS

# --- end pools API ---
from tests.exchange.sharing.matrix_samples import SAMPLES as SHARING_SAMPLES
from tests.factories import (
    ApiClientFactory,
    FootprintFactory,
    InstallationFactory,
    InvitationFactory,
    MembershipFactory,
    ProductFactory,
)
from tests.matrix_samples_types import SampleMaker


def _validation_run(org: Organisation) -> str:
    return str(ValidationRun.objects.create(footprint=FootprintFactory(organisation=org)).pk)


def _evidence(org: Organisation, **footprint: object) -> str:
    evidence = EvidenceFile.objects.create(
        footprint=FootprintFactory(**(footprint or {"organisation": org})),
        kind="verification",
        file=ContentFile(b"%PDF-1.4 statement", name="statement.pdf"),
        original_name="statement.pdf",
        content_type="application/pdf",
        size_bytes=18,
        sha256="0" * 64,
    )
    return str(evidence.pk)


def _verification_evidence(org: Organisation) -> str:
    """An evidence file of another producer's footprint that names ``org`` as its verifier."""
    return _evidence(org, verifier_organisation=org, status="in_review")


def _validation_batch(org: Organisation) -> str:
    return str(ValidationBatch.objects.create(organisation=org, total=0).pk)


def _communication_template_import(org: Organisation) -> str:
    """A refused upload: its report names the problem; nothing else was written."""
    row = CommunicationTemplateImport.objects.create(
        organisation=org,
        sha256=uuid.uuid4().hex * 2,
        file_name="template.xlsx",
        report={
            "template_version": None,
            "installation": None,
            "reporting_period": None,
            "goods": [],
            "problems": [
                {
                    "cell": "file",
                    "code": "not_xlsx",
                    "severity": "error",
                    "message_en": "The file is not an xlsx workbook.",
                    "message_zh": "该文件不是 xlsx 工作簿。",
                }
            ],
            "imported": False,
            "dry_run": False,
        },
    )
    return str(row.pk)


SAMPLES: dict[str, SampleMaker] = {
    "membership_id": lambda org: str(MembershipFactory(organisation=org, role=Role.VIEWER).pk),
    "invitation_id": lambda org: str(InvitationFactory(organisation=org).pk),
    "api_client_id": lambda org: str(ApiClientFactory(organisation=org).pk),
    "key_id": lambda org: str(signing_key_active(organisation=org).pk),
    "installation_id": lambda org: str(InstallationFactory(organisation=org).pk),
    "product_id": lambda org: str(ProductFactory(organisation=org).pk),
    "footprint_id": lambda org: str(FootprintFactory(organisation=org).pk),
    # A sign-up link for an address with no account (the sign-up page is public).
    "sign_up_token": lambda org: sign_up_token(email=f"invited@{org.slug}.example"),
    "run_id": _validation_run,
    "evidence_id": _evidence,
    "batch_id": _validation_batch,
    "import_id": _communication_template_import,
    # A footprint of another producer that names ``org`` as its verifier, in review.
    "request_id": lambda org: str(
        FootprintFactory(verifier_organisation=org, status="in_review").pk
    ),
    "verification_evidence_id": _verification_evidence,
}

# Each area of the exchange keeps its samples beside its tests; a name registered twice is a
# mistake the matrix would hide, so it fails here.
for _area in (
    SHARING_SAMPLES,
    BOMS_SAMPLES,
    DECLARATIONS_SAMPLES,
    POOLS_SAMPLES,  # pools API (issue 16)
    PARTNERS_SAMPLES,  # PACT partner and client pages (issue 17)
):
    _clash = set(_area) & set(SAMPLES)
    assert not _clash, f"matrix sample names registered twice: {sorted(_clash)}"
    SAMPLES.update(_area)

# URL parameters that are values every organisation has (a year), not objects of one: the
# matrix does not expect another organisation's value to answer 404, and reads them like lists.
VALUE_PARAMS: frozenset[str] = frozenset(DECLARATIONS_VALUE_PARAMS) | POOLS_VALUE_PARAMS
