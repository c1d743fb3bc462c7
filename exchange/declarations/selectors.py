"""Reads of shipments and shipment imports, always scoped to one organisation."""

from __future__ import annotations

import uuid
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import date, datetime

from django.db.models import BooleanField, ExpressionWrapper, Max, Min, Q, QuerySet

from accounts.models import Organisation
from core.models import Job
from exchange.declarations.models import Shipment, ShipmentImport
from exchange.declarations.progress import import_progress_get
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


#: How a shipment's embedded emissions are linked (the list's filter): a footprint, one of the
#: organisation's own products, or nothing (the declaration then uses the default value).
SOURCE_FOOTPRINT = "footprint"
SOURCE_PRODUCT = "product"
SOURCE_NONE = "none"


@dataclass(frozen=True)
class ShipmentFilter:
    """What the shipments list is narrowed to; every field optional. ``party`` matches the
    supplier's or the installation's name (contains, any case); ``upload`` the CSV upload the
    shipments came from."""

    year: int | None = None
    cn_code: str = ""
    country: str = ""
    party: str = ""
    source: str = ""
    date_from: date | None = None
    date_to: date | None = None
    upload: uuid.UUID | None = None


def shipments_filtered(*, organisation: Organisation, where: ShipmentFilter) -> QuerySet[Shipment]:
    """The organisation's shipments narrowed by ``where``, newest import first (the index on
    organisation and import date serves both the filter and the order)."""
    shipments = Shipment.objects.filter(organisation=organisation).order_by(
        "-import_date", "-created_at", "-id"
    )
    if where.year is not None:
        shipments = shipments.filter(
            import_date__gte=date(where.year, 1, 1), import_date__lte=date(where.year, 12, 31)
        )
    if where.cn_code:
        shipments = shipments.filter(cn_code__startswith=where.cn_code)
    if where.country:
        shipments = shipments.filter(country_of_origin=where.country)
    if where.party:
        shipments = shipments.filter(
            Q(supplier_name__icontains=where.party) | Q(installation_name__icontains=where.party)
        )
    if where.source == SOURCE_FOOTPRINT:
        shipments = shipments.filter(footprint__isnull=False)
    elif where.source == SOURCE_PRODUCT:
        shipments = shipments.filter(buyer_product__isnull=False)
    elif where.source == SOURCE_NONE:
        shipments = shipments.filter(footprint__isnull=True, buyer_product__isnull=True)
    if where.date_from is not None:
        shipments = shipments.filter(import_date__gte=where.date_from)
    if where.date_to is not None:
        shipments = shipments.filter(import_date__lte=where.date_to)
    if where.upload is not None:
        shipments = shipments.filter(source_import_id=where.upload)
    return shipments


def shipment_years(*, organisation: Organisation) -> list[int]:
    """The years from the organisation's first import to its last, oldest first: one query
    that reads two ends of the index on organisation and import date (a list of the distinct
    years would read every row)."""
    ends = Shipment.objects.filter(organisation=organisation).aggregate(
        first=Min("import_date"), last=Max("import_date")
    )
    if ends["first"] is None:
        return []
    return list(range(ends["first"].year, ends["last"].year + 1))


@dataclass(frozen=True)
class ImportState:
    """Where an upload is: ``pending`` (its work row waits), ``running``, ``done`` (the report
    is there) or ``failed`` (the work row gave up; ``error`` says why). ``checked`` counts the
    rows checked so far when known (``exchange.declarations.progress``), of ``total``."""

    status: str
    checked: int | None
    total: int
    error: str = ""

    @property
    def finished(self) -> bool:
        return self.status in ("done", "failed")


def shipment_imports_listed(*, organisation: Organisation) -> QuerySet[ShipmentImport]:
    """The organisation's uploads, newest first, without their content and reports (large):
    ``has_report`` says whether the report is there."""
    return (
        shipment_imports_visible_to(organisation=organisation)
        .defer("content", "report")
        .annotate(
            has_report=ExpressionWrapper(Q(report__isnull=False), output_field=BooleanField())
        )
    )


def shipment_import_state(*, record: ShipmentImport) -> ImportState:
    """The state of one upload: no query once it is done, else one (its work row)."""
    done = getattr(record, "has_report", None)
    if done if done is not None else record.report is not None:
        return ImportState("done", record.rows_total, record.rows_total)
    job = (
        Job.objects.filter(pk=record.job_id).only("status", "last_error").first()
        if record.job_id is not None
        else None
    )
    checked = import_progress_get(import_id=record.pk)
    if job is not None and job.status == Job.Status.FAILED:
        return ImportState("failed", checked, record.rows_total, job.last_error[:500])
    if job is not None and job.status == Job.Status.RUNNING:
        return ImportState("running", checked, record.rows_total)
    return ImportState("pending", checked, record.rows_total)
