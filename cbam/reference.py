"""``ReferenceSnapshot``: every reference table a calculation reads, as one in-memory bundle.

Services build it from the database (or ``csv_snapshot`` from the CSV files) and pass it in;
the engine never loads data itself. A snapshot is one version of the annexes: the service picks
the version valid for the year asked, so old years keep their old values.

Construction takes plain rows and mappings; the lookup indexes are built once in
``__post_init__``. Two rows for the same key are accepted only when they agree (the CSV
transcriptions repeat some electricity factors from two sources); otherwise construction fails,
because a lookup would silently depend on row order.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from cbam import statutory
from cbam.types import (
    ONE,
    BenchmarkRow,
    CbamFactorRow,
    DefaultValueRow,
    ElectricityFactorRow,
    MarkUpRow,
)


def _index_unique(rows: Sequence[Any], key_of: Any, same: Any, what: str) -> dict[Any, Any]:
    index: dict[Any, Any] = {}
    for row in rows:
        key = key_of(row)
        first = index.get(key)
        if first is None:
            index[key] = row
        elif not same(first, row):
            raise ValueError(f"conflicting {what} rows for {key}: {first.ref} and {row.ref}")
    return index


@dataclass(frozen=True, eq=False)
class ReferenceSnapshot:
    """Reference tables for one calculation.

    - ``category_by_cn``: 8-digit CN code -> aggregated goods category (Annex I of
      Reg. 2023/956); a CN code absent here is outside CBAM.
    - ``default_values``: IR 2025/2621 Annex I rows; ``benchmarks``: IR 2025/2620 rows;
      ``electricity_factors``: IR 2025/2621 Annex II rows.
    - ``indirect_counts_by_category``, ``sector_by_category``, ``mark_ups``, ``cbam_factors``,
      ``exempt_countries``: statutory tables (defaults in ``statutory``).
    - ``cscf_by_year``: cross-sectoral correction factor; a missing year means 1 (not yet
      published for 2026-2030).
    - ``predecessor_by_cn``: a CN code a later nomenclature created (e.g. CN 2026 7308 20 10)
      -> the CN 2025 code its default values and benchmarks are looked up for.
    - ``unknown_origin_values``: IR 2025/2621 Annex IV rows (country ``UNKNOWN``): the values
      of a precursor whose country of production cannot be identified (Art. 1(5)).
    - ``label``: names the version, shown with results.
    """

    category_by_cn: Mapping[str, str]
    default_values: Sequence[DefaultValueRow] = ()
    benchmarks: Sequence[BenchmarkRow] = ()
    electricity_factors: Sequence[ElectricityFactorRow] = ()
    indirect_counts_by_category: Mapping[str, bool] = field(
        default_factory=lambda: dict(statutory.INDIRECT_EMISSIONS_COUNT)
    )
    sector_by_category: Mapping[str, str] = field(
        default_factory=lambda: dict(statutory.SECTOR_BY_CATEGORY)
    )
    mark_ups: Sequence[MarkUpRow] = statutory.MARK_UPS
    cbam_factors: Sequence[CbamFactorRow] = statutory.CBAM_FACTORS
    exempt_countries: frozenset[str] = statutory.EXEMPT_COUNTRIES
    cscf_by_year: Mapping[int, Decimal] = field(default_factory=dict)
    unknown_origin_values: Sequence[DefaultValueRow] = ()
    predecessor_by_cn: Mapping[str, str] = field(default_factory=dict)
    label: str = ""

    _defaults: dict[tuple[str, str], DefaultValueRow] = field(init=False, repr=False)
    _unknown_origin: dict[str, DefaultValueRow] = field(init=False, repr=False)
    _benchmarks: dict[str, tuple[BenchmarkRow, ...]] = field(init=False, repr=False)
    _electricity: dict[str, ElectricityFactorRow] = field(init=False, repr=False)
    _mark_ups: dict[str, tuple[MarkUpRow, ...]] = field(init=False, repr=False)
    _cbam_factors: tuple[CbamFactorRow, ...] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        missing = sorted(set(self.category_by_cn.values()) - set(self.indirect_counts_by_category))
        if missing:
            raise ValueError(f"categories without an indirect-emissions rule: {missing}")
        defaults = _index_unique(
            self.default_values,
            lambda r: (r.cn_code, r.country),
            lambda a, b: (
                (a.see_direct, a.see_indirect, a.production_route)
                == (b.see_direct, b.see_indirect, b.production_route)
            ),
            "default value",
        )
        unknown_origin = _index_unique(
            self.unknown_origin_values,
            lambda r: r.cn_code,
            lambda a, b: (a.see_direct, a.see_indirect) == (b.see_direct, b.see_indirect),
            "Annex IV value",
        )
        benchmark_index = _index_unique(
            self.benchmarks,
            lambda r: (r.cn_code, r.column, r.qualifier, r.period),
            lambda a, b: a.value_tco2e_per_t == b.value_tco2e_per_t,
            "benchmark",
        )
        benchmarks: dict[str, list[BenchmarkRow]] = {}
        for row in benchmark_index.values():
            benchmarks.setdefault(row.cn_code, []).append(row)
        electricity = _index_unique(
            self.electricity_factors,
            lambda r: r.country,
            lambda a, b: a.tco2_per_mwh == b.tco2_per_mwh,
            "electricity factor",
        )
        mark_ups: dict[str, list[MarkUpRow]] = {}
        for mark_up in self.mark_ups:
            mark_ups.setdefault(mark_up.sector, []).append(mark_up)
        object.__setattr__(self, "_defaults", defaults)
        object.__setattr__(self, "_unknown_origin", unknown_origin)
        object.__setattr__(self, "_benchmarks", {k: tuple(v) for k, v in benchmarks.items()})
        object.__setattr__(self, "_electricity", electricity)
        object.__setattr__(
            self,
            "_mark_ups",
            {k: tuple(sorted(v, key=lambda r: r.valid_from_year)) for k, v in mark_ups.items()},
        )
        object.__setattr__(
            self, "_cbam_factors", tuple(sorted(self.cbam_factors, key=lambda r: r.valid_from_year))
        )

    # Exact lookups; the fallbacks (CN prefixes, "OTHER", routes) live in defaults.py and
    # free_allocation.py.

    def category(self, cn_code: str) -> str | None:
        return self.category_by_cn.get(cn_code)

    def indirect_counts(self, category: str) -> bool:
        return self.indirect_counts_by_category[category]

    def sector(self, category: str) -> str:
        return self.sector_by_category.get(category, category)

    def is_exempt(self, country: str | None) -> bool:
        return country is not None and country in self.exempt_countries

    def default_row(self, cn_code: str, country: str) -> DefaultValueRow | None:
        return self._defaults.get((cn_code, country))

    def lookup_code(self, cn_code: str) -> str:
        """The code the annexes (written in CN 2025) are read for: ``cn_code`` itself, or the
        CN 2025 predecessor of a code a later CN created."""
        return self.predecessor_by_cn.get(cn_code, cn_code)

    def unknown_origin_row(self, cn_code: str) -> DefaultValueRow | None:
        """The Annex IV row of ``cn_code`` exactly (4, 6 or 8 digits), or None."""
        return self._unknown_origin.get(cn_code)

    def benchmark_rows(self, cn_code: str) -> tuple[BenchmarkRow, ...]:
        return self._benchmarks.get(cn_code, ())

    def electricity_factor(self, country: str) -> ElectricityFactorRow | None:
        return self._electricity.get(country)

    def mark_up_row(self, sector: str, year: int) -> MarkUpRow | None:
        """The sector's mark-up row valid in ``year`` (None: no mark-up applies)."""
        found = None
        for row in self._mark_ups.get(sector, ()):
            if row.valid_from_year <= year:
                found = row
        return found

    def cbam_factor_row(self, year: int) -> CbamFactorRow | None:
        found = None
        for row in self._cbam_factors:
            if row.valid_from_year <= year:
                found = row
        return found

    def cscf(self, year: int) -> Decimal:
        return self.cscf_by_year.get(year, ONE)
