"""A verifier organisation of the platform (people in every role) and footprints of the
producer of tests/suppliers/conftest.py that name it, as a submission leaves them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from django.core.files.base import ContentFile
from django.test import Client

from accounts.models import Organisation, User
from accounts.roles import OrganisationKind, Role
from suppliers.models import EvidenceFile, Footprint, FootprintStatus
from tests.factories import FootprintFactory, MembershipFactory, OrganisationFactory
from tests.suppliers.conftest import Producer

#: When the test footprints were submitted (in order, one day apart).
SUBMITTED = datetime(2027, 2, 20, 9, 30, tzinfo=UTC)


@dataclass
class Verifier:
    organisation: Organisation
    users: dict[str, User]

    def client(self, role: str) -> Client:
        client = Client()
        client.force_login(self.users[role])
        return client

    def page(self, path: str = "") -> str:
        return f"/o/{self.organisation.slug}/{path}"


def verifier_party(slug: str = "nordic-verification") -> Verifier:
    organisation = OrganisationFactory(
        slug=slug,
        legal_name="Nordic Emissions Verification AB",
        legal_name_latin="Nordic Emissions Verification AB",
        country="SE",
        kinds=[OrganisationKind.VERIFIER],
    )
    users = {
        role: MembershipFactory(
            organisation=organisation,
            role=role,
            user__email=f"{role}@{slug}.example",
            user__full_name=f"{role.title()} of {slug}",
        ).user
        for role in Role.values
    }
    return Verifier(organisation, users)


def named_footprint(
    producer: Producer, verifier: Verifier | Organisation, *, day: int = 0, **fields: Any
) -> Footprint:
    """A footprint of ``producer`` naming ``verifier``, in review, submitted ``day`` days after
    ``SUBMITTED``, with the figures of ``FootprintFactory`` (SEE 1.80000)."""
    organisation = verifier.organisation if isinstance(verifier, Verifier) else verifier
    values: dict[str, Any] = {
        "organisation": producer.organisation,
        "product": producer.product,
        "installation": producer.installation,
        "verifier_organisation": organisation,
        "verifier_name": "Nordic Emissions Verification AB",
        "verifier_accreditation": "SWEDAC 1234",
        "verification_statement_date": date(2027, 2, 15),
        "assurance_level": "reasonable",
        "status": FootprintStatus.IN_REVIEW,
        "submitted_at": SUBMITTED + timedelta(days=day),
        "submitted_by": producer.users["preparer"],
        **fields,
    }
    return FootprintFactory(**values)


def statement_pdf(footprint: Footprint) -> EvidenceFile:
    """The verification statement attached to ``footprint`` (a small PDF stand-in)."""
    content = b"%PDF-1.4 verification statement"
    return EvidenceFile.objects.create(
        footprint=footprint,
        kind="verification",
        file=ContentFile(content, name="statement.pdf"),
        original_name="Verification statement 2026.pdf",
        content_type="application/pdf",
        size_bytes=len(content),
        sha256="ab" * 32,
    )
