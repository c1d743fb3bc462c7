"""A precursor whose country of production cannot be identified (IR 2025/2621 Art. 1(5)): the
Annex IV value (as replaced by IR 2026/1740), an explicit choice distinct from "Other
countries"; where no Annex IV value is loaded, a typed error naming the field.

Rows (reference/data/): unknown-origin-values-ir2026-1740.csv line 5: 7601, 3.198 (the only
Annex IV row shipped); default-values-ir2026-1740.csv line 1942: 7601, OTHER, 2.203, route K.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from cbam import CalculationError, GoodInput, PrecursorInput
from cbam.csv_snapshot import DEFAULT_VALUES_IN_FORCE_FILE, snapshot_from_csv
from cbam.defaults import match_default_value
from cbam.parsing import parse_goods
from cbam.see import compute_see
from cbam.statutory import ORIGIN_UNKNOWN
from tests.cbam.conftest import DATA

D = Decimal


@pytest.fixture(scope="module")
def snapshot():
    return snapshot_from_csv(DATA, default_values_file=DEFAULT_VALUES_IN_FORCE_FILE)


def _profile(*precursors: PrecursorInput) -> GoodInput:
    # 1,000 t of aluminium profiles made in Türkiye from 1,050 t of billets.
    return GoodInput(
        id="profiles",
        cn_code="76042990",
        country_of_origin="TR",
        activity_level_t=D("1000"),
        attributed_direct_tco2e=D("100"),
        precursors=precursors,
    )


def test_an_unknown_origin_7601_precursor_uses_the_annex_iv_value_not_other_countries(snapshot):
    unknown = PrecursorInput(mass_t=D("1050"), cn_code="76012040", country_of_origin=ORIGIN_UNKNOWN)
    other = PrecursorInput(mass_t=D("1050"), cn_code="76012040", country_of_origin="OTHER")

    on_annex_iv = compute_see([_profile(unknown)], snapshot)
    on_other = compute_see([_profile(other)], snapshot)

    # (100 + 1050 × 3.198) / 1000 = 3.4579 tCO2e/t, against (100 + 1050 × 2.203) / 1000 = 2.41315
    # on the "Other countries" value. No mark-up inside an SEE (the obligation adds it).
    assert on_annex_iv["profiles"].see_direct == D("3.4579")
    assert on_other["profiles"].see_direct == D("2.41315")
    [used] = on_annex_iv["profiles"].default_values_used
    assert (used.match.country, used.match.origin_unknown, used.match.used_other) == (
        "UNKNOWN",
        True,
        False,
    )
    assert (used.match.row.cn_code, used.match.matched_digits, used.match.row.see_direct) == (
        "7601",
        4,
        D("3.198"),
    )
    assert used.match.row.ref == "unknown-origin-values-ir2026-1740.csv:5"
    node = on_annex_iv.provenance("profiles").children[-1]
    assert (node.source, node.reference) == (
        "default_value",
        "unknown-origin-values-ir2026-1740.csv:5",
    )
    assert node.note == (
        "Annex IV value of CN 7601 (4-digit row): the country of production cannot be "
        "identified (IR 2025/2621 Art. 1(5), Annex IV as replaced by IR 2026/1740), not the "
        "Other countries value; without mark-up"
    )


def test_an_unknown_origin_never_falls_back_to_other_countries(snapshot):
    # 7208 has an "Other countries" row (3.187 for CN; OTHER too) but no Annex IV row is shipped.
    assert match_default_value(snapshot, "72083900", "OTHER") is not None
    assert match_default_value(snapshot, "72083900", ORIGIN_UNKNOWN) is None

    with pytest.raises(CalculationError) as refused:
        compute_see(
            [
                _profile(
                    PrecursorInput(
                        mass_t=D("1"), cn_code="72083900", country_of_origin=ORIGIN_UNKNOWN
                    )
                )
            ],
            snapshot,
        )

    [problem] = refused.value.problems
    assert (problem.path, problem.code) == (
        "goods[0].precursors[0].origin_unknown",
        "no_unknown_origin_value",
    )
    assert problem.message == (
        "origin unknown: no Annex IV value is shipped for CN 72083900 (IR 2025/2621 Art. 1(5), "
        "Annex IV as replaced by IR 2026/1740: values for a precursor whose country of "
        "production cannot be identified); give the country of production (country_of_origin) "
        "instead"
    )


def _request(precursor: dict[str, object]) -> dict[str, object]:
    return {
        "goods": [
            {
                "id": "profiles",
                "cn_code": "76042990",
                "country_of_origin": "TR",
                "activity_level_t": "1000",
                "attributed_direct_tco2e": "100",
                "precursors": [{"cn_code": "76012040", "mass_t": "1050", **precursor}],
            }
        ]
    }


def test_the_calculator_input_says_origin_unknown_explicitly(snapshot):
    [good] = parse_goods(_request({"origin_unknown": True}), snapshot)

    assert good.precursors[0].country_of_origin == ORIGIN_UNKNOWN


@pytest.mark.parametrize(
    ("precursor", "message"),
    [
        (
            {"origin_unknown": True, "country_of_origin": "CN"},
            "give either country_of_origin or origin_unknown: true, not both; origin_unknown "
            "is for a precursor whose country of production cannot be identified",
        ),
        (
            {"origin_unknown": True, "see_direct": "1.5", "see_indirect": "0"},
            "origin_unknown is for a bought precursor on its default value (IR 2025/2621 Art. "
            "1(5), Annex IV); a good of this request or actual data (see_direct) has a known "
            "installation: give its country_of_origin instead",
        ),
        ({"origin_unknown": "yes"}, "expected true or false, got a string"),
    ],
)
def test_a_contradictory_origin_is_refused_naming_the_field(snapshot, precursor, message):
    with pytest.raises(CalculationError) as refused:
        parse_goods(_request(precursor), snapshot)

    [problem] = refused.value.problems
    assert (problem.path, problem.message) == ("goods[0].precursors[0].origin_unknown", message)
