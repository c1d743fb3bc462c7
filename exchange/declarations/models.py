"""An importer's shipments of CBAM goods and the CSV files they were uploaded from.

A ``Shipment`` is one consignment (one customs declaration item): CN code, quantity in the
unit of its goods category (net mass in tonnes; MWh for electricity), country of origin,
date of import, customs procedure, who supplied it and where it was made, and optionally the
footprint or buyer product whose embedded emissions it carries. The goods category and its
sector are copied from the CN-code list valid on the import date, so the de minimis count
(which leaves out electricity and hydrogen) needs no reference lookup.

A ``ShipmentImport`` is one uploaded CSV file with its per-row report; the file's SHA-256
makes a repeated upload a no-op, and each row's ``reference`` (unique per organisation) makes a
corrected re-upload import only the rows not yet imported (docs/declarations.md).
"""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import models

from accounts.models import Organisation


class ShipmentImport(models.Model):
    """One uploaded CSV of shipments and what became of each row (``report``).

    An upload from the pages is checked as a whole at once (size, UTF-8, header, row count)
    and kept here with its ``content`` until its work row (``job_id``) has checked and written
    its rows: ``report`` is null until then, and ``content`` is emptied once it is there. The
    API and the command import in the request and store the report at once.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="shipment_imports"
    )
    file_name = models.CharField(max_length=255)
    sha256 = models.CharField(max_length=64)
    size_bytes = models.PositiveIntegerField()
    rows_total = models.PositiveIntegerField()
    rows_imported = models.PositiveIntegerField()
    rows_already_present = models.PositiveIntegerField()
    rows_failed = models.PositiveIntegerField()
    report = models.JSONField(null=True, blank=True, default=dict)
    content = models.BinaryField(null=True, blank=True, editable=False)
    job_id = models.BigIntegerField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_by_label = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("-created_at", "id")
        constraints = [
            models.UniqueConstraint(
                fields=("organisation", "sha256"), name="shipmentimport_unique_file"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.rows_imported}/{self.rows_total} rows imported)"

    @property
    def is_done(self) -> bool:
        """Whether its rows were checked and written (the report is there)."""
        return self.report is not None


class Shipment(models.Model):
    """One consignment of a CBAM good imported (or exported to an importer) by an organisation."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="shipments"
    )
    reference = models.CharField(
        max_length=100,
        blank=True,
        help_text="The importer's own key (e.g. customs declaration MRN and item); unique",
    )
    cn_code = models.CharField(max_length=8)
    goods_category = models.CharField(max_length=100)
    sector = models.CharField(max_length=50)
    quantity = models.DecimalField(max_digits=28, decimal_places=10)
    unit = models.CharField(max_length=5, help_text="t (net mass), MWh for electricity")
    quantity_as_entered = models.JSONField(default=dict, blank=True)
    country_of_origin = models.CharField(max_length=2)
    import_date = models.DateField()
    customs_procedure = models.CharField(max_length=2, default="40")
    supplier_name = models.CharField(max_length=300, blank=True)
    installation_name = models.CharField(
        max_length=300,
        blank=True,
        help_text="Installation or its CBAM id, as the supplier names it",
    )
    footprint = models.ForeignKey(
        "suppliers.Footprint", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # SET_NULL: deleting a buyer product must not fail because a shipment names it; the
    # shipment then falls back to the default value (and the summary says so).
    buyer_product = models.ForeignKey(
        "boms.BuyerProduct", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    source_import = models.ForeignKey(
        ShipmentImport, null=True, blank=True, on_delete=models.PROTECT, related_name="shipments"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ("import_date", "created_at", "id")
        indexes = [
            models.Index(fields=("organisation", "import_date"), name="shipment_org_date"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(quantity__gt=0), name="shipment_quantity_positive"
            ),
            models.CheckConstraint(
                condition=models.Q(footprint__isnull=True) | models.Q(buyer_product__isnull=True),
                name="shipment_one_emissions_source",
            ),
            models.UniqueConstraint(
                fields=("organisation", "reference"),
                condition=~models.Q(reference=""),
                name="shipment_unique_reference",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference or self.pk}: {self.quantity} {self.unit} CN {self.cn_code}"

    def snapshot(self) -> dict[str, Any]:
        """The fields an audit event records before and after a change."""
        return {
            "reference": self.reference,
            "cn_code": self.cn_code,
            "quantity": format(Decimal(self.quantity).normalize(), "f"),
            "unit": self.unit,
            "country_of_origin": self.country_of_origin,
            "import_date": self.import_date.isoformat(),
            "customs_procedure": self.customs_procedure,
            "supplier_name": self.supplier_name,
            "installation_name": self.installation_name,
            "footprint": str(self.footprint_id) if self.footprint_id else None,
            "buyer_product": str(self.buyer_product_id) if self.buyer_product_id else None,
        }
