"""Reads of shipments and shipment imports, always scoped to one organisation."""

from __future__ import annotations

from django.db.models import QuerySet

from accounts.models import Organisation
from exchange.declarations.models import Shipment, ShipmentImport


def shipments_visible_to(
    *, organisation: Organisation, year: int | None = None, cn_code: str | None = None
) -> QuerySet[Shipment]:
    """The organisation's own shipments, by import date; optionally of one year or CN code."""
    shipments = Shipment.objects.filter(organisation=organisation).order_by(
        "import_date", "created_at", "id"
    )
    if year is not None:
        shipments = shipments.filter(import_date__year=year)
    if cn_code:
        shipments = shipments.filter(cn_code=cn_code)
    return shipments


def shipments_for_declaration(*, organisation: Organisation, year: int) -> QuerySet[Shipment]:
    """Shipments of ``year`` with everything their obligation needs, in a fixed number of
    queries: the footprint with its installation, product, decision, precursors and evidence;
    the buyer product with its lines."""
    return (
        shipments_visible_to(organisation=organisation, year=year)
        .select_related(
            "footprint__installation", "footprint__product", "footprint__decision", "buyer_product"
        )
        .prefetch_related(
            "footprint__precursors__source_footprint", "footprint__evidence", "buyer_product__lines"
        )
    )


def shipment_imports_visible_to(*, organisation: Organisation) -> QuerySet[ShipmentImport]:
    """The organisation's uploaded shipment files, newest first."""
    return ShipmentImport.objects.filter(organisation=organisation).order_by("-created_at", "id")
