"""An EU importer with a person in every role, its pages, and its upload's work row run here."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from accounts.roles import OrganisationKind
from core.jobs import job_execute
from core.models import Job
from exchange.declarations.models import Shipment
from tests.exchange.declarations.helpers import make_shipment
from tests.exchange.sharing.conftest import Party, party

#: The documented example (docs/declarations.md): lines 2-4 are imported, 5-11 fail.
EXAMPLE = "tests/data/declarations/shipments-example.csv"


@pytest.fixture
def importer(reference_data: None) -> Party:
    return party(
        "rhein-steel-import", "Rhein Steel Import GmbH", OrganisationKind.IMPORTER, country="DE"
    )


def url(who: Party, path: str = "") -> str:
    return f"/o/{who.organisation.slug}/{path}"


def csv_file(content: bytes, name: str = "shipments.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="text/csv")


def run_imports() -> list[str]:
    """Run the pending upload work rows in this process; their outcomes."""
    pending = Job.objects.filter(kind="declarations.import_shipments", status=Job.Status.PENDING)
    return [str(job_execute(job_id=job.pk).status) for job in pending.order_by("pk")]


def ramp(
    who: Party, tonnes: list[str], start: date = date(2026, 1, 5), prefix: str = "R"
) -> list[Shipment]:
    """Shipments of hot-rolled coil from China on consecutive weeks, referenced R1, R2, …"""
    return [
        make_shipment(
            who.organisation,
            quantity,
            date.fromordinal(start.toordinal() + 7 * i),
            reference=f"{prefix}{i + 1}",
            supplier_name="Hebei Steel",
            installation_name="Tangshan works",
        )
        for i, quantity in enumerate(tonnes)
    ]


def client_of(who: Party, role: str, language: str = "zh-hans") -> Client:
    from tests.exchange.pages.conftest import person

    return person(who, role, language)
