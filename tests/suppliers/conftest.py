"""A producer with people in every role, an installation and a product, over the shipped
reference data."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from rest_framework.test import APIClient

from accounts.models import Organisation, User
from accounts.roles import OrganisationKind, Role
from suppliers.models import Installation, Product
from tests.factories import MembershipFactory, OrganisationFactory


@dataclass
class Producer:
    organisation: Organisation
    users: dict[str, User]
    installation: Installation
    product: Product

    def api(self, role: str) -> APIClient:
        client = APIClient()
        client.force_authenticate(self.users[role])
        return client

    def url(self, path: str = "") -> str:
        return f"/api/v1/orgs/{self.organisation.slug}/{path}"


@pytest.fixture
def producer(reference_data: None) -> Producer:
    return producer_create()


def producer_create() -> Producer:
    """The producer of the fixture above (also for fixtures of a wider scope, which build it
    in a transaction of their own)."""
    organisation = OrganisationFactory(
        slug="hebei-steel", legal_name_latin="Hebei Steel", kinds=[OrganisationKind.PRODUCER]
    )
    users = {
        role: MembershipFactory(organisation=organisation, role=role).user for role in Role.values
    }
    users["preparer2"] = MembershipFactory(organisation=organisation, role=Role.PREPARER).user
    users["reviewer2"] = MembershipFactory(organisation=organisation, role=Role.REVIEWER).user
    installation = Installation.objects.create(
        organisation=organisation,
        name="唐山钢铁厂",
        name_latin="Tangshan steel works",
        country="CN",
    )
    product = Product.objects.create(
        organisation=organisation,
        name="Hot-rolled coil",
        cn_code="72083900",
        category="Iron or steel products",
    )
    product.installations.add(installation)
    return Producer(organisation, users, installation, product)


def footprint_input(producer: Producer, **overrides: Any) -> dict[str, Any]:
    """1 Mt of hot-rolled coil from crude steel slabs (own verified SEE) on the CN grid."""
    data: dict[str, Any] = {
        "product": str(producer.product.pk),
        "installation": str(producer.installation.pk),
        "period_start": "2026-01-01",
        "period_end": "2026-12-31",
        "attributed_direct_emissions": {"value": "250000", "unit": "tCO2e"},
        "activity_level": {"value": "1000000", "unit": "t"},
        "electricity": {"value": "90000", "unit": "MWh"},
        "electricity_factor_source": "country_default",
        "precursors": [
            {
                "cn_code": "72071114",
                "mass_per_t": {"value": "1.05", "unit": "t/t"},
                "country_of_origin": "CN",
                "see_source": "own_verified",
                "see_direct": "1.9",
                "see_indirect": "0.3",
            }
        ],
        "verification": {
            "verifier_name": "Nordic Emissions Verification AB",
            "accreditation_number": "SWEDAC 1234",
            "statement_date": "2027-02-15",
            "assurance_level": "reasonable",
        },
        "data_quality": {"primary_data_share_pct": "92.5", "methodology": "EU CBAM (2025/2547)"},
    }
    data.update(overrides)
    return data
