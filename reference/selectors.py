"""Reads of the reference data: which version is valid on a date, and the engine's snapshot.

Per table, the version valid on a date is the one with ``valid_from <= date <= valid_to``
(``valid_to`` empty = open-ended); where several are (a correction loaded with the same start),
the latest imported wins. A calculation for 2026 therefore keeps 2026 figures after a 2027
version is loaded.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.db.models import Q, QuerySet, Value

from cbam.certificate_prices import (
    AppliedCertificatePrice,
    CertificatePriceRow,
    PriceAssumption,
    last_published_price,
    price_for_importation,
)
from cbam.reference import ReferenceSnapshot
from cbam.statutory import ORIGIN_UNKNOWN
from cbam.types import (
    BenchmarkRow,
    CbamFactorRow,
    DefaultValueRow,
    ElectricityFactorRow,
    MarkUpRow,
)
from reference.datasets import DATASETS, SNAPSHOT_DATASETS
from reference.errors import ReferenceDataMissing
from reference.models import (
    Benchmark,
    CbamFactor,
    CertificatePrice,
    CnCode,
    Cscf,
    Dataset,
    DefaultValue,
    ElectricityFactor,
    GoodsCategory,
    MarkUp,
    ReferenceVersion,
    UnknownOriginValue,
)

SNAPSHOT_CACHE_SIZE = 16


def _valid_on(on: date) -> Q:
    return Q(valid_from__lte=on) & (Q(valid_to__isnull=True) | Q(valid_to__gte=on))


def reference_versions_valid_on(
    *, on: date, datasets: Iterable[str] = DATASETS
) -> dict[str, ReferenceVersion]:
    """Per table, the version valid on ``on`` (latest imported if several), in one query.

    Tables without a version valid that day are absent from the result.
    """
    found: dict[str, ReferenceVersion] = {}
    versions = (
        ReferenceVersion.objects.filter(_valid_on(on), dataset__in=list(datasets))
        .defer("source")
        .order_by("-imported_at", "-id")
    )
    for version in versions:
        found.setdefault(version.dataset, version)
    return found


def reference_version_valid_on(*, dataset: str, on: date) -> ReferenceVersion | None:
    """The version of ``dataset`` valid on ``on``, or None."""
    return reference_versions_valid_on(on=on, datasets=(dataset,)).get(dataset)


def reference_versions_superseded(*, version_ids: Iterable[int], on: date) -> list[dict[str, str]]:
    """Of the versions a stored result was computed with, those no longer in force on ``on``
    (a newer version of the same table has been loaded since), each with the one that is: what
    a page or an answer shows so that a figure is never taken for today's when it is not.
    Two queries."""
    used = ReferenceVersion.objects.filter(pk__in=list(version_ids)).defer("source")
    in_force = reference_versions_valid_on(on=on)
    superseded = []
    for version in sorted(used, key=lambda v: (v.dataset, v.number)):
        now = in_force.get(version.dataset)
        if now is not None and now.pk != version.pk:
            superseded.append(
                {"dataset": version.dataset, "used": str(version), "in_force": str(now)}
            )
    return superseded


def reference_versions_list(*, dataset: str | None = None) -> QuerySet[ReferenceVersion]:
    """Every loaded version, by table and number (all are kept for past years)."""
    versions = ReferenceVersion.objects.defer("source").order_by("dataset", "number", "id")
    return versions.filter(dataset=dataset) if dataset else versions


def cn_code_category(*, cn_code: str, on: date) -> str | None:
    """The aggregated goods category of an 8-digit CN code (Annex I of Reg. 2023/956) on
    ``on``; None when the code is outside CBAM or no CN-code list is valid then."""
    return (
        CnCode.objects.filter(version__in=_version_ids(Dataset.CN_CODES, on), cn_code=cn_code)
        .values_list("category", flat=True)
        .first()
    )


def goods_category_get(*, category: str, on: date) -> GoodsCategory | None:
    """A goods category valid on ``on``: unit, sector, whether indirect emissions count
    (Annex II of Reg. 2023/956), production routes and relevant precursors (category names)."""
    return GoodsCategory.objects.filter(
        version__in=_version_ids(Dataset.GOODS_CATEGORIES, on), category=category
    ).first()


def goods_category_for_cn_code(*, cn_code: str, on: date) -> GoodsCategory | None:
    """The goods category of a CN code on ``on`` (routes, precursors, indirect rule)."""
    category = cn_code_category(cn_code=cn_code, on=on)
    return None if category is None else goods_category_get(category=category, on=on)


def _version_ids(dataset: str, on: date) -> list[int]:
    version = reference_version_valid_on(dataset=dataset, on=on)
    return [] if version is None else [version.pk]


# --------------------------------------------------------------------------- certificate prices

#: The setting that holds the price assumed where none is published, and how outputs name it.
PRICE_ASSUMPTION_SETTING = "CBAM_CERTIFICATE_PRICE_EUR"


def certificate_price_assumption() -> PriceAssumption:
    """The explicit price used where no certificate price is published for a period (the
    setting ``CBAM_CERTIFICATE_PRICE_EUR``, an illustrative figure): every output that uses it
    labels it as an assumption."""
    price = Decimal(str(getattr(settings, PRICE_ASSUMPTION_SETTING)))
    return PriceAssumption(
        price_eur=price,
        source=f"setting {PRICE_ASSUMPTION_SETTING} = {price}",
    )


def certificate_price_rows(*, on: date) -> tuple[CertificatePriceRow, ...]:
    """The published certificate prices of the ``certificate_prices`` version valid on ``on``
    (none when no version is), each citing ``certificate_prices v<n> (<label>) line <line>``.
    One query for the version, one for its rows."""
    version = reference_version_valid_on(dataset=Dataset.CERTIFICATE_PRICES, on=on)
    if version is None:
        return ()
    prefix = f"{version} line"
    return tuple(
        CertificatePriceRow(
            period_start=start,
            period_end=end,
            kind="weekly" if kind == "weekly" else "quarterly",
            price_eur=_plain(price),
            publication_date=published,
            source=source,
            ref=f"{prefix} {line}",
        )
        for start, end, kind, price, published, source, line in CertificatePrice.objects.filter(
            version=version
        )
        .order_by("period_start", "kind")
        .values_list(
            "period_start", "period_end", "kind", "price_eur", "publication_date", "source", "line"
        )
    )


def certificate_price_for_importation(*, on: date) -> AppliedCertificatePrice:
    """The certificate price for goods imported on ``on`` (Reg. 2023/956 Art. 21 as amended:
    the average of its quarter in 2026, of its calendar week from 2027), from the version
    valid on that day; the labelled assumption where none is published."""
    return price_for_importation(
        certificate_price_rows(on=on), on=on, assumption=certificate_price_assumption()
    )


def certificate_price_last_published(*, as_of: date) -> AppliedCertificatePrice:
    """The certificate price published last on or before ``as_of``, with its period and date
    (what exposure and projections are priced at); the labelled assumption when none is."""
    return last_published_price(
        certificate_price_rows(on=as_of), as_of=as_of, assumption=certificate_price_assumption()
    )


# --------------------------------------------------------------------------- snapshot

# (dataset, id, sha256, number, label) per table: what the snapshot's content depends on. The
# digest is in the key because SQLite may reuse the id of a rolled-back version.
_VersionKey = tuple[str, int, str, int, str]


def reference_snapshot_for(*, on: date) -> ReferenceSnapshot:
    """The engine's :class:`ReferenceSnapshot` of the versions valid on ``on``.

    Each row's ``ref`` names its table, version number, label and line in the loaded file,
    e.g. ``default_values v2 (IR 2025/2621 Annex I (workbook 2026-02-04)) line 35``. Exempt
    origins (Annex III of Reg. 2023/956, EU member states) come from the engine's statutory
    tables. Snapshots are immutable and cached in-process per set of versions.

    Raises :class:`ReferenceDataMissing` when a table has no version valid on ``on``.
    """
    versions = reference_versions_valid_on(on=on)
    missing = [dataset for dataset in SNAPSHOT_DATASETS if dataset not in versions]
    if missing:
        raise ReferenceDataMissing(
            f"no reference data valid on {on.isoformat()} for {', '.join(missing)}: "
            "load it with manage.py load_reference_data (or load_reference_version)",
            extra={"on": on.isoformat(), "datasets": missing},
        )
    key = tuple(
        (dataset, v.pk, v.sha256, v.number, v.label)
        for dataset in SNAPSHOT_DATASETS
        for v in (versions[dataset],)
    )
    return _snapshot_build(key)


def reference_snapshot_cache_clear() -> None:
    _snapshot_build.cache_clear()


def _plain(value: Decimal) -> Decimal:
    """The stored value without the trailing zeros of the 10 stored places (3.1868926550 ->
    3.186892655, 10.0000000000 -> 10), as the annex prints it."""
    if value == value.to_integral_value():
        return value.quantize(Decimal(1))
    return value.normalize()


@lru_cache(maxsize=SNAPSHOT_CACHE_SIZE)
def _snapshot_build(key: tuple[_VersionKey, ...]) -> ReferenceSnapshot:
    ids = {dataset: pk for dataset, pk, _, _, _ in key}
    prefix = {dataset: f"{dataset} v{number} ({label})" for dataset, _, _, number, label in key}
    numbers = ", ".join(f"{dataset} v{number}" for dataset, _, _, number, _ in key)

    def ref(dataset: str, line: int) -> str:
        return f"{prefix[dataset]} line {line}"

    categories = list(
        GoodsCategory.objects.filter(version_id=ids[Dataset.GOODS_CATEGORIES]).values_list(
            "category", "indirect_counts", "sector"
        )
    )
    cn_codes = list(
        CnCode.objects.filter(version_id=ids[Dataset.CN_CODES]).values_list(
            "cn_code", "category", "predecessor"
        )
    )
    category_by_cn = {cn_code: category for cn_code, category, _ in cn_codes}
    predecessor_by_cn = {cn_code: before for cn_code, _, before in cn_codes if before}
    value_columns = ("direct_tco2e_per_t", "indirect_tco2e_per_t", "production_route", "line")

    def default_rows(rows: Any, dataset: str) -> list[DefaultValueRow]:
        return [
            DefaultValueRow(
                cn_code=cn_code,
                country=country,
                see_direct=_plain(direct),
                see_indirect=None if indirect is None else _plain(indirect),
                production_route=route,
                ref=ref(dataset, line),
            )
            for cn_code, country, direct, indirect, route, line in rows.order_by("line")
        ]

    default_values = default_rows(
        DefaultValue.objects.filter(version_id=ids[Dataset.DEFAULT_VALUES]).values_list(
            "cn_code", "country", *value_columns
        ),
        Dataset.DEFAULT_VALUES,
    )
    # IR 2025/2621 Annex IV: a precursor whose country of production cannot be identified.
    unknown_origin_values = default_rows(
        UnknownOriginValue.objects.filter(
            version_id=ids[Dataset.UNKNOWN_ORIGIN_VALUES]
        ).values_list("cn_code", Value(ORIGIN_UNKNOWN), *value_columns),
        Dataset.UNKNOWN_ORIGIN_VALUES,
    )
    benchmarks = [
        BenchmarkRow(
            cn_code=cn_code,
            column="A" if column == "A" else "B",
            qualifier=qualifier,
            period=period,
            value_tco2e_per_t=_plain(value),
            ref=ref(Dataset.BENCHMARKS, line),
        )
        for cn_code, column, qualifier, period, value, line in Benchmark.objects.filter(
            version_id=ids[Dataset.BENCHMARKS]
        )
        .order_by("line")
        .values_list("cn_code", "column", "qualifier", "period", "benchmark_tco2e_per_t", "line")
    ]
    # Annex II factors only: electricity consumed in production (indirect emissions).
    electricity_factors = [
        ElectricityFactorRow(
            country=country,
            tco2_per_mwh=_plain(value),
            ref=ref(Dataset.ELECTRICITY_FACTORS, line),
        )
        for country, value, line in ElectricityFactor.objects.filter(
            version_id=ids[Dataset.ELECTRICITY_FACTORS], annex="II"
        )
        .order_by("line")
        .values_list("country", "tco2_per_mwh", "line")
    ]
    mark_ups = tuple(
        MarkUpRow(
            sector=sector,
            valid_from_year=year,
            mark_up=_plain(value),
            ref=ref(Dataset.MARK_UPS, line),
        )
        for sector, year, value, line in MarkUp.objects.filter(version_id=ids[Dataset.MARK_UPS])
        .order_by("line")
        .values_list("sector", "valid_from_year", "mark_up", "line")
    )
    cbam_factors = tuple(
        CbamFactorRow(
            valid_from_year=year, factor=_plain(value), ref=ref(Dataset.CBAM_FACTORS, line)
        )
        for year, value, line in CbamFactor.objects.filter(version_id=ids[Dataset.CBAM_FACTORS])
        .order_by("line")
        .values_list("valid_from_year", "cbam_factor", "line")
    )
    # Unpublished years stay out: the engine then applies 1 and says "not published".
    cscf_by_year = {
        year: _plain(value)
        for year, value in Cscf.objects.filter(
            version_id=ids[Dataset.CSCF], published=True
        ).values_list("year", "cscf")
    }
    return ReferenceSnapshot(
        category_by_cn=category_by_cn,
        default_values=default_values,
        benchmarks=benchmarks,
        electricity_factors=electricity_factors,
        indirect_counts_by_category={name: counts for name, counts, _ in categories},
        sector_by_category={name: sector for name, _, sector in categories},
        mark_ups=mark_ups,
        cbam_factors=cbam_factors,
        cscf_by_year=cscf_by_year,
        unknown_origin_values=unknown_origin_values,
        predecessor_by_cn=predecessor_by_cn,
        label=f"reference data: {numbers}",
    )
