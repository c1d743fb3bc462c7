"""A buyer and a supplier with people in every role; running work rows in this process."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from rest_framework.test import APIClient

from accounts.models import Organisation, User
from accounts.roles import OrganisationKind, Role
from core.jobs import job_execute
from core.models import Job
from tests.factories import MembershipFactory, OrganisationFactory
from tests.suppliers.conftest import producer  # noqa: F401  (the real publishing pipeline)

# An imported communication template whose purchased precursors name suppliers on the platform.
from .template_world import workbook, world  # noqa: F401


@dataclass
class Party:
    organisation: Organisation
    users: dict[str, User]

    def api(self, role: str = "preparer") -> APIClient:
        client = APIClient()
        client.force_authenticate(self.users[role])
        return client

    def url(self, path: str = "") -> str:
        return f"/api/v1/orgs/{self.organisation.slug}/{path}"


def party(slug: str, name: str, kind: str, legal_name: str = "", country: str = "CN") -> Party:
    """An organisation with one person in each role (``legal_name``: in its original script,
    when it is not ``name``)."""
    organisation = OrganisationFactory(
        slug=slug,
        legal_name=legal_name or name,
        legal_name_latin=name,
        country=country,
        kinds=[kind],
    )
    users = {
        role: MembershipFactory(
            organisation=organisation, role=role, user__email=f"{role}@{slug}.example"
        ).user
        for role in Role.values
    }
    return Party(organisation, users)


@pytest.fixture
def buyer(db: None) -> Party:
    return party("screw-maker", "Screw Maker GmbH", OrganisationKind.MANUFACTURER, country="DE")


@pytest.fixture
def supplier(db: None) -> Party:
    return party(
        "wire-rod-mill",
        "Wire Rod Mill Co",
        OrganisationKind.PRODUCER,
        legal_name="线材轧钢有限公司",
    )


def run_jobs() -> list[tuple[str, str]]:
    """Execute every pending work row in this process, in creation order, until none is left
    (a handler may create more: a notification's e-mail); (kind, outcome) of each sharing
    job (other apps' listeners may enqueue their own work on the same events: it runs too,
    but is theirs to assert)."""
    outcomes: list[tuple[str, str]] = []
    for _ in range(5):
        pending = list(Job.objects.filter(status=Job.Status.PENDING).order_by("pk"))
        if not pending:
            break
        outcomes += [(job.kind, job_execute(job_id=job.pk).status) for job in pending]
    return [(kind, str(status)) for kind, status in outcomes if kind.startswith("sharing.")]
