"""The EU reference beside a pool cell (issue 16), from the shipped reference data in force
in 2026 (CN 2026; Annex I of IR 2025/2621 as replaced by IR 2026/1740), traced to the rows.

- default-values-ir2026-1740.csv line 36: ``7208,CN,3.187,,3.187,C`` (China, heading 7208);
  line 1771: ``7208,OTHER,4.049,,4.049,C``; line 212: ``76042910,CN,4.881,,4.881,K``;
- benchmarks-ir2025-2620.csv line 303: 72083900 column A 0.044; lines 304-306: column B
  1.370 (C), 0.481 (D), 0.072 (E); lines 2327-2328: 76042910 A 0.056, B 1.485 (K);
- mark-up (statutory, IR 2026/1740 Annex I introduction): iron and steel and aluminium
  +10 % 2026, +20 % 2027, +30 % from 2028; their indirect emissions do not count.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from cbam.csv_snapshot import (
    CN_CODES_IN_FORCE_FILE,
    DEFAULT_VALUES_IN_FORCE_FILE,
    snapshot_from_csv,
)
from exchange.pools.calculations.cells import CellKey
from exchange.pools.calculations.reference import cell_reference, gap

D = Decimal
DATA = Path(__file__).resolve().parents[3] / "reference" / "data"
DEFAULTS = "default-values-ir2026-1740.csv"
BENCHMARKS = "benchmarks-ir2025-2620.csv"


@pytest.fixture(scope="module")
def snapshot():
    return snapshot_from_csv(
        DATA, default_values_file=DEFAULT_VALUES_IN_FORCE_FILE, cn_codes_file=CN_CODES_IN_FORCE_FILE
    )


def test_hot_rolled_coil_made_in_china_in_2026(snapshot):
    reference = cell_reference(snapshot, CellKey.parse("72083900|C|CN|2026"), 2026)

    assert reference.default_direct == D("3.187")
    assert reference.default_indirect is None
    assert reference.indirect_counts is False
    assert reference.default_counted == D("3.187")
    assert reference.mark_up == D("0.10")
    assert reference.default_with_mark_up == D("3.50570")  # 3.187 × 1.10
    assert reference.default_row == f"{DEFAULTS}:36"
    assert (reference.default_row_cn_code, reference.default_row_country) == ("7208", "CN")
    assert reference.benchmark_a == D("0.044")
    assert reference.benchmark_a_row == f"{BENCHMARKS}:303"
    assert reference.benchmark_b == D("1.370")
    assert reference.benchmark_b_row == f"{BENCHMARKS}:304"
    assert reference.note == ""


def test_all_countries_use_the_other_countries_row_and_the_years_mark_up(snapshot):
    in_2027 = cell_reference(snapshot, CellKey.parse("72083900|C|*|all"), 2027)
    in_2028 = cell_reference(snapshot, CellKey.parse("72083900|C|*|2028"), 2028)

    assert in_2027.default_row == f"{DEFAULTS}:1771"
    assert in_2027.default_direct == D("4.049")
    assert in_2027.mark_up == D("0.20")
    assert in_2027.default_with_mark_up == D("4.85880")  # 4.049 × 1.20
    assert in_2028.mark_up == D("0.30")
    assert in_2028.default_with_mark_up == D("5.26370")  # 4.049 × 1.30


def test_the_route_selects_the_column_b_benchmark(snapshot):
    dri = cell_reference(snapshot, CellKey.parse("72083900|D|CN|2026"), 2026)

    assert dri.benchmark_b == D("0.481")
    assert dri.benchmark_b_row == f"{BENCHMARKS}:305"
    assert dri.benchmark_a == D("0.044")  # column A has no route split for this code
    assert dri.default_with_mark_up == D("3.50570")  # the default does not depend on it


def test_aluminium_bars_with_their_own_row(snapshot):
    reference = cell_reference(snapshot, CellKey.parse("76042910|K|CN|2026"), 2026)

    assert reference.default_row == f"{DEFAULTS}:212"
    assert reference.default_with_mark_up == D("5.36910")  # 4.881 × 1.10
    assert (reference.benchmark_a, reference.benchmark_b) == (D("0.056"), D("1.485"))
    assert reference.benchmark_b_row == f"{BENCHMARKS}:2328"


def test_a_heading_takes_the_row_printed_for_it_and_a_subheading_without_one_has_none(snapshot):
    heading = cell_reference(snapshot, CellKey.parse("7208|C|CN|2026"), 2026)
    subheading = cell_reference(snapshot, CellKey.parse("720839|C|CN|2026"), 2026)

    assert heading.default_row == f"{DEFAULTS}:36"
    assert heading.default_with_mark_up == D("3.50570")
    assert heading.benchmark_a is None  # benchmarks are printed per CN 8 code
    assert subheading.default_with_mark_up is None
    assert subheading.default_row is None
    assert "no default value for CN 720839" in subheading.note
    assert subheading.mark_up == D("0.10")


def test_a_code_outside_cbam_has_no_reference(snapshot):
    reference = cell_reference(snapshot, CellKey.parse("84713000|C|CN|2026"), 2026)

    assert reference.default_with_mark_up is None
    assert reference.benchmark_b is None
    assert "not a CBAM good" in reference.note


def test_the_gap_between_the_median_and_the_default_in_tonnes_and_euros(snapshot):
    reference = cell_reference(snapshot, CellKey.parse("72083900|C|CN|2026"), 2026)
    none = cell_reference(snapshot, CellKey.parse("720839|C|CN|2026"), 2026)

    # 2.10000 - 3.50570 = -1.40570 t/t; × 75.36 EUR/t = -105.933552
    assert gap(D("2.10000"), reference, D("75.36")) == (D("-1.40570"), D("-105.93"))
    assert gap(D("3.60000"), reference, D("80.00")) == (D("0.09430"), D("7.54"))
    assert gap(D("2.10000"), none, D("75.36")) == (None, None)


def test_the_reference_reads_as_a_document(snapshot):
    document = cell_reference(snapshot, CellKey.parse("72083900|C|CN|2026"), 2026).as_document()

    assert document["default_with_mark_up"] == "3.50570"
    assert document["default_source"] == f"{DEFAULTS}:36"
    assert document["benchmark_b"] == "1.370"
    assert document["mark_up"] == "0.10"
