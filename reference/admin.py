"""Read-only admin: versions listed with their validity, rows browsable per version.

Versions are loaded with ``manage.py load_reference_version`` (every row checked first);
nothing here edits or deletes reference data.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from reference.models import (
    Benchmark,
    CbamFactor,
    CertificatePrice,
    CnCode,
    Cscf,
    DefaultValue,
    ElectricityFactor,
    GoodsCategory,
    MarkUp,
    ReferenceVersion,
    UnknownOriginValue,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(ReferenceVersion)
class ReferenceVersionAdmin(ReadOnlyAdmin):
    list_display = (
        "dataset",
        "number",
        "label",
        "valid_from",
        "valid_to",
        "row_count",
        "imported_at",
        "file_name",
    )
    list_filter = ("dataset",)
    search_fields = ("label", "file_name", "sha256")
    ordering = ("dataset", "-number")


class RowAdmin(ReadOnlyAdmin):
    list_filter = ("version",)
    list_select_related = ("version",)


@admin.register(GoodsCategory)
class GoodsCategoryAdmin(RowAdmin):
    list_display = ("category", "sector", "indirect_counts", "unit", "version", "line")
    search_fields = ("category",)


@admin.register(CnCode)
class CnCodeAdmin(RowAdmin):
    list_display = ("cn_code", "category", "version", "line")
    search_fields = ("cn_code", "category", "description")


@admin.register(DefaultValue)
class DefaultValueAdmin(RowAdmin):
    list_display = (
        "cn_code",
        "country",
        "direct_tco2e_per_t",
        "indirect_tco2e_per_t",
        "production_route",
        "version",
        "line",
    )
    search_fields = ("cn_code", "country")


@admin.register(UnknownOriginValue)
class UnknownOriginValueAdmin(RowAdmin):
    list_display = (
        "cn_code",
        "direct_tco2e_per_t",
        "indirect_tco2e_per_t",
        "production_route",
        "version",
        "line",
    )
    search_fields = ("cn_code",)


@admin.register(Benchmark)
class BenchmarkAdmin(RowAdmin):
    list_display = (
        "cn_code",
        "column",
        "qualifier",
        "period",
        "benchmark_tco2e_per_t",
        "version",
        "line",
    )
    search_fields = ("cn_code",)


@admin.register(ElectricityFactor)
class ElectricityFactorAdmin(RowAdmin):
    list_display = ("country", "annex", "tco2_per_mwh", "version", "line")
    search_fields = ("country",)


@admin.register(MarkUp)
class MarkUpAdmin(RowAdmin):
    list_display = ("sector", "valid_from_year", "mark_up", "version", "line")


@admin.register(CbamFactor)
class CbamFactorAdmin(RowAdmin):
    list_display = ("valid_from_year", "cbam_factor", "version", "line")


@admin.register(Cscf)
class CscfAdmin(RowAdmin):
    list_display = ("year", "cscf", "published", "version", "line")


@admin.register(CertificatePrice)
class CertificatePriceAdmin(RowAdmin):
    list_display = (
        "kind",
        "period_start",
        "period_end",
        "price_eur",
        "publication_date",
        "version",
        "line",
    )
