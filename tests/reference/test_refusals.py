"""A bad reference file is refused whole: every problem named by line, column, value and what is
expected, and nothing written."""

from __future__ import annotations

from datetime import date

import pytest

from core.errors import ValidationFailed
from reference.errors import ReferenceDataInvalid
from reference.services import reference_version_load

from .conftest import ACTOR, table_counts

pytestmark = pytest.mark.django_db

DEFAULTS_HEADER = "cn_code,country,direct_tco2e_per_t,indirect_tco2e_per_t,production_route\n"


def _refused(dataset: str, path, valid_from: date = date(2027, 1, 1)) -> ReferenceDataInvalid:
    before = table_counts()
    with pytest.raises(ReferenceDataInvalid) as caught:
        reference_version_load(
            dataset=dataset, path_or_file=path, label="bad", valid_from=valid_from, actor=ACTOR
        )
    assert table_counts() == before  # nothing written, not even an audit event
    return caught.value


def _messages(error: ReferenceDataInvalid) -> list[str]:
    return [problem.text for problem in error.problems]


def test_a_file_with_wrong_columns_is_refused_naming_expected_and_found_columns(shipped, write_csv):
    path = write_csv(
        "defaults.csv",
        "# a note\ncn_code,country,direct,indirect_tco2e_per_t\n7208,CN,1.5,\n",
    )

    error = _refused("default_values", path)

    assert error.message == "default_values: 1 problem in defaults.csv; nothing was loaded"
    assert _messages(error) == [
        "line 2: wrong columns for default_values: found cn_code, country, direct, "
        "indirect_tco2e_per_t; missing direct_tco2e_per_t, production_route; not allowed direct; "
        "expected cn_code, country, direct_tco2e_per_t, indirect_tco2e_per_t, production_route "
        "(optional: total_tco2e_per_t, source, confidence, cross_check)"
    ]
    assert isinstance(error, ValidationFailed)
    assert (error.status, error.code) == (400, "reference_data_invalid")
    assert error.extra["problems"][0]["line"] == 2


def test_an_unknown_cn_code_is_refused_with_its_line_and_column(shipped, write_csv):
    path = write_csv("defaults.csv", DEFAULTS_HEADER + "7208,CN,1.5,,C\n99999999,CN,1.5,,C\n")

    error = _refused("default_values", path)

    assert _messages(error) == [
        "line 3, column cn_code: '99999999' is not in cn_codes v2 (CN 2026: Reg. 2023/956 "
        "Annex I with 7308 20 10), the CN-code list valid on 2027-01-01; expected an 8-digit "
        "CN code of that list, or a 4- or 6-digit heading of one of its codes"
    ]
    assert error.extra["problems"] == [
        {
            "line": 3,
            "column": "cn_code",
            "value": "99999999",
            "message": _messages(error)[0],
        }
    ]


def test_a_cn_code_of_the_wrong_shape_is_refused(shipped, write_csv):
    path = write_csv("defaults.csv", DEFAULTS_HEADER + "7208 51 20,CN,1.5,,C\n")

    assert _messages(_refused("default_values", path)) == [
        "line 2, column cn_code: '7208 51 20' is not a CN code; expected 4, 6 or 8 digits of "
        "the Combined Nomenclature without spaces, e.g. 72085120"
    ]


def test_a_non_numeric_value_is_refused(shipped, write_csv):
    # A decimal comma, as the Official Journal prints the annexes.
    path = write_csv("defaults.csv", DEFAULTS_HEADER + '7208,CN,"1,5",,C\n')

    assert _messages(_refused("default_values", path)) == [
        "line 2, column direct_tco2e_per_t: '1,5' is not a number; expected a decimal number "
        "of at least 0 (tCO2e per tonne of good), e.g. 1.66"
    ]


def test_a_value_beyond_the_last_column_is_refused(shipped, write_csv):
    path = write_csv("defaults.csv", DEFAULTS_HEADER + "7208,CN,1,5,,C\n")

    assert _messages(_refused("default_values", path)) == [
        "line 2, column (extra): 'C' is beyond the last column; expected one value per column "
        "of the header"
    ]


def test_a_negative_value_is_refused(shipped, write_csv):
    path = write_csv("defaults.csv", DEFAULTS_HEADER + "7208,CN,1.5,-0.2,C\n")

    assert _messages(_refused("default_values", path)) == [
        "line 2, column indirect_tco2e_per_t: '-0.2' is negative; expected a decimal number of "
        "at least 0 (tCO2e per tonne of good), e.g. 0.12, or blank when none is published"
    ]


