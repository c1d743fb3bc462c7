"""A hand-made pool world: an industry association, five mills making hot-rolled coil
(CN 72083900) and four making wire rod (CN 72139110), each with one person in every role and
footprints published through the real publishing service (PACT document, signed with the
organisation's own key), plus an outsider.

The five coil mills (1,000 t each, so each holds 20 % of the production; 2026, CN):

=====  ======  ========  =========
mill   direct  indirect  verified
=====  ======  ========  =========
1      1.5     0.2       yes
2      1.7     0.25      yes
3      1.8     0.3       no
4      2.0     0.1       no
5      2.4     0.15      no
=====  ======  ========  =========

The four wire-rod mills: direct 2.1, 2.2, 2.3, 2.5; indirect 0.2 each; 1,000 t each.
Iron and steel: the indirect emissions do not count (``indirect_counts`` false), so the
counted SEE is the direct one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.audit import Actor
from accounts.models import Organisation, User
from accounts.roles import OrganisationKind, Role
from suppliers.models import Footprint
from suppliers.services.publishing import footprint_publish
from tests.factories import (
    FootprintFactory,
    InstallationFactory,
    MembershipFactory,
    OrganisationFactory,
    ProductFactory,
)

COIL = "72083900"
WIRE = "72139110"
COIL_MILLS = (
    ("1.5", "0.2", True),
    ("1.7", "0.25", True),
    ("1.8", "0.3", False),
    ("2.0", "0.1", False),
    ("2.4", "0.15", False),
)
WIRE_MILLS = (("2.1", "0.2"), ("2.2", "0.2"), ("2.3", "0.2"), ("2.5", "0.2"))


@dataclass
class Party:
    organisation: Organisation
    users: dict[str, User]
    footprints: list[Footprint] = field(default_factory=list)

    def api(self, role: str = "admin") -> APIClient:
        client = APIClient()
        client.force_authenticate(self.users[role])
        return client

    def url(self, path: str = "") -> str:
        return f"/api/v1/orgs/{self.organisation.slug}/{path}"

    @property
    def slug(self) -> str:
        return self.organisation.slug


def party(slug: str, name: str, kind: str, legal_name: str = "") -> Party:
    organisation = OrganisationFactory(
        slug=slug, legal_name=legal_name or name, legal_name_latin=name, kinds=[kind]
    )
    users = {
        role: MembershipFactory(
            organisation=organisation,
            role=role,
            user__email=f"{role}@{slug}.example",
            user__full_name=f"{role.capitalize()} of {name}",
        ).user
        for role in Role.values
    }
    return Party(organisation, users)


def published(
    producer: Party,
    cn_code: str,
    direct: str,
    indirect: str,
    *,
    activity_t: str = "1000",
    verified: bool = False,
    country: str = "CN",
    period_end: date = date(2026, 12, 31),
) -> Footprint:
    """A footprint of ``producer`` published through ``footprint_publish`` (signed PACT
    document): figures as given, tCO2e/t and t."""
    organisation = producer.organisation
    activity = Decimal(activity_t)
    footprint = FootprintFactory(
        organisation=organisation,
        product=ProductFactory(organisation=organisation, cn_code=cn_code),
        installation=InstallationFactory(organisation=organisation, country=country),
        period_start=date(period_end.year, 1, 1),
        period_end=period_end,
        status="approved",
        activity_level_t=activity,
        attributed_direct_tco2e=Decimal(direct) * activity,
        see_direct=Decimal(direct),
        see_indirect=Decimal(indirect),
        see_total=Decimal(direct) + Decimal(indirect),
        indirect_counts=False,
        verifier_confirmed_at=timezone.now() if verified else None,
    )
    footprint = footprint_publish(actor=Actor(user=producer.users["admin"]), footprint=footprint)
    producer.footprints.append(footprint)
    return footprint


@dataclass
class World:
    association: Party
    coil: list[Party]
    wire: list[Party]
    outsider: Party

    @property
    def members(self) -> list[Party]:
        return self.coil + self.wire


@pytest.fixture
def world(reference_data: None) -> World:
    association = party(
        "steel-association",
        "China Steel Association",
        OrganisationKind.ASSOCIATION,
        legal_name="中国钢铁协会",
    )
    coil = []
    for index, (direct, indirect, verified) in enumerate(COIL_MILLS, start=1):
        mill = party(f"coil-mill-{index}", f"Coil Mill {index}", OrganisationKind.PRODUCER)
        published(mill, COIL, direct, indirect, verified=verified)
        coil.append(mill)
    wire = []
    for index, (direct, indirect) in enumerate(WIRE_MILLS, start=1):
        mill = party(f"wire-mill-{index}", f"Wire Mill {index}", OrganisationKind.PRODUCER)
        published(mill, WIRE, direct, indirect)
        wire.append(mill)
    outsider = party("outsider-mill", "Outsider Mill", OrganisationKind.PRODUCER)
    published(outsider, COIL, "1.9", "0.2")
    return World(association, coil, wire, outsider)


def ok(response: Any, status: int = 200) -> Any:
    assert response.status_code == status, response.content[:1000]
    return response.json()
