"""Default values, IR (EU) 2025/2621 Annex I: lookup by CN code and origin with the annex's
fallbacks (8 -> 6 -> 4 digits, then Other countries and territories) and the mark-up by year."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from cbam import CalculationError, DefaultValueRow, lookup_default_value
from cbam.reference import ReferenceSnapshot


def test_an_eight_digit_row_of_the_country_is_used_first(snapshot):
    found = lookup_default_value(snapshot, cn_code="72189911", country="CN", year=2026)

    assert found.see_direct == D("5.58")
    assert found.see_indirect is None  # the annex gives no indirect value for steel
    assert (found.match.row.cn_code, found.match.matched_digits) == ("72189911", 8)
    assert found.match.used_other is False
    assert found.route == ""
    assert found.ref == "default-values-ir2025-2621.csv:59"


def test_a_six_digit_row_covers_the_codes_beneath_it(snapshot):
    found = lookup_default_value(snapshot, cn_code="72191310", country="CN", year=2026)

    assert (found.match.row.cn_code, found.match.matched_digits) == ("721913", 6)
    assert found.see_direct == D("5.58")


def test_a_four_digit_row_covers_the_codes_beneath_it(snapshot):
    found = lookup_default_value(snapshot, cn_code="72085120", country="CN", year=2026)

    assert (found.match.row.cn_code, found.match.matched_digits) == ("7208", 4)
    assert found.see_direct == D("3.186892655")
    assert found.route == "C"


def test_a_country_without_any_row_falls_back_to_other_countries(snapshot):
    # Brazil has no sheet in the annex copy at all.
    found = lookup_default_value(snapshot, cn_code="72061000", country="BR", year=2026)

    assert (found.match.row.country, found.match.used_other) == ("OTHER", True)
    assert found.see_direct == D("3.75")
    assert found.route == "C"


def test_a_country_with_rows_but_none_for_this_code_falls_back_to_other_countries(snapshot):
    # Viet Nam has rows, but none for 7202 41 (ferro-chromium) at 8, 6 or 4 digits.
    assert snapshot.default_row("720241", "VN") is None

    found = lookup_default_value(snapshot, cn_code="72024110", country="VN", year=2026)

    assert (found.match.row.cn_code, found.match.row.country) == ("720241", "OTHER")
    assert (found.match.matched_digits, found.match.used_other) == (6, True)
    assert found.see_direct == D("2.35")


def test_a_missing_country_of_origin_is_treated_as_other_countries(snapshot):
    found = lookup_default_value(snapshot, cn_code="72061000", country=None, year=2026)

    assert found.match.row.country == "OTHER"
    assert found.match.used_other is False  # OTHER was what was asked


def test_no_default_value_is_an_error_with_the_path(snapshot):
    with pytest.raises(CalculationError) as caught:
        lookup_default_value(snapshot, cn_code="25232900", country="TR", year=2026, path="x")

    assert [(p.path, p.code) for p in caught.value.problems] == [("x", "no_default_value")]
    assert "25232900 (TR or Other countries)" in caught.value.problems[0].message


def test_a_cn_code_outside_cbam_has_no_default_value(snapshot):
    with pytest.raises(CalculationError) as caught:
        lookup_default_value(snapshot, cn_code="72044910", country="CN", year=2026)

    assert caught.value.problems[0].code == "out_of_scope"


@pytest.mark.parametrize(
    ("year", "mark_up"),
    [(2026, "0.10"), (2027, "0.20"), (2028, "0.30"), (2030, "0.30"), (2034, "0.30")],
)
def test_the_mark_up_on_steel_defaults_rises_by_year(snapshot, year, mark_up):
    # IR 2025/2621: +10 % for 2026, +20 % for 2027, +30 % from 2028 (iron and steel).
    found = lookup_default_value(snapshot, cn_code="72085120", country="CN", year=year)

    assert found.sector == "Iron & Steel"
    assert found.mark_up == D(mark_up)
    assert found.mark_up_row is not None
    assert found.mark_up_row.valid_from_year == min(year, 2028)


@pytest.mark.parametrize(("year", "mark_up"), [(2026, "0.10"), (2027, "0.20"), (2029, "0.30")])
def test_the_mark_up_on_aluminium_defaults_rises_by_year(snapshot, year, mark_up):
    found = lookup_default_value(snapshot, cn_code="76011010", country="CN", year=year)

    assert (found.sector, found.mark_up) == ("Aluminium", D(mark_up))


def test_fertilisers_carry_a_one_percent_mark_up_and_their_indirect_value():
    # The annex copy has no fertiliser rows; a one-row snapshot shows the rule (IR 2025/2621:
    # +1 % for fertilisers in every year; ammonia counts indirect emissions).
    snapshot = ReferenceSnapshot(
        category_by_cn={"28141000": "Ammonia"},
        default_values=[DefaultValueRow("28141000", "OTHER", D("2.5"), D("0.3"), "", "t:1")],
    )

    for year in (2026, 2027, 2028, 2034):
        found = lookup_default_value(snapshot, cn_code="28141000", country="EG", year=year)
        assert (found.sector, found.mark_up) == ("Fertilisers", D("0.01"))
        assert (found.see_direct, found.see_indirect) == (D("2.5"), D("0.3"))
