"""Shipments written straight to the database, for tests that are not about recording them."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.utils import timezone

from accounts.audit import Actor
from accounts.models import Organisation
from exchange.declarations.models import Shipment
from exchange.sharing.models import Grant
from exchange.sharing.services.grants import grant_share
from suppliers.models import DefaultValueDecisionRecord, EvidenceFile, Footprint
from tests.factories import FootprintFactory, InstallationFactory


def make_shipment(
    organisation: Organisation,
    quantity: str,
    import_date: date,
    *,
    reference: str = "",
    cn_code: str = "72083900",
    country: str = "CN",
    category: str = "Iron or steel products",
    sector: str = "Iron & Steel",
    unit: str = "t",
    **extra: Any,
) -> Shipment:
    return Shipment.objects.create(
        organisation=organisation,
        reference=reference,
        cn_code=cn_code,
        goods_category=category,
        sector=sector,
        quantity=Decimal(quantity),
        unit=unit,
        country_of_origin=country,
        import_date=import_date,
        **extra,
    )


def verified_footprint(
    organisation: Organisation, *, allowed: bool = True, **installation: Any
) -> Footprint:
    """A published, verified footprint of ``organisation`` (SEE 1.8, carbon price 10 EUR/tCO2e
    with evidence) whose decision allows actual data (``allowed``); its installation in CN,
    ``CN-TS-001`` unless ``installation`` says otherwise."""
    fields = {"country": "CN", "cbam_installation_id": "CN-TS-001", **installation}
    footprint = FootprintFactory(
        organisation=organisation,
        installation=InstallationFactory(organisation=organisation, **fields),
        status="published",
        signed_document=b"{}",
        signature="sig",
        verification_statement_date=date(2026, 2, 1),
        carbon_price_amount=Decimal(10),
        carbon_price_currency="EUR",
    )
    EvidenceFile.objects.create(
        footprint=footprint,
        kind="carbon_price",
        file="evidence/receipt.pdf",
        original_name="receipt.pdf",
        content_type="application/pdf",
        size_bytes=1,
        sha256="0" * 64,
    )
    DefaultValueDecisionRecord.objects.create(
        footprint=footprint,
        actual_data_allowed=allowed,
        reasons=[] if allowed else [{"code": "CBAM-VERIFY-001"}],
        year=2026,
        certificate_price_eur=Decimal(80),
        inputs_fingerprint="x",
        computed_at=timezone.now(),
    )
    return footprint


def share(footprint: Footprint, buyer: Organisation) -> Grant:
    """``footprint``'s owner shares it with ``buyer`` through the real service."""
    return grant_share(
        actor=Actor.platform("tests"),
        supplier=footprint.organisation,
        buyer=buyer,
        footprints=[footprint],
    )
