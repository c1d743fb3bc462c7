"""What a pool cell is compared with: the EU default value of the cell with the year's mark-up,
the CBAM benchmarks, and the gap between the sector's median and the default (issue 16).

- **Default value** (IR (EU) 2025/2621 Annex I, as replaced by IR 2026/1740), read with the
  engine's own lookup (``cbam.defaults``):
  - a CN 8 cell of one country: the annex order, the country's row for the 8-, 6- or 4-digit
    code, else "Other countries and territories" (``match_default_value``);
  - a cell of all countries ("*"): the "Other countries and territories" row (a mix of
    countries has no country of its own; it is what an importer pays without one);
  - a CN 4 or 6 cell: the annex row printed for exactly that prefix (the country's, else
    "Other countries"), if the annex has one; otherwise **none**, and ``note`` says why: a
    heading's codes may carry different rows, so no single default stands for the cell.
- **Counted** default: direct plus indirect where the good's indirect emissions count
  (Reg. 2023/956 Annex II; for iron, steel and aluminium only direct count).
- **Mark-up** (Annex I introduction as replaced by IR 2026/1740: +10 % 2026, +20 % 2027,
  +30 % from 2028 for iron and steel, aluminium, cement, hydrogen; +1 % fertilisers) by the
  sector and the year, and the default **with mark-up** = counted × (1 + mark-up), quantised
  as the engine quantises an SEE (``cbam.rounding.round_see``: 0.00001, half-up).
- **Benchmarks** (IR 2025/2620 Annex) for the cell's route and year
  (``cbam.free_allocation.lookup_benchmark``): column A (BMg*, the actual-data path) and
  column B (BMg, the default-value path); None where none is published.
- **Gap** = median counted SEE of the cell − default with mark-up, tCO2e/t (negative: the
  sector emits less than the default), and × the certificate price in EUR/t, to the cent.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, localcontext
from functools import lru_cache
from typing import Any

from cbam.defaults import mark_up_for, match_default_value
from cbam.free_allocation import lookup_benchmark
from cbam.reference import ReferenceSnapshot
from cbam.rounding import CALCULATION_CONTEXT, round_money, round_see
from cbam.statutory import OTHER_COUNTRIES
from cbam.types import ONE, ZERO, BenchmarkLookup, DefaultValueRow
from exchange.pools.calculations.cells import ALL_COUNTRIES, CellKey


@dataclass(frozen=True, slots=True)
class CellReference:
    """The EU reference figures beside one cell, for one year (tCO2e/t).

    ``default_*`` are None when the cell has no default value (``note`` says why);
    ``default_row`` names the annex row used (``<file>:<line>`` from the reference data).
    ``benchmark_a``/``benchmark_b``: columns A and B for the cell's route, None when none is
    published.
    """

    cell: CellKey
    year: int
    default_direct: Decimal | None
    default_indirect: Decimal | None
    indirect_counts: bool | None
    default_counted: Decimal | None
    mark_up: Decimal
    default_with_mark_up: Decimal | None
    default_row: str | None
    default_row_cn_code: str | None
    default_row_country: str | None
    mark_up_source: str | None
    benchmark_a: Decimal | None
    benchmark_a_row: str | None
    benchmark_b: Decimal | None
    benchmark_b_row: str | None
    note: str

    def as_document(self) -> dict[str, Any]:
        """JSON-able (Decimals as strings), as a release publishes it."""

        def text(value: Decimal | None) -> str | None:
            return None if value is None else str(value)

        return {
            "year": self.year,
            "default_direct": text(self.default_direct),
            "default_indirect": text(self.default_indirect),
            "indirect_counts": self.indirect_counts,
            "default_counted": text(self.default_counted),
            "mark_up": str(self.mark_up),
            "default_with_mark_up": text(self.default_with_mark_up),
            "default_source": self.default_row,
            "default_row_cn_code": self.default_row_cn_code,
            "default_row_country": self.default_row_country,
            "mark_up_source": self.mark_up_source,
            "benchmark_a": text(self.benchmark_a),
            "benchmark_a_source": self.benchmark_a_row,
            "benchmark_b": text(self.benchmark_b),
            "benchmark_b_source": self.benchmark_b_row,
            "note": self.note,
        }


@lru_cache(maxsize=4096)
def _categories_under(snapshot: ReferenceSnapshot, prefix: str) -> frozenset[str]:
    return frozenset(
        category for code, category in snapshot.category_by_cn.items() if code.startswith(prefix)
    )


def _default_row(snapshot: ReferenceSnapshot, cell: CellKey) -> tuple[DefaultValueRow | None, str]:
    country = OTHER_COUNTRIES if cell.country == ALL_COUNTRIES else cell.country
    if len(cell.cn_code) == 8:
        match = match_default_value(snapshot, cell.cn_code, country)
        if match is None:
            return None, f"no default value for CN {cell.cn_code} in IR 2025/2621 Annex I"
        return match.row, ""
    for candidate in dict.fromkeys((country, OTHER_COUNTRIES)):
        row = snapshot.default_row(cell.cn_code, candidate)
        if row is not None:
            return row, ""
    return None, (
        f"the annex prints no default value for CN {cell.cn_code} as a whole; the codes "
        "beneath it may differ, so no single default stands for this cell"
    )


def _benchmark(
    snapshot: ReferenceSnapshot, cell: CellKey, column: str, year: int
) -> BenchmarkLookup | None:
    return lookup_benchmark(
        snapshot,
        cn_code=cell.cn_code,
        column="A" if column == "A" else "B",
        route=cell.route or None,
        year=year,
    )


def cell_reference(snapshot: ReferenceSnapshot, cell: CellKey, year: int) -> CellReference:
    """The default value, mark-up and benchmarks beside ``cell`` for ``year`` (the cell's
    own year, or the release's year for a cell of all years), by the rules above."""
    notes = []
    categories = _categories_under(snapshot, cell.cn_code)
    category = next(iter(categories)) if len(categories) == 1 else None
    row = None
    if not categories:
        notes.append(f"CN {cell.cn_code} is not a CBAM good (Annex I of Reg. 2023/956)")
    elif category is None:
        notes.append(f"CN {cell.cn_code} spans several goods categories: no single default")
    else:
        row, why = _default_row(snapshot, cell)
        if why:
            notes.append(why)
    mark_up, mark_up_row = (
        mark_up_for(snapshot, snapshot.sector(category), year) if category else (ZERO, None)
    )
    direct = indirect = counted = with_mark_up = None
    counts = snapshot.indirect_counts(category) if category else None
    if row is not None:
        direct = row.see_direct
        indirect = row.see_indirect
        counted = direct + (indirect or ZERO) if counts else direct
        with localcontext(CALCULATION_CONTEXT):
            with_mark_up = round_see(counted * (ONE + mark_up))
    benchmark_a = _benchmark(snapshot, cell, "A", year)
    benchmark_b = _benchmark(snapshot, cell, "B", year)
    for lookup in (benchmark_a, benchmark_b):
        if lookup is not None and lookup.note:
            notes.append(f"benchmark column {lookup.column}: {lookup.note}")
    return CellReference(
        cell=cell,
        year=year,
        default_direct=direct,
        default_indirect=indirect,
        indirect_counts=counts,
        default_counted=counted,
        mark_up=mark_up,
        default_with_mark_up=with_mark_up,
        default_row=row.ref if row else None,
        default_row_cn_code=row.cn_code if row else None,
        default_row_country=row.country if row else None,
        mark_up_source=mark_up_row.ref if mark_up_row else None,
        benchmark_a=benchmark_a.row.value_tco2e_per_t if benchmark_a else None,
        benchmark_a_row=benchmark_a.row.ref if benchmark_a else None,
        benchmark_b=benchmark_b.row.value_tco2e_per_t if benchmark_b else None,
        benchmark_b_row=benchmark_b.row.ref if benchmark_b else None,
        note="; ".join(notes),
    )


def gap(
    median_counted: Decimal, reference: CellReference, certificate_price_eur: Decimal
) -> tuple[Decimal | None, Decimal | None]:
    """(median − default with mark-up in tCO2e/t, the same × price in EUR/t to the cent);
    (None, None) when the cell has no default value. Negative: the sector emits less than the
    default it would otherwise pay for."""
    if reference.default_with_mark_up is None:
        return None, None
    with localcontext(CALCULATION_CONTEXT):
        gap_t = median_counted - reference.default_with_mark_up
        return gap_t, round_money(gap_t * certificate_price_eur)
