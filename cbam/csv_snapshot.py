"""Build a :class:`ReferenceSnapshot` from the reference CSV files (tests, benchmark, tools).

The product's files are in ``reference/data/``; the platform loads them into the database as
versioned tables (``manage.py load_reference_data``) and builds the same snapshot from there
(``reference.selectors.reference_snapshot_for``).

Files (the same columns as the shared reference set; lines starting with ``#`` are the source
notes and are skipped):

- ``cn-codes-aggregated-goods-categories.csv`` (version 1) or ``cn-codes-cn2026.csv``
  (version 2, CN 2026, in force from 1 January 2026): cn_code, aggregated_goods_category, and
  in version 2 cn2025_predecessor (a code CN 2026 created -> the CN 2025 code whose default
  values and benchmarks it takes)
- ``default-values-ir2025-2621.csv`` (version 1, the earlier workbook at full precision) or
  ``default-values-ir2026-1740.csv`` (version 2: Annex I as replaced by IR 2026/1740, which
  supersedes version 1 from the same date, 1 January 2026): cn_code, country,
  direct_tco2e_per_t, indirect_tco2e_per_t (blank = none published), production_route.
  ``snapshot_from_csv`` reads the one it is given: by default version 1 (``DEFAULT_VALUES_FILE``,
  whose rows the engine and validation tests pin); ``DEFAULT_VALUES_IN_FORCE_FILE`` is the
  one the platform's database snapshot uses for 2026.
- ``benchmarks-ir2025-2620.csv``: cn_code, column, qualifier, period, benchmark_tco2e_per_t
- ``electricity-emission-factors-ir2025-2621.csv``: country, annex, tco2_per_mwh (only
  annex II rows: factors for electricity consumed in production)
- ``unknown-origin-values-ir2026-1740.csv`` (read when present): cn_code, direct_tco2e_per_t,
  indirect_tco2e_per_t, production_route: IR 2025/2621 Annex IV, the values of a precursor whose
  country of production cannot be identified (``statutory.ORIGIN_UNKNOWN``)

Each row's ``ref`` is ``<file name>:<line number>`` so provenance points at the line.
The statutory tables (indirect rule per category, sectors, mark-ups, CBAM factors, exempt
countries) come from ``statutory``; the CSV's template flag for ammonia is deliberately not
used (see ``statutory.INDIRECT_EMISSIONS_COUNT``).
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

from cbam.reference import ReferenceSnapshot
from cbam.statutory import ORIGIN_UNKNOWN
from cbam.types import BenchmarkRow, DefaultValueRow, ElectricityFactorRow

CN_CODES_FILE = "cn-codes-aggregated-goods-categories.csv"
# CN 2026: shipped as version 2 of the CN codes, in force from 1 January 2026.
CN_CODES_IN_FORCE_FILE = "cn-codes-cn2026.csv"
DEFAULT_VALUES_FILE = "default-values-ir2025-2621.csv"
# Annex I as replaced by IR 2026/1740: shipped as version 2, in force from 1 January 2026.
DEFAULT_VALUES_IN_FORCE_FILE = "default-values-ir2026-1740.csv"
BENCHMARKS_FILE = "benchmarks-ir2025-2620.csv"
ELECTRICITY_FACTORS_FILE = "electricity-emission-factors-ir2025-2621.csv"
UNKNOWN_ORIGIN_FILE = "unknown-origin-values-ir2026-1740.csv"


def _rows(path: Path) -> Iterator[tuple[int, dict[str, str]]]:
    """(line number, row) per data row; ``#`` lines are notes, the first other line the header."""
    with path.open(encoding="utf-8", newline="") as handle:
        numbered = ((n, line) for n, line in enumerate(handle, start=1) if not line.startswith("#"))
        numbers: list[int] = []

        def lines() -> Iterator[str]:
            for n, line in numbered:
                numbers.append(n)
                yield line

        reader = csv.DictReader(lines())
        for row in reader:
            # csv may consume several physical lines for one quoted row: report the last read.
            yield numbers[-1], {k: (v or "").strip() for k, v in row.items() if k is not None}


def _default_row(row: dict[str, str], country: str, ref: str) -> DefaultValueRow:
    return DefaultValueRow(
        cn_code=row["cn_code"],
        country=country,
        see_direct=Decimal(row["direct_tco2e_per_t"]),
        see_indirect=Decimal(row["indirect_tco2e_per_t"]) if row["indirect_tco2e_per_t"] else None,
        production_route=row.get("production_route", ""),
        ref=ref,
    )


def snapshot_from_csv(
    directory: str | Path,
    *,
    label: str | None = None,
    default_values_file: str = DEFAULT_VALUES_FILE,
    cn_codes_file: str = CN_CODES_FILE,
) -> ReferenceSnapshot:
    """A snapshot of the four annex tables in ``directory`` plus the statutory tables; the
    default values from ``default_values_file``, the CN codes from ``cn_codes_file`` (names in
    ``directory``)."""
    directory = Path(directory)
    cn_codes = [row for _, row in _rows(directory / cn_codes_file)]
    category_by_cn = {row["cn_code"]: row["aggregated_goods_category"] for row in cn_codes}
    predecessor_by_cn = {
        row["cn_code"]: row["cn2025_predecessor"]
        for row in cn_codes
        if row.get("cn2025_predecessor")
    }
    default_values = [
        _default_row(row, row["country"], f"{default_values_file}:{line}")
        for line, row in _rows(directory / default_values_file)
    ]
    unknown_origin = directory / UNKNOWN_ORIGIN_FILE
    unknown_origin_values = (
        [
            _default_row(row, ORIGIN_UNKNOWN, f"{UNKNOWN_ORIGIN_FILE}:{line}")
            for line, row in _rows(unknown_origin)
        ]
        if unknown_origin.exists()
        else []
    )
    benchmarks = [
        BenchmarkRow(
            cn_code=row["cn_code"],
            column="A" if row["column"] == "A" else "B",
            qualifier=row["qualifier"],
            period=int(row["period"]) if row["period"] else None,
            value_tco2e_per_t=Decimal(row["benchmark_tco2e_per_t"]),
            ref=f"{BENCHMARKS_FILE}:{line}",
        )
        for line, row in _rows(directory / BENCHMARKS_FILE)
        if row["column"] in {"A", "B"}
    ]
    electricity_factors = [
        ElectricityFactorRow(
            country=row["country"],
            tco2_per_mwh=Decimal(row["tco2_per_mwh"]),
            ref=f"{ELECTRICITY_FACTORS_FILE}:{line}",
        )
        for line, row in _rows(directory / ELECTRICITY_FACTORS_FILE)
        if row["annex"] == "II"
    ]
    return ReferenceSnapshot(
        category_by_cn=category_by_cn,
        default_values=default_values,
        benchmarks=benchmarks,
        electricity_factors=electricity_factors,
        unknown_origin_values=unknown_origin_values,
        predecessor_by_cn=predecessor_by_cn,
        label=label or f"CSV reference tables in {directory.name}",
    )