def test_an_unknown_country_is_refused(shipped, write_csv):
    path = write_csv("defaults.csv", DEFAULTS_HEADER + "7208,XX,1.5,,C\n")

    assert _messages(_refused("default_values", path)) == [
        "line 2, column country: 'XX' is not a country code; expected an ISO 3166-1 alpha-2 "
        "code such as CN or TR, EU, or OTHER for other countries and territories"
    ]


def test_every_bad_row_of_a_file_is_reported_at_once_in_line_and_column_order(shipped, write_csv):
    path = write_csv(
        "defaults.csv",
        "# two notes\n# second\n"
        + DEFAULTS_HEADER
        + "7208,CN,1.5,,C\n"  # line 4: fine
        + "7209,ZZ,abc,,Q\n"  # line 5: three problems
        + "7208,CN,2,,C\n"  # line 6: repeats line 4
        + "7210,OTHER,,0.123456789012,\n",  # line 7: direct missing, 12 decimals
    )

    error = _refused("default_values", path)

    assert error.message == "default_values: 6 problems in defaults.csv; nothing was loaded"
    assert [(p.line, p.column) for p in error.problems] == [
        (5, "country"),
        (5, "direct_tco2e_per_t"),
        (5, "production_route"),
        (6, "cn_code"),
        (7, "direct_tco2e_per_t"),
        (7, "indirect_tco2e_per_t"),
    ]
    assert _messages(error)[3] == (
        "line 6, column cn_code: '7208' repeats line 4 (cn_code, country = 7208/CN); expected "
        "one row per cn_code and country"
    )
    assert _messages(error)[4] == (
        "line 7, column direct_tco2e_per_t: '' is missing; expected a decimal number of at "
        "least 0 (tCO2e per tonne of good), e.g. 1.66"
    )
    assert _messages(error)[5] == (
        "line 7, column indirect_tco2e_per_t: '0.123456789012' has more than 10 decimal places; "
        "expected a decimal number of at least 0 (tCO2e per tonne of good), e.g. 0.12, or blank "
        "when none is published"
    )


def test_benchmarks_need_a_known_column_qualifier_and_period(shipped, write_csv):
    path = write_csv(
        "benchmarks.csv",
        "cn_code,column,qualifier,period,benchmark_tco2e_per_t\n72085120,C,Z,3,1.370\n",
    )

    assert _messages(_refused("benchmarks", path)) == [
        "line 2, column column: 'C' is not a benchmark column; expected A or B",
        "line 2, column qualifier: 'Z' is not a route qualifier; expected blank or one of A, B, "
        "C, D, E, F, G, H, J, K, L",
        "line 2, column period: '3' is not a benchmark period; expected blank (all years), "
        "1 (production years 2026-2027) or 2 (2028-2030)",
    ]


def test_mark_ups_need_a_known_sector_and_a_definitive_period_year(shipped, write_csv):
    path = write_csv("mark-ups.csv", "sector,valid_from_year,mark_up\nSteel,2025,0.1\n")

    assert _messages(_refused("mark_ups", path)) == [
        "line 2, column sector: 'Steel' is not a sector of goods_categories v1 (Reg. 2023/956 "
        "Annex II, template v2.1.1); expected one of Aluminium, Cement, Electricity, "
        "Fertilisers, Hydrogen, Iron & Steel",
        "line 2, column valid_from_year: '2025' is not a year of the definitive period; "
        "expected a year from 2026 to 2100, e.g. 2027",
    ]


def test_a_cbam_factor_above_one_is_refused(shipped, write_csv):
    path = write_csv("factors.csv", "valid_from_year,cbam_factor\n2026,97.5\n")

    assert _messages(_refused("cbam_factors", path)) == [
        "line 2, column cbam_factor: '97.5' is above 1; expected a decimal number from 0 to 1 "
        "(0.975 = 97.5 %), e.g. 0.975"
    ]


def test_an_unpublished_cscf_must_be_one(shipped, write_csv):
    path = write_csv("cscf.csv", "year,cscf,published\n2026,0.9,FALSE\n")

    assert _messages(_refused("cscf", path)) == [
        "line 2, column cscf: '0.9' is not 1 although published is FALSE; expected 1 until it "
        "is published"
    ]


def test_electricity_factors_may_repeat_a_country_only_with_the_same_value(shipped, write_csv):
    path = write_csv(
        "factors.csv", "country,annex,tco2_per_mwh\nCN,II,0.605\nCN,II,0.605\nCN,II,0.6\n"
    )

    assert _messages(_refused("electricity_factors", path)) == [
        "line 4, column country: 'CN' repeats line 2 (country, annex = CN/II) with a different "
        "value; expected one row per country and annex"
    ]


