"""The engine's snapshot built from the database: the same figures as from the CSV files, rows
cited by version and line, the version valid on the date, cached per set of versions."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D
from typing import Any

import pytest

from cbam import (
    CalculationError,
    GoodInput,
    ObligationInput,
    PrecursorBenchmarkInput,
    PrecursorInput,
    compute_obligation,
    compute_see,
)
from cbam.csv_snapshot import (
    CN_CODES_IN_FORCE_FILE,
    DEFAULT_VALUES_IN_FORCE_FILE,
    snapshot_from_csv,
)
from cbam.types import ObligationYear
from reference.datasets import CN_CODES, DEFAULT_VALUES, SHIPPED
from reference.errors import ReferenceDataMissing
from reference.selectors import (
    cn_code_category,
    goods_category_for_cn_code,
    goods_category_get,
    reference_snapshot_for,
    reference_versions_valid_on,
)
from reference.services import DATA_DIR, reference_version_load

from .conftest import ACTOR, TEST_DATA

pytestmark = pytest.mark.django_db

ON = date(2026, 6, 30)
# Obligations computed of the 2 × 573 on defaults (CN 2026's 73082010 among them, on the
# rows of its CN 2025 predecessor 73082000) + 1 on actual data below (1072 + 1); the others have
# no default value.
COMPUTED = 1073


@pytest.fixture(scope="module")
def csv_snapshot():
    """The CSV files in force in 2026: for the default values, the last shipped file, v2 (Annex I
    as replaced by IR 2026/1740), which supersedes v1 from the same date."""
    in_force = [f.file_name for f in SHIPPED if f.dataset == DEFAULT_VALUES][-1]
    assert in_force == DEFAULT_VALUES_IN_FORCE_FILE == "default-values-ir2026-1740.csv"
    cn_codes = [f.file_name for f in SHIPPED if f.dataset == CN_CODES][-1]
    assert cn_codes == CN_CODES_IN_FORCE_FILE == "cn-codes-cn2026.csv"
    return snapshot_from_csv(DATA_DIR, default_values_file=in_force, cn_codes_file=cn_codes)


def _year(y: ObligationYear | None) -> tuple[Any, ...] | None:
    if y is None:
        return None
    fa = y.free_allocation
    match = y.default_value
    return (
        y.year,
        y.default_used,
        y.see_direct_tco2e_per_t,
        y.see_indirect_counted_tco2e_per_t,
        y.mark_up,
        y.embedded_emissions_tco2e,
        y.free_allocation_adjustment_tco2e,
        y.carbon_price_deduction_tco2e,
        y.certificates,
        y.cost_eur,
        fa.path,
        fa.cbam_factor.factor,
        fa.cscf,
        fa.cscf_source,
        fa.per_t,
        fa.note,
        None if fa.benchmark is None else (fa.benchmark.row.qualifier, fa.benchmark.row.period),
        None if fa.benchmark is None else fa.benchmark.row.value_tco2e_per_t,
        tuple((t.source, t.sefa_tco2e_per_t) for t in fa.precursor_terms),
        None
        if match is None
        else (match.row.cn_code, match.row.country, match.matched_digits, match.used_other),
    )


def _obligation_figures(inp: ObligationInput, snapshot) -> Any:
    try:
        result = compute_obligation(inp, snapshot)
    except CalculationError as exc:
        return ("error", [(p.path, p.message) for p in exc.problems])
    return (
        result.category,
        result.sector,
        result.indirect_counts,
        _year(result.current),
        _year(result.on_defaults),
        tuple(
            (e.year, e.certificates, e.cost_eur, e.cbam_factor, e.mark_up, e.cost_eur_on_defaults)
            for e in result.projection
        ),
        result.notes,
    )


def test_the_database_snapshot_holds_the_tables_of_the_csv_snapshot(shipped, csv_snapshot):
    db = reference_snapshot_for(on=ON)

    assert db.category_by_cn == csv_snapshot.category_by_cn
    # CN 2026 (cn_codes v2): 7308 20 10 is a CBAM good, looked up as 7308 20 00.
    assert db.predecessor_by_cn == csv_snapshot.predecessor_by_cn == {"73082010": "73082000"}
    assert db.category("73082010") == "Iron or steel products"
    assert db.indirect_counts_by_category == csv_snapshot.indirect_counts_by_category
    assert db.sector_by_category == csv_snapshot.sector_by_category
    assert db.exempt_countries == csv_snapshot.exempt_countries

    def numbers(rows, fields):
        return [tuple(getattr(r, f) for f in fields) for r in rows]

    default_fields = ("cn_code", "country", "see_direct", "see_indirect", "production_route")
    assert numbers(db.default_values, default_fields) == numbers(
        csv_snapshot.default_values, default_fields
    )
    bench_fields = ("cn_code", "column", "qualifier", "period", "value_tco2e_per_t")
    assert numbers(db.benchmarks, bench_fields) == numbers(csv_snapshot.benchmarks, bench_fields)
    assert numbers(db.electricity_factors, ("country", "tco2_per_mwh")) == numbers(
        csv_snapshot.electricity_factors, ("country", "tco2_per_mwh")
    )
    assert numbers(db.mark_ups, ("sector", "valid_from_year", "mark_up")) == numbers(
        csv_snapshot.mark_ups, ("sector", "valid_from_year", "mark_up")
    )
    assert numbers(db.cbam_factors, ("valid_from_year", "factor")) == numbers(
        csv_snapshot.cbam_factors, ("valid_from_year", "factor")
    )
    assert [db.cscf(y) for y in range(2026, 2035)] == [D(1)] * 9
    unknown_fields = ("cn_code", "country", "see_direct", "see_indirect", "production_route")
    assert numbers(db.unknown_origin_values, unknown_fields) == numbers(
        csv_snapshot.unknown_origin_values, unknown_fields
    )
    assert numbers(db.unknown_origin_values, unknown_fields) == [
        ("7601", "UNKNOWN", D("3.198"), None, "")
    ]
    # Both cite the same line of the same file: v2's (IR 2026/1740).
    for db_row, csv_row in zip(db.default_values, csv_snapshot.default_values, strict=True):
        assert db_row.ref.rsplit(" line ", 1)[1] == csv_row.ref.rsplit(":", 1)[1]
    assert csv_snapshot.default_row("7208", "CN").ref == "default-values-ir2026-1740.csv:36"
    # default_values v2: Annex I as replaced by IR 2026/1740 supersedes v1 from the same date.
    assert db.label == (
        "reference data: goods_categories v1, cn_codes v2, default_values v2, "
        "unknown_origin_values v1, benchmarks v1, electricity_factors v1, mark_ups v1, "
        "cbam_factors v1, cscf v1"
    )


def test_every_cn_code_costs_the_same_from_the_database_as_from_the_csv_files(
    shipped, csv_snapshot
):
    db = reference_snapshot_for(on=ON)
    inputs = [
        ObligationInput(
            year=year,
            cn_code=cn_code,
            country_of_origin=country,
            quantity_t=D("100"),
            certificate_price_eur=D("80"),
        )
        for cn_code in sorted(csv_snapshot.category_by_cn)
        for country, year in (("CN", 2026), ("BR", 2028))  # BR has no rows: OTHER applies
    ]
    inputs.append(
        ObligationInput(
            year=2027,
            cn_code="72085120",
            country_of_origin="IN",
            quantity_t=D("250"),
            certificate_price_eur=D("75.5"),
            see_direct=D("1.9"),
            see_indirect=D("0.4"),
            production_route="C",
            verified=True,
            carbon_price_paid_eur_per_tco2e=D("8.50"),
            precursors=(
                PrecursorBenchmarkInput(
                    cn_code="72071111", mass_t_per_t=D("1.05"), verified=True, production_route="C"
                ),
                PrecursorBenchmarkInput(
                    cn_code="72024110", mass_t_per_t=D("0.01"), country_of_origin="VN"
                ),
            ),
        )
    )

    db_figures = [_obligation_figures(inp, db) for inp in inputs]
    csv_figures = [_obligation_figures(inp, csv_snapshot) for inp in inputs]

    assert db_figures == csv_figures
    # The shipped default values cover iron, steel and aluminium; the other goods need actual
    # data (no default value), the same refusal on both sides.
    assert sum(1 for f in db_figures if f[0] != "error") == COMPUTED
    hot_rolled = db_figures[[i.cn_code for i in inputs].index("72085120")]
    # Certificates: test_obligation.py's 216.98319205 with v2's 3.187 (IR 2026/1740) in place of
    # v1's 3.186892655: 100 × 3.187 × 1.10 − 133.575 = 216.995.
    assert hot_rolled[3][8] == D("216.995")
    assert db_figures[-1][0] == "Iron or steel products"


def test_a_supply_chain_has_the_same_see_from_the_database_as_from_the_csv_files(
    shipped, csv_snapshot
):
    goods = [
        GoodInput(
            id="pig-iron",
            cn_code="72011011",
            country_of_origin="IN",
            activity_level_t=D("1000"),
            attributed_direct_tco2e=D("1500"),
            electricity_mwh=D("120"),  # India's default grid factor
            precursors=(
                # Sintered ore is outside Annex II: its indirect emissions count (cross-over).
                PrecursorInput(
                    mass_t=D("1400"),
                    cn_code="26011200",
                    country_of_origin="BR",
                    see_direct=D("0.21"),
                    see_indirect=D("0.04"),
                ),
            ),
        ),
        GoodInput(
            id="coil",
            cn_code="72085120",
            country_of_origin="CN",
            activity_level_t=D("800"),
            attributed_direct_tco2e=D("160"),
            electricity_mwh=D("400"),
            precursors=(
                PrecursorInput(mass_t=D("700"), good="pig-iron"),
                PrecursorInput(mass_t=D("90"), cn_code="72024110", country_of_origin="VN"),
                PrecursorInput(mass_t=D("60"), cn_code="72011011", country_of_origin="BR"),
                PrecursorInput(mass_t=D("50"), cn_code="72071111", country_of_origin="DE"),
            ),
        ),
        GoodInput(
            id="cement",
            cn_code="25232900",
            country_of_origin="TR",
            activity_level_t=D("1321052.6315789474"),
            attributed_direct_tco2e=D("1037310"),
            electricity_mwh=D("193864.47368421053"),
        ),
    ]

    db = compute_see(goods, reference_snapshot_for(on=ON))
    csv = compute_see(goods, csv_snapshot)

    def figures(calc):
        return {
            good.id: (
                r.category,
                r.indirect_counts,
                r.see_direct,
                r.see_indirect,
                r.see_indirect_counted,
                [(u.path, u.match.row.see_direct) for u in r.default_values_used],
            )
            for good in goods
            for r in (calc[good.id],)
        }

    assert figures(db) == figures(csv)
    # Cement counts both channels; TR grid factor 0.420 tCO2/MWh (IR 2025/2621 Annex II).
    assert db["cement"].indirect_counts is True
    assert db["cement"].see_indirect == D("193864.47368421053") * D("0.420") / D(
        "1321052.6315789474"
    )
    assert db.provenance("cement").children[1].reference == (
        "electricity_factors v1 (IR 2025/2621 Annex II and III) line 7"
    )


def test_a_default_value_in_a_result_is_cited_by_version_label_and_line(shipped):
    result = compute_obligation(
        ObligationInput(
            year=2026,
            cn_code="72085120",
            country_of_origin="CN",
            quantity_t=D("100"),
            certificate_price_eur=D("80"),
        ),
        reference_snapshot_for(on=ON),
    )

    # The default value in force in 2026 is v2's (IR 2026/1740 replaced Annex I from that date,
    # superseding v1): 3.187 at line 36 of its file (3.186892655 at line 35 of v1's).
    # EE = 100 × 3.187 × 1.10 = 350.57; FAA = 133.575; certificates 216.995, cost × 80.
    assert (result.current.certificates, result.current.cost_eur) == (
        D("216.995"),
        D("17359.60"),
    )
    assert result.current.default_value.row.see_direct == D("3.187")
    assert result.current.default_value.row.ref == (
        "default_values v2 (IR 2025/2621 Annex I as replaced by IR 2026/1740) line 36"
    )
    assert result.current.mark_up_row.ref == "mark_ups v1 (IR 2025/2621 mark-ups) line 5"
    assert result.current.free_allocation.cbam_factor.ref == (
        "cbam_factors v1 (Directive 2003/87/EC Art. 10a(1a)) line 5"
    )
    assert result.current.free_allocation.cscf_source == "not published: 1"


def test_the_snapshot_is_built_once_per_set_of_versions(shipped, django_assert_num_queries):
    first = reference_snapshot_for(on=date(2026, 1, 1))

    with django_assert_num_queries(1):  # which versions are valid; the snapshot is cached
        again = reference_snapshot_for(on=date(2031, 12, 31))

    assert again is first
    reference_version_load(
        dataset="default_values",
        path_or_file=TEST_DATA / "default-values-2027.csv",
        label="2027",
        valid_from=date(2027, 1, 1),
        actor=ACTOR,
    )
    assert reference_snapshot_for(on=date(2026, 12, 31)) is first
    assert reference_snapshot_for(on=date(2027, 1, 1)) is not first


def test_a_date_without_reference_data_is_refused_naming_the_tables(shipped):
    with pytest.raises(ReferenceDataMissing) as caught:
        reference_snapshot_for(on=date(2025, 12, 31))

    assert caught.value.message == (
        "no reference data valid on 2025-12-31 for goods_categories, cn_codes, default_values, "
        "unknown_origin_values, benchmarks, electricity_factors, mark_ups, cbam_factors, cscf: "
        "load it with "
        "manage.py load_reference_data (or load_reference_version)"
    )
    assert (caught.value.status, caught.value.code) == (400, "reference_data_missing")
    assert caught.value.extra == {
        "on": "2025-12-31",
        "datasets": [
            "goods_categories",
            "cn_codes",
            "default_values",
            "unknown_origin_values",
            "benchmarks",
            "electricity_factors",
            "mark_ups",
            "cbam_factors",
            "cscf",
        ],
    }
    assert reference_versions_valid_on(on=date(2025, 12, 31)) == {}


def test_the_small_selectors_answer_category_routes_and_precursors_of_a_cn_code(shipped):
    assert cn_code_category(cn_code="72085120", on=ON) == "Iron or steel products"
    assert cn_code_category(cn_code="31021012", on=ON) == "Urea"
    assert cn_code_category(cn_code="73181595", on=date(2025, 1, 1)) is None
    assert cn_code_category(cn_code="99999999", on=ON) is None

    pig_iron = goods_category_for_cn_code(cn_code="72011011", on=ON)
    assert (pig_iron.category, pig_iron.indirect_counts, pig_iron.route_relevant) == (
        "Pig iron",
        False,
        True,
    )
    assert pig_iron.production_routes == ["Blast furnace route", "Smelting reduction"]
    assert pig_iron.relevant_precursors == ["Sintered Ore", "Alloys (FeMn, FeCr, FeNi)", "Pig iron"]
    assert goods_category_get(category="Sintered Ore", on=ON).indirect_counts is True
    assert goods_category_get(category="Steel", on=ON) is None
    assert goods_category_for_cn_code(cn_code="99999999", on=ON) is None
