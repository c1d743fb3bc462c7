"""Versioned CBAM reference data: one ``ReferenceVersion`` per loaded file, its rows beneath it.

A version is valid from ``valid_from`` to ``valid_to`` (inclusive; open-ended when None). A
calculation for a date uses, per table, the version valid on that date, so a 2026 declaration
keeps its 2026 figures after an update. Rows are immutable once imported: a correction is a
new version. Of a version only ``valid_to`` may change, when a newer version takes over.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.db import models
from django.utils import timezone

from reference.datasets import DATASETS, DECIMAL_PLACES, MAX_DIGITS, SPECS


class Dataset(models.TextChoices):
    GOODS_CATEGORIES = "goods_categories", "Goods categories"
    CN_CODES = "cn_codes", "CN codes"
    DEFAULT_VALUES = "default_values", "Default values"
    UNKNOWN_ORIGIN_VALUES = "unknown_origin_values", "Values for an unknown origin (Annex IV)"
    BENCHMARKS = "benchmarks", "Benchmarks"
    ELECTRICITY_FACTORS = "electricity_factors", "Electricity emission factors"
    MARK_UPS = "mark_ups", "Mark-ups"
    CBAM_FACTORS = "cbam_factors", "CBAM factors"
    CSCF = "cscf", "Cross-sectoral correction factors"
    CERTIFICATE_PRICES = "certificate_prices", "Certificate prices"


assert tuple(sorted(Dataset.values)) == tuple(sorted(DATASETS)) == tuple(sorted(SPECS))


class Immutable(Exception):
    """Reference rows and versions are never rewritten; load a new version instead."""


class ReferenceVersion(models.Model):
    """One loaded file of one table: label, source notes, validity, digest and row count."""

    dataset = models.CharField(max_length=32, choices=Dataset.choices)
    number = models.PositiveIntegerField(help_text="1, 2, 3… per dataset, in load order")
    label = models.CharField(max_length=200)
    source = models.TextField(blank=True, help_text="The file's '#' source lines")
    file_name = models.CharField(max_length=255, blank=True)
    valid_from = models.DateField()
    valid_to = models.DateField(null=True, blank=True, help_text="Inclusive; empty = open-ended")
    imported_at = models.DateTimeField(default=timezone.now)
    sha256 = models.CharField(max_length=64)
    row_count = models.PositiveIntegerField()

    class Meta:
        ordering = ("dataset", "number")
        constraints: ClassVar[list[Any]] = [
            models.UniqueConstraint(
                fields=("dataset", "sha256"), name="reference_version_unique_file"
            ),
            models.UniqueConstraint(
                fields=("dataset", "number"), name="reference_version_unique_number"
            ),
            models.CheckConstraint(
                condition=models.Q(valid_to__isnull=True)
                | models.Q(valid_to__gte=models.F("valid_from")),
                name="reference_version_valid_to_after_valid_from",
            ),
            models.CheckConstraint(
                condition=models.Q(dataset__in=Dataset.values),
                name="reference_version_known_dataset",
            ),
        ]
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=("dataset", "valid_from"), name="reference_version_validity"),
        ]

    def __str__(self) -> str:
        return f"{self.dataset} v{self.number} ({self.label})"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding and set(kwargs.get("update_fields") or ()) != {"valid_to"}:
            raise Immutable("a reference version is immutable except its valid_to")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise Immutable("reference versions are kept for past years; load a new version")


class ImmutableQuerySet(models.QuerySet[Any]):
    def update(self, **kwargs: Any) -> int:
        raise Immutable("reference rows are immutable; load a new version")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise Immutable("reference rows are immutable; load a new version")


class ReferenceRow(models.Model):
    """Common part of every row: its version and its line in the loaded file."""

    line = models.PositiveIntegerField(help_text="Line of the loaded file ('#' lines counted)")

    objects = ImmutableQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise Immutable("reference rows are immutable; load a new version")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise Immutable("reference rows are immutable; load a new version")


def _version_fk(related_name: str) -> models.ForeignKey[ReferenceVersion, ReferenceVersion]:
    return models.ForeignKey(ReferenceVersion, on_delete=models.PROTECT, related_name=related_name)


def _decimal(**kwargs: Any) -> models.DecimalField[Any, Any]:
    return models.DecimalField(max_digits=MAX_DIGITS, decimal_places=DECIMAL_PLACES, **kwargs)


class GoodsCategory(ReferenceRow):
    """An aggregated goods category: unit, sector, whether indirect emissions count in the
    definitive period (Annex II of Reg. 2023/956), production routes and relevant precursors
    (communication template v2.1.1)."""

    version = _version_fk("goods_categories")
    category = models.CharField(max_length=100)
    unit = models.CharField(max_length=20)
    sector = models.CharField(max_length=50)
    indirect_counts = models.BooleanField()
    route_relevant = models.BooleanField()
    production_routes = models.JSONField(default=list)
    relevant_precursors = models.JSONField(default=list, help_text="Category names")
    relevant_precursors_text = models.TextField(blank=True)
    indirect_definitive_template = models.CharField(max_length=100, blank=True)
    indirect_transitional_template = models.CharField(max_length=100, blank=True)

    class Meta:
        ordering = ("version", "line")
        verbose_name_plural = "goods categories"
        constraints: ClassVar[list[Any]] = [
            models.UniqueConstraint(
                fields=("version", "category"), name="reference_goodscategory_unique"
            )
        ]

    def __str__(self) -> str:
        return self.category


class CnCode(ReferenceRow):
    """An 8-digit CN code of Annex I of Reg. 2023/956 and its aggregated goods category; for a
    code created by a later CN (e.g. CN 2026), its CN 2025 ``predecessor``."""

    version = _version_fk("cn_codes")
    cn_code = models.CharField(max_length=8)
    category = models.CharField(max_length=100)
    description = models.TextField(blank=True)
    predecessor = models.CharField(
        max_length=8,
        blank=True,
        help_text="For a code a new CN created: the CN 2025 code whose default values and "
        "benchmarks apply to it",
    )

    class Meta:
        ordering = ("version", "cn_code")
        verbose_name = "CN code"
        constraints: ClassVar[list[Any]] = [
            models.UniqueConstraint(fields=("version", "cn_code"), name="reference_cncode_unique")
        ]

    def __str__(self) -> str:
        return f"{self.cn_code} {self.category}"


class DefaultValue(ReferenceRow):
    """IR 2025/2621 Annex I: default SEE (tCO2e/t, without mark-up) of a CN code (4, 6 or 8
    digits) for a country of origin ("OTHER" = other countries and territories), and the
    benchmark route the annex assigns."""

    version = _version_fk("default_values")
    cn_code = models.CharField(max_length=8)
    country = models.CharField(max_length=5)
    direct_tco2e_per_t = _decimal()
    indirect_tco2e_per_t = _decimal(null=True, blank=True)
    production_route = models.CharField(max_length=10, blank=True)

    class Meta:
        ordering = ("version", "line")
        constraints: ClassVar[list[Any]] = [
            models.UniqueConstraint(
                fields=("version", "cn_code", "country"), name="reference_defaultvalue_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.cn_code}/{self.country}"


class UnknownOriginValue(ReferenceRow):
    """IR 2025/2621 Art. 1(5) and Annex IV: the value (tCO2e/t, without mark-up) of a precursor
    of a CN code (4, 6 or 8 digits) whose country of production cannot be identified; never
    the "Other countries" value of Annex I. ``source`` says where it was read."""

    version = _version_fk("unknown_origin_values")
    cn_code = models.CharField(max_length=8)
    direct_tco2e_per_t = _decimal()
    indirect_tco2e_per_t = _decimal(null=True, blank=True)
    production_route = models.CharField(max_length=10, blank=True)
    source = models.TextField()

    class Meta:
        ordering = ("version", "line")
        verbose_name = "value for an unknown origin (Annex IV)"
        constraints: ClassVar[list[Any]] = [
            models.UniqueConstraint(
                fields=("version", "cn_code"), name="reference_unknownorigin_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.cn_code}/unknown origin"


class Benchmark(ReferenceRow):
    """IR 2025/2620 Annex: a benchmark (tCO2e/t) of a CN code, column A (BMg*, actual data)
    or B (BMg, default values), route qualifier ("" = any) and period (None = all years,
    1 = 2026-2027, 2 = 2028-2030)."""

    version = _version_fk("benchmarks")
    cn_code = models.CharField(max_length=8)
    column = models.CharField(max_length=1)
    qualifier = models.CharField(max_length=2, blank=True)
    period = models.PositiveSmallIntegerField(null=True, blank=True)
    benchmark_tco2e_per_t = _decimal()
    description = models.TextField(blank=True)

    class Meta:
        ordering = ("version", "line")
        constraints: ClassVar[list[Any]] = [
            # Its index also serves lookups by (version, cn_code). NULL periods are distinct in
            # a unique constraint: the loader refuses repeated keys itself.
            models.UniqueConstraint(
                fields=("version", "cn_code", "column", "qualifier", "period"),
                name="reference_benchmark_unique",
            )
        ]

    def __str__(self) -> str:
        return f"{self.cn_code} {self.column}{self.qualifier} {self.period or ''}".strip()


class ElectricityFactor(ReferenceRow):
    """IR 2025/2621 grid emission factor of a country (tCO2/MWh): annex "II" for electricity
    consumed in production (indirect emissions), "III" for imported electricity."""

    version = _version_fk("electricity_factors")
    country = models.CharField(max_length=5)
    annex = models.CharField(max_length=3)
    tco2_per_mwh = _decimal()

    class Meta:
        ordering = ("version", "line")
        # No unique constraint: the shipped file gives four countries from two agreeing sources.
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=("version", "country"), name="reference_electricity_country")
        ]

    def __str__(self) -> str:
        return f"{self.country} annex {self.annex}"


class MarkUp(ReferenceRow):
    """Mark-up on default values of a sector from a year on (IR 2025/2621); 0.10 = +10 %."""

    version = _version_fk("mark_ups")
    sector = models.CharField(max_length=50)
    valid_from_year = models.PositiveSmallIntegerField()
    mark_up = _decimal()

    class Meta:
        ordering = ("version", "sector", "valid_from_year")
        constraints: ClassVar[list[Any]] = [
            models.UniqueConstraint(
                fields=("version", "sector", "valid_from_year"), name="reference_markup_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.sector} {self.valid_from_year}"


class CbamFactor(ReferenceRow):
    """CBAM factor from a year on, Directive 2003/87/EC Art. 10a(1a); 0.975 = 97.5 %."""

    version = _version_fk("cbam_factors")
    valid_from_year = models.PositiveSmallIntegerField()
    cbam_factor = _decimal()

    class Meta:
        ordering = ("version", "valid_from_year")
        constraints: ClassVar[list[Any]] = [
            models.UniqueConstraint(
                fields=("version", "valid_from_year"), name="reference_cbamfactor_unique"
            )
        ]

    def __str__(self) -> str:
        return str(self.valid_from_year)


class Cscf(ReferenceRow):
    """Cross-sectoral correction factor of a year (Directive 2003/87/EC Art. 10a(5)); 1 and
    ``published`` False until the Commission publishes it."""

    version = _version_fk("cscf")
    year = models.PositiveSmallIntegerField()
    cscf = _decimal()
    published = models.BooleanField()

    class Meta:
        ordering = ("version", "year")
        verbose_name = "CSCF"
        verbose_name_plural = "CSCF"
        constraints: ClassVar[list[Any]] = [
            models.UniqueConstraint(fields=("version", "year"), name="reference_cscf_unique")
        ]

    def __str__(self) -> str:
        return str(self.year)


class CertificatePrice(ReferenceRow):
    """A published CBAM certificate price (Reg. 2023/956 Art. 21 as amended by Reg. 2025/2083;
    IR 2025/2548): EUR per certificate for goods imported from ``period_start`` to
    ``period_end`` (a quarter of 2026, a Monday-to-Sunday week from 2027), published on
    ``publication_date``; ``source`` says where the figure was read."""

    version = _version_fk("certificate_prices")
    period_start = models.DateField()
    period_end = models.DateField()
    kind = models.CharField(max_length=10, help_text="quarterly (2026) or weekly (2027 on)")
    price_eur = _decimal(help_text="EUR per certificate")
    publication_date = models.DateField()
    source = models.TextField()

    class Meta:
        ordering = ("version", "period_start")
        constraints: ClassVar[list[Any]] = [
            models.UniqueConstraint(
                fields=("version", "kind", "period_start"), name="reference_certprice_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.period_start}"


ROW_MODELS: dict[str, type[ReferenceRow]] = {
    Dataset.GOODS_CATEGORIES: GoodsCategory,
    Dataset.CN_CODES: CnCode,
    Dataset.DEFAULT_VALUES: DefaultValue,
    Dataset.UNKNOWN_ORIGIN_VALUES: UnknownOriginValue,
    Dataset.BENCHMARKS: Benchmark,
    Dataset.ELECTRICITY_FACTORS: ElectricityFactor,
    Dataset.MARK_UPS: MarkUp,
    Dataset.CBAM_FACTORS: CbamFactor,
    Dataset.CSCF: Cscf,
    Dataset.CERTIFICATE_PRICES: CertificatePrice,
}
