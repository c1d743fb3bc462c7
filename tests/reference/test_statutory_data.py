"""The statutory tables shipped as CSV (mark-ups, CBAM factor, CSCF, the indirect rule and sector
of each category) say what the engine's built-in defaults in cbam/statutory.py
say, so a snapshot from the database and one from the defaults compute the same."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

import pytest

from cbam import statutory
from reference.datasets import SHIPPED, CsvFile, read_csv
from reference.selectors import reference_snapshot_for
from reference.services import DATA_DIR


def _rows(dataset: str) -> list[dict[str, str]]:
    (shipped,) = [s for s in SHIPPED if s.dataset == dataset]
    parsed = read_csv((DATA_DIR / shipped.file_name).read_bytes())
    assert isinstance(parsed, CsvFile)
    return [values for _, values in parsed.rows]


def test_the_mark_up_csv_is_the_engine_s_mark_up_table():
    assert [
        (row["sector"], int(row["valid_from_year"]), D(row["mark_up"])) for row in _rows("mark_ups")
    ] == [(r.sector, r.valid_from_year, r.mark_up) for r in statutory.MARK_UPS]


def test_the_cbam_factor_csv_is_the_engine_s_phase_out_of_free_allocation():
    assert [
        (int(row["valid_from_year"]), D(row["cbam_factor"])) for row in _rows("cbam_factors")
    ] == [(r.valid_from_year, r.factor) for r in statutory.CBAM_FACTORS]
    assert D(_rows("cbam_factors")[0]["cbam_factor"]) == D("0.975")  # 2026: 97.5 %
    assert D(_rows("cbam_factors")[-1]["cbam_factor"]) == D("0")  # 2034 onwards


def test_the_cscf_csv_is_one_and_unpublished_for_2026_to_2030():
    assert [(row["year"], row["cscf"], row["published"]) for row in _rows("cscf")] == [
        (str(year), "1", "FALSE") for year in range(2026, 2031)
    ]


def test_the_goods_category_csv_carries_the_engine_s_indirect_rule_and_sectors():
    rows = _rows("goods_categories")

    assert {
        row["aggregated_goods_category"]: row["indirect_counts_definitive"] == "TRUE"
        for row in rows
    } == statutory.INDIRECT_EMISSIONS_COUNT
    assert {
        row["aggregated_goods_category"]: row["sector"] for row in rows
    } == statutory.SECTOR_BY_CATEGORY
    # Annex II of Reg. 2023/956: direct only for iron and steel, aluminium, hydrogen,
    # electricity; cement, fertilisers (ammonia included) and sintered ore count indirect.
    counted = sorted(
        r["aggregated_goods_category"] for r in rows if r["indirect_counts_definitive"] == "TRUE"
    )
    assert counted == [
        "Aluminous cement",
        "Ammonia",
        "Calcined clays",
        "Cement",
        "Cement clinker",
        "Mixed fertilisers",
        "Nitric acid",
        "Sintered Ore",
        "Urea",
    ]


@pytest.mark.django_db
def test_the_database_snapshot_has_the_statutory_figures_for_every_projection_year(shipped):
    snapshot = reference_snapshot_for(on=date(2026, 1, 1))

    for year in statutory.PROJECTION_YEARS:
        factor = snapshot.cbam_factor_row(year)
        expected = max(
            (r for r in statutory.CBAM_FACTORS if r.valid_from_year <= year),
            key=lambda r: r.valid_from_year,
        )
        assert factor.factor == expected.factor
        assert snapshot.cscf(year) == D(1)
        for sector in ("Iron & Steel", "Aluminium", "Cement", "Hydrogen", "Fertilisers"):
            ours = snapshot.mark_up_row(sector, year)
            theirs = max(
                (r for r in statutory.MARK_UPS if r.sector == sector and r.valid_from_year <= year),
                key=lambda r: r.valid_from_year,
            )
            assert ours.mark_up == theirs.mark_up
        assert snapshot.mark_up_row("Electricity", year) is None
    assert snapshot.cscf_by_year == {}  # unpublished: the engine reports "not published: 1"
