"""The reference snapshot built from the product's CSVs in reference/data, and the statutory
tables where the CSV and the Regulation disagree."""

from __future__ import annotations

import csv
from decimal import Decimal as D

from cbam import statutory
from cbam.csv_snapshot import (
    BENCHMARKS_FILE,
    CN_CODES_FILE,
    DEFAULT_VALUES_FILE,
    ELECTRICITY_FACTORS_FILE,
)

from .conftest import DATA


def test_every_table_is_loaded_with_a_reference_to_its_line(snapshot):
    # 569 codes of Annex I + the three CN subdivisions of 3102 10 10 the benchmark annex uses.
    assert len(snapshot.category_by_cn) == 572
    assert len(snapshot.default_values) == 1958
    assert len(snapshot.benchmarks) == 2465
    # Annex II rows only; EG, TR, UA and GB appear in both sources with the same value.
    assert len(snapshot.electricity_factors) == 31
    assert snapshot.electricity_factor("EG").tco2_per_mwh == D("0.387")
    assert snapshot.electricity_factor("CN").tco2_per_mwh == D("0.605")
    lines = (DATA / DEFAULT_VALUES_FILE).read_text(encoding="utf-8").splitlines()
    for row in snapshot.default_values[::97]:
        name, number = row.ref.split(":")
        assert name == DEFAULT_VALUES_FILE
        assert lines[int(number) - 1].startswith(f"{row.cn_code},{row.country},")


def test_the_copies_keep_their_source_lines():
    for name in (CN_CODES_FILE, DEFAULT_VALUES_FILE, BENCHMARKS_FILE, ELECTRICITY_FACTORS_FILE):
        text = (DATA / name).read_text(encoding="utf-8")
        assert text.startswith("#"), name


def test_every_category_has_a_sector_and_an_indirect_rule(snapshot):
    categories = set(snapshot.category_by_cn.values())

    assert categories <= set(statutory.SECTOR_BY_CATEGORY)
    assert categories <= set(statutory.INDIRECT_EMISSIONS_COUNT)


def test_indirect_emissions_follow_annex_ii_of_the_regulation_not_the_template_for_ammonia():
    # The template v2.1.1 flags ammonia "indirect (definitive) = FALSE"; ammonia (2814) is not in
    # Annex II of Reg. 2023/956, so its indirect emissions count. Every other flag agrees.
    with (DATA / "goods-categories-routes-precursors.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(line for line in handle if not line.startswith("#")))
    template = {
        row["aggregated_goods_category"]: row["indirect_definitive_template"].startswith("TRUE")
        for row in rows
    }

    disagreements = {
        category: (template[category], counts)
        for category, counts in statutory.INDIRECT_EMISSIONS_COUNT.items()
        if template[category] != counts
    }

    assert disagreements == {"Ammonia": (False, True)}


def test_the_statutory_tables_carry_the_cbam_factor_and_the_exempt_countries():
    assert [(r.valid_from_year, r.factor) for r in statutory.CBAM_FACTORS] == [
        (2026, D("0.975")),
        (2027, D("0.95")),
        (2028, D("0.90")),
        (2029, D("0.775")),
        (2030, D("0.515")),
        (2031, D("0.39")),
        (2032, D("0.265")),
        (2033, D("0.14")),
        (2034, D("0")),
    ]
    assert len(statutory.EU_MEMBER_STATES) == 27
    assert {"IS", "LI", "NO", "CH"} <= statutory.EXEMPT_COUNTRIES
    assert "GB" not in statutory.EXEMPT_COUNTRIES
