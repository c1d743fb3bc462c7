"""A supply chain across four organisations: pig iron → crude steel → hot-rolled coil →
screws. The screw manufacturer (the buyer) models three of its own products; each tier's main
input comes from a supplier organisation's published footprint, shared with a grant."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.audit import Actor
from accounts.models import Organisation, User
from accounts.roles import Role
from exchange.boms.models import BomLine, BuyerProduct, LineSource
from exchange.sharing.models import Grant
from exchange.sharing.services.grants import grant_share
from suppliers.models import DefaultValueDecisionRecord, Footprint
from tests.factories import FootprintFactory, MembershipFactory, OrganisationFactory, ProductFactory

D = Decimal


def published_footprint(
    organisation: Organisation,
    *,
    cn_code: str,
    see_direct: str,
    see_indirect: str = "0",
    route: str = "C",
    allowed: bool = True,
    reasons: list[dict[str, str]] | None = None,
) -> Footprint:
    """A published footprint with its stored default-value decision (as the validation
    pipeline leaves it: ``suppliers.services.decision_records``)."""
    product = ProductFactory(organisation=organisation, cn_code=cn_code, benchmark_route=route)
    footprint = FootprintFactory(
        organisation=organisation,
        product=product,
        status="published",
        published_at=timezone.now(),
        signed_document=b"{}",
        signature="test-signature",
        see_direct=see_direct,
        see_indirect=see_indirect,
        see_total=str(D(see_direct) + D(see_indirect)),
    )
    DefaultValueDecisionRecord.objects.create(
        footprint=footprint,
        actual_data_allowed=allowed,
        reasons=reasons or [],
        year=2026,
        certificate_price_eur=D("80.00"),
        inputs_fingerprint=f"test-{footprint.pk}",
        computed_at=timezone.now(),
    )
    return footprint


def share(footprint: Footprint, buyer: Organisation) -> Grant:
    return grant_share(
        actor=Actor.platform("tests"),
        supplier=footprint.organisation,
        buyer=buyer,
        footprints=[footprint],
    )


@dataclass
class Chain:
    buyer: Organisation
    users: dict[str, User]
    pig_iron_maker: Organisation
    steel_mill: Organisation
    rolling_mill: Organisation
    pig_iron: Footprint
    crude_steel: Footprint
    coil: Footprint
    grants: dict[str, Grant]
    billet: BuyerProduct
    hrc: BuyerProduct
    screws: BuyerProduct
    lines: dict[str, BomLine]

    def api(self, role: str = Role.ADMIN) -> APIClient:
        client = APIClient()
        client.force_authenticate(self.users[role])
        return client

    def url(self, path: str = "") -> str:
        return f"/api/v1/orgs/{self.buyer.slug}/{path}"


NOT_VERIFIED = {
    "code": "CBAM-VERIFICATION-001",
    "path": "verification",
    "message_en": "No verification statement: actual emissions cannot be used (Art. 8).",
    "message_zh": "没有核查声明。",
}


@pytest.fixture
def chain(reference_data: None, settings: Any) -> Chain:
    settings.CBAM_CERTIFICATE_PRICE_EUR = "80.00"
    buyer = OrganisationFactory(slug="screwco", legal_name_latin="Screwco")
    users = {role: MembershipFactory(organisation=buyer, role=role).user for role in Role.values}
    pig_iron_maker = OrganisationFactory(slug="pig-iron", legal_name_latin="Anshan Pig Iron")
    steel_mill = OrganisationFactory(slug="steel-mill", legal_name_latin="Tangshan Steel")
    rolling_mill = OrganisationFactory(slug="rolling-mill", legal_name_latin="Rizhao Rolling")
    # The pig-iron maker has no verification: its decision says "default value".
    pig_iron = published_footprint(
        pig_iron_maker,
        cn_code="72011011",
        see_direct="1.45",
        route="",
        allowed=False,
        reasons=[NOT_VERIFIED],
    )
    crude_steel = published_footprint(
        steel_mill, cn_code="72071114", see_direct="1.9", see_indirect="0.3"
    )
    coil = published_footprint(
        rolling_mill, cn_code="72083900", see_direct="2.1", see_indirect="0.15"
    )
    grants = {
        "pig_iron": share(pig_iron, buyer),
        "crude_steel": share(crude_steel, buyer),
        "coil": share(coil, buyer),
    }
    made_in = {"organisation": buyer, "country_of_production": "CN", "production_route": "C"}
    billet = BuyerProduct.objects.create(
        name="Billet",
        cn_code="72071114",
        direct_tco2e_per_t=D("0.2"),
        electricity_mwh_per_t=D("0.5"),
        electricity_factor_tco2_per_mwh=D("0.6"),
        **made_in,
    )
    hrc = BuyerProduct.objects.create(
        name="Coil",
        cn_code="72083900",
        direct_tco2e_per_t=D("0.1"),
        electricity_mwh_per_t=D("0.1"),
        electricity_factor_tco2_per_mwh=D("0.6"),
        **made_in,
    )
    screws = BuyerProduct.objects.create(
        name="Screws M8",
        cn_code="73181595",
        direct_tco2e_per_t=D("0.05"),
        electricity_mwh_per_t=D("0.4"),
        electricity_factor_tco2_per_mwh=D("0.6"),
        **made_in,
    )

    def supplier_line(product: BuyerProduct, position: int, fp: Footprint, mass: str) -> BomLine:
        return BomLine.objects.create(
            product=product,
            position=position,
            cn_code=fp.product.cn_code,
            mass_t_per_t=D(mass),
            country_of_origin="CN",
            source=LineSource.SUPPLIER_FOOTPRINT,
            footprint=fp,
            lineage=fp.lineage,
            supplier=fp.organisation,
            supplier_name=fp.organisation.legal_name_latin,
        )

    def own_line(product: BuyerProduct, position: int, own: BuyerProduct, mass: str) -> BomLine:
        return BomLine.objects.create(
            product=product,
            position=position,
            cn_code=own.cn_code,
            mass_t_per_t=D(mass),
            country_of_origin="CN",
            source=LineSource.OWN_PRODUCT,
            own_product=own,
        )

    lines = {
        "pig_iron": supplier_line(billet, 1, pig_iron, "1.1"),
        "billet": own_line(hrc, 1, billet, "0.6"),
        "crude_steel": supplier_line(hrc, 2, crude_steel, "0.45"),
        "hrc": own_line(screws, 1, hrc, "0.7"),
        "coil": supplier_line(screws, 2, coil, "0.4"),
    }
    return Chain(
        buyer,
        users,
        pig_iron_maker,
        steel_mill,
        rolling_mill,
        pig_iron,
        crude_steel,
        coil,
        grants,
        billet,
        hrc,
        screws,
        lines,
    )
