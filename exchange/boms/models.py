"""A buyer's own products (complex goods) and their bills of materials.

A ``BuyerProduct`` is one good the buyer makes, with its own process per tonne (attributed
direct emissions, electricity). Each ``BomLine`` is a precursor consumed per tonne of it
(scrap and cut-offs included, Reg. 2025/2547 Annex III point B), whose SEE comes from one
source: a supplier footprint the buyer holds a grant on (its lineage, so a newer version is
followed), a footprint fetched from one of its PACT partners (a newer row is followed), another
of the buyer's products (multi-tier), or the default value.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models

from accounts.models import Organisation
from core.workflows import StatusMachine


class BuyerProduct(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="buyer_products"
    )
    name = models.CharField(max_length=300)
    cn_code = models.CharField(max_length=8)
    country_of_production = models.CharField(
        max_length=2, help_text="ISO 3166 code of where the buyer makes it"
    )
    reference = models.CharField(max_length=100, blank=True, help_text="The buyer's own code")
    production_route = models.CharField(
        max_length=3,
        blank=True,
        help_text="Benchmark route letter of the buyer's process (IR 2025/2620: C, D, E, F…), "
        "needed where the column A benchmark of the CN code depends on the route",
    )
    # The buyer's own process, per tonne of product (attributed to this good).
    direct_tco2e_per_t = models.DecimalField(max_digits=20, decimal_places=10, default=0)
    electricity_mwh_per_t = models.DecimalField(max_digits=20, decimal_places=10, default=0)
    electricity_factor_tco2_per_mwh = models.DecimalField(
        max_digits=12,
        decimal_places=6,
        null=True,
        blank=True,
        help_text="Empty: the default grid factor of the country of production",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ("name", "id")
        indexes = [models.Index(fields=("organisation", "cn_code"), name="buyerproduct_org_cn")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(direct_tco2e_per_t__gte=0), name="buyerproduct_direct_nonneg"
            ),
            models.CheckConstraint(
                condition=models.Q(electricity_mwh_per_t__gte=0),
                name="buyerproduct_electricity_nonneg",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.cn_code})"


class LineSource(models.TextChoices):
    SUPPLIER_FOOTPRINT = "supplier_footprint", "A supplier footprint shared with the buyer"
    OWN_PRODUCT = "own_product", "Another of the buyer's products"
    DEFAULT_VALUE = "default_value", "The default value"
    FETCHED_FOOTPRINT = "fetched_footprint", "A footprint fetched from a PACT partner"


class BomLine(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    product = models.ForeignKey(BuyerProduct, on_delete=models.CASCADE, related_name="lines")
    position = models.PositiveIntegerField()
    cn_code = models.CharField(max_length=8)
    description = models.CharField(max_length=300, blank=True)
    mass_t_per_t = models.DecimalField(
        max_digits=20, decimal_places=10, help_text="Total mass consumed per tonne of product"
    )
    country_of_origin = models.CharField(max_length=2, blank=True)
    # The country of production cannot be identified (IR 2025/2621 Art. 1(5)): the line's
    # default value is the Annex IV value, never "Other countries"; country_of_origin is empty.
    origin_unknown = models.BooleanField(default=False)
    source = models.CharField(max_length=30, choices=LineSource.choices)
    # SUPPLIER_FOOTPRINT: the version chosen and its lineage (a newer version is followed).
    footprint = models.ForeignKey(
        "suppliers.Footprint", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    lineage = models.UUIDField(null=True, blank=True, db_index=True)
    # OWN_PRODUCT: the buyer's product it is made from.
    own_product = models.ForeignKey(
        BuyerProduct, null=True, blank=True, on_delete=models.PROTECT, related_name="used_in"
    )
    # FETCHED_FOOTPRINT: a footprint fetched from one of the buyer's PACT partners (a newer
    # row that supersedes it is followed).
    fetched_footprint = models.ForeignKey(
        "partners.FetchedFootprint",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="bom_lines",
    )
    # Who the buyer buys it from (to chase), whatever the source.
    supplier = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    supplier_name = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ("product_id", "position")
        constraints = [
            models.UniqueConstraint(fields=("product", "position"), name="bomline_position"),
            models.CheckConstraint(
                condition=models.Q(mass_t_per_t__gt=0), name="bomline_mass_positive"
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(
                        source="supplier_footprint",
                        footprint__isnull=False,
                        lineage__isnull=False,
                        own_product__isnull=True,
                        fetched_footprint__isnull=True,
                    )
                    | models.Q(
                        source="own_product",
                        own_product__isnull=False,
                        footprint__isnull=True,
                        lineage__isnull=True,
                        fetched_footprint__isnull=True,
                    )
                    | models.Q(
                        source="default_value",
                        own_product__isnull=True,
                        footprint__isnull=True,
                        lineage__isnull=True,
                        fetched_footprint__isnull=True,
                    )
                    | models.Q(
                        source="fetched_footprint",
                        fetched_footprint__isnull=False,
                        own_product__isnull=True,
                        footprint__isnull=True,
                        lineage__isnull=True,
                    )
                ),
                name="bomline_source_consistent",
            ),
            models.CheckConstraint(
                condition=(
                    (models.Q(origin_unknown=False) & ~models.Q(country_of_origin=""))
                    | models.Q(origin_unknown=True, country_of_origin="", source="default_value")
                ),
                name="bomline_origin_known_or_explicitly_unknown",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.product_id} #{self.position} {self.cn_code}"


class DocumentField(models.JSONField):
    """A JSON document column inserted as one parameter per row.

    On PostgreSQL, Django 5.2 bulk-inserts through ``UNNEST`` of arrays, and psycopg quotes
    every character of large JSON texts into the array literal (most of the time of storing
    1,000 results). A field with ``get_placeholder`` opts out of ``UNNEST``.
    """

    def get_placeholder(self, value: object, compiler: object, connection: object) -> str:
        return "%s"


class AggregationStatus(models.TextChoices):
    OK = "ok", "Computed"
    FAILED = "failed", "Could not be computed"


#: The workflow of an aggregation result: every recompute replaces the product's row whole
#: (one upsert), so either outcome may follow either, and the same one again.
AGGREGATION_TRANSITIONS = StatusMachine(
    noun="aggregation result",
    initial={AggregationStatus.OK, AggregationStatus.FAILED},
    transitions={
        AggregationStatus.OK: {AggregationStatus.OK, AggregationStatus.FAILED},
        AggregationStatus.FAILED: {AggregationStatus.OK, AggregationStatus.FAILED},
    },
)


class AggregationResult(models.Model):
    """The latest aggregation of one buyer product: SEE, per-line data, exposure, versions.

    One row per product, replaced by every recompute (``exchange.boms.services.aggregation``).
    SEE figures are tCO2e per tonne of product at full engine precision (28 significant
    digits) quantised to 10 decimal places for storage; the API rounds to 5 (2025/2547).
    ``see_indirect_counted`` is the part of the indirect channel the obligation counts (the
    whole of it for cement and fertilisers; for iron, steel and aluminium only what precursors
    outside Annex II bring, the cross-over rule). ``default_share`` is the share of the counted
    SEE that comes from default values (0-1).

    ``lines``, ``provenance``, ``exposure`` and ``versions`` are JSON documents described in
    docs/boms.md; ``as_precursor`` is what a product made from this one needs of it (exact
    figures, so that an incremental recompute need not recompute this one); ``inputs_digest``
    is the SHA-256 of everything the result was computed from (the sweep recomputes a product
    whose digest changed).
    """

    product = models.OneToOneField(
        BuyerProduct, on_delete=models.CASCADE, primary_key=True, related_name="aggregation"
    )
    id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    status = models.CharField(max_length=10, choices=AggregationStatus.choices)
    see_direct = models.DecimalField(max_digits=28, decimal_places=10, null=True)
    see_indirect = models.DecimalField(max_digits=28, decimal_places=10, null=True)
    see_indirect_counted = models.DecimalField(max_digits=28, decimal_places=10, null=True)
    see_total = models.DecimalField(max_digits=28, decimal_places=10, null=True)
    default_share = models.DecimalField(max_digits=12, decimal_places=10, null=True)
    year = models.PositiveIntegerField(help_text="The year the exposure is priced for")
    certificate_price_eur = models.DecimalField(max_digits=12, decimal_places=2)
    lines = DocumentField(default=list)
    provenance = DocumentField(default=dict)
    exposure = DocumentField(default=dict)
    versions = DocumentField(default=dict)
    problems = DocumentField(default=list)
    as_precursor = DocumentField(
        default=dict,
        help_text="What a product made from this one needs of it, at full precision (SEE, "
        "default parts, SEFA per period; as it stands and on defaults): the incremental "
        "recompute takes it instead of recomputing this product",
    )
    inputs_digest = models.CharField(max_length=64)
    computed_at = models.DateTimeField()

    class Meta:
        ordering = ("product_id",)

    def __str__(self) -> str:
        return f"aggregation of {self.product_id} [{self.status}]"