def test_a_cn_code_list_needs_categories_of_the_goods_category_table(shipped, write_csv):
    path = write_csv(
        "cn.csv", "cn_code,aggregated_goods_category\n72085120,Iron or steel products\n7208,X\n"
    )

    messages = _messages(_refused("cn_codes", path))

    assert messages[0] == (
        "line 3, column cn_code: '7208' is not an 8-digit CN code; expected the 8 digits of the "
        "Combined Nomenclature without spaces, e.g. 72085120"
    )
    assert messages[1].startswith(
        "line 3, column aggregated_goods_category: 'X' is not a goods category of "
        "goods_categories v1 (Reg. 2023/956 Annex II, template v2.1.1); expected one of "
        "Alloys (FeMn, FeCr, FeNi), Aluminium products,"
    )


def test_a_goods_category_table_must_keep_the_categories_the_cn_list_uses(shipped, write_csv):
    path = write_csv(
        "categories.csv",
        "aggregated_goods_category,unit,route_relevant,production_routes,"
        "relevant_precursors(template),indirect_counts_definitive,sector\n"
        "Cement,t,FALSE,All production routes,Cement clinker,yes,Cement\n",
    )

    messages = _messages(_refused("goods_categories", path))

    assert messages[:2] == [
        "line 2, column relevant_precursors(template): 'Cement clinker' is not a goods category "
        "of this file; expected categories named in aggregated_goods_category separated by "
        "';', or (none)",
        "line 2, column indirect_counts_definitive: 'yes' is not TRUE or FALSE; expected TRUE "
        "or FALSE",
    ]
    assert messages[2] == (
        "column aggregated_goods_category: 'Alloys (FeMn, FeCr, FeNi)' is a category of the "
        "CN-code list valid on 2027-01-01 (cn_codes v2 (CN 2026: Reg. 2023/956 Annex I with "
        "7308 20 10)) but has no row here; expected a row for every category the CN-code list uses"
    )
    assert len(messages) == 2 + 17  # every category of the CN list but Cement


def test_a_table_checked_against_the_cn_codes_needs_a_cn_code_version(db, write_csv):
    path = write_csv("defaults.csv", DEFAULTS_HEADER + "7208,CN,1.5,,C\n")

    assert _messages(_refused("default_values", path)) == [
        "no cn_codes version is valid on 2027-01-01; expected a cn_codes version valid on that "
        "day: load cn_codes first (manage.py load_reference_data)"
    ]


def test_an_empty_file_and_a_file_that_is_not_utf8_are_refused(shipped, write_csv, tmp_path):
    assert _messages(_refused("default_values", write_csv("empty.csv", "# only notes\n"))) == [
        "the file has no header line; expected a header line naming the columns"
    ]
    assert _messages(_refused("default_values", write_csv("header.csv", DEFAULTS_HEADER))) == [
        "the file has no data rows; expected at least one row under the header"
    ]
    latin1 = tmp_path / "latin1.csv"
    latin1.write_bytes((DEFAULTS_HEADER + "7208,CN,1.5,,C # Türkiye\n").encode("latin-1"))
    assert _messages(_refused("default_values", latin1)) == [
        "line 2: the file is not UTF-8 text (byte 0xFC); expected a CSV file encoded as UTF-8"
    ]


def test_an_unknown_table_a_blank_label_and_an_inverted_period_are_refused(shipped, write_csv):
    path = write_csv("defaults.csv", DEFAULTS_HEADER + "7208,CN,1.5,,C\n")
    before = table_counts()

    with pytest.raises(ValidationFailed) as unknown:
        reference_version_load(
            dataset="defaults",
            path_or_file=path,
            label="x",
            valid_from=date(2027, 1, 1),
            actor=ACTOR,
        )
    with pytest.raises(ValidationFailed) as blank:
        reference_version_load(
            dataset="default_values",
            path_or_file=path,
            label="  ",
            valid_from=date(2027, 1, 1),
            actor=ACTOR,
        )
    with pytest.raises(ValidationFailed) as inverted:
        reference_version_load(
            dataset="default_values",
            path_or_file=path,
            label="x",
            valid_from=date(2027, 1, 1),
            valid_to=date(2026, 12, 31),
            actor=ACTOR,
        )

    assert unknown.value.extra["fields"]["dataset"] == [
        "'defaults' is not a table; expected one of goods_categories, cn_codes, default_values, "
        "unknown_origin_values, benchmarks, electricity_factors, mark_ups, cbam_factors, cscf, "
        "certificate_prices"
    ]
    assert blank.value.extra["fields"]["label"] == [
        "Give a label of 1 to 200 characters, e.g. 'IR 2026/1740 corrected'."
    ]
    assert inverted.value.extra["fields"]["valid_to"] == [
        "2026-12-31 is before valid_from 2027-01-01; expected the last day the version "
        "applies, on or after valid_from"
    ]
    assert table_counts() == before
