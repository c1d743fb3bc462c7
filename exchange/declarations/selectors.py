"""Reads of shipments and shipment imports, always scoped to one organisation."""

from __future__ import annotations

import uuid
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Max, QuerySet

from accounts.models import Organisation
from exchange.declarations.models import Shipment, ShipmentImport
from exchange.sharing.models import GrantedFootprint
from exchange.sharing.selectors import SHAREABLE_STATUSES, footprints_visible_to
from suppliers.models import Footprint


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


@dataclass(frozen=True)
class FootprintVisibility:
    """Which linked footprints the importer may use, and when it lost the others."""

    visible: frozenset[uuid.UUID] = frozenset()
    #: lineage → when the importer's last grant on it was revoked (no live grant left).
    revoked_at: dict[uuid.UUID, datetime] = field(default_factory=dict)


def footprint_visibility(
    *, organisation: Organisation, footprints: Collection[Footprint]
) -> FootprintVisibility:
    """The footprints of ``footprints`` that ``organisation`` may still use, by the one rule of
    ``exchange.sharing.selectors.footprints_visible_to`` in a published or deprecated status
    (as when a shipment is linked to one), and for the others the date its grant on their
    lineage was revoked, if it ever held one. Two queries, whatever the number of shipments."""
    if not footprints:
        return FootprintVisibility()
    visible = frozenset(
        footprints_visible_to(organisation=organisation)
        .filter(pk__in=[f.pk for f in footprints], status__in=SHAREABLE_STATUSES)
        .values_list("pk", flat=True)
    )
    hidden = {f.lineage for f in footprints if f.pk not in visible}
    revoked: dict[uuid.UUID, datetime] = {}
    if hidden:
        revoked = dict(
            GrantedFootprint.objects.filter(
                grant__buyer=organisation, lineage__in=hidden, grant__revoked_at__isnull=False
            )
            .values("lineage")
            .annotate(last=Max("grant__revoked_at"))
            .values_list("lineage", "last")
        )
    return FootprintVisibility(visible=visible, revoked_at=revoked)


def shipment_imports_visible_to(*, organisation: Organisation) -> QuerySet[ShipmentImport]:
    """The organisation's uploaded shipment files, newest first."""
    return ShipmentImport.objects.filter(organisation=organisation).order_by("-created_at", "id")
