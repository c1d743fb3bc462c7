"""JSON in, JSON out: the calculator's request parsing (every problem with its JSON path,
before anything is computed) and the rendered results."""

from __future__ import annotations

import json

import pytest

from cbam import CalculationError
from cbam.io import calculate_embedded_emissions, calculate_obligation

STAINLESS_REQUEST = {
    "goods": [
        {
            "id": "P1",
            "cn_code": "72189911",
            "country_of_origin": "CN",
            "activity_level_t": "1500000",
            "attributed_direct_tco2e": "120000.5",
            "electricity_mwh": "900000",
            "electricity_factor_tco2_per_mwh": "0.605",
            "precursors": [
                {
                    "cn_code": "72061000",
                    "mass_t": "60000",
                    "see_direct": "1.52",
                    "see_indirect": "0.21",
                },
                {"cn_code": "72024110", "country_of_origin": "IN", "mass_t": "250000"},
            ],
        },
        {
            "id": "P2",
            "cn_code": "72191310",
            "activity_level_t": "700000",
            "attributed_direct_tco2e": "250000",
            "electricity_mwh": "200000",
            "electricity_factor_tco2_per_mwh": "0.605",
            "precursors": [{"good": "P1", "mass_t": "760000"}],
        },
    ]
}


def _problems(call, *args) -> list[tuple[str, str]]:
    with pytest.raises(CalculationError) as caught:
        call(*args)
    return [(p.path, p.code) for p in caught.value.problems]


def test_the_embedded_emissions_of_the_issue_example_are_rendered_per_good(snapshot):
    out = calculate_embedded_emissions(STAINLESS_REQUEST, snapshot)

    p1, p2 = out["goods"]["P1"], out["goods"]["P2"]
    # P1 direct   (120000.5 + 60000 × 1.52 + 250000 × 2.35 (default 720241/IN)) / 1500000
    #           = 798700.5 / 1500000 = 0.532467
    #    indirect (900000 × 0.605 + 60000 × 0.21) / 1500000 = 557100 / 1500000 = 0.3714
    assert (p1["see_direct"], p1["see_indirect"], p1["see_total"]) == (
        "0.53247",
        "0.37140",
        "0.90387",
    )
    # P2 direct   (250000 + 760000 × 0.532467) / 700000 = 654674.92 / 700000 = 0.93524988…
    #    indirect (200000 × 0.605 + 760000 × 0.3714) / 700000 = 403264 / 700000 = 0.57609142…
    assert (p2["see_direct"], p2["see_indirect"], p2["see_total"]) == (
        "0.93525",
        "0.57609",
        "1.51134",
    )
    assert (p1["indirect_counts"], p1["see_indirect_counted"], p1["see_counted"]) == (
        False,
        "0.00000",
        "0.53247",
    )
    assert p1["default_values_used"] == [
        {
            "path": "goods[0].precursors[1]",
            "cn_code": "72024110",
            "country": "IN",
            "matched_cn_code": "720241",
            "matched_country": "IN",
            "matched_digits": 6,
            "used_other_countries": False,
            "origin_unknown": False,
            "cn2025_predecessor": None,
            "see_direct": "2.35",
            "see_indirect": None,
            "production_route": "",
            "row": "default-values-ir2025-2621.csv:233",
        }
    ]
    assert [c["source"] for c in p1["provenance"]["children"]] == [
        "attributed_emissions",
        "electricity",
        "actual_data",
        "default_value",
    ]
    nested = p2["provenance"]["children"][2]
    assert (nested["source"], nested["reference"], nested["mass_t"]) == ("good", "P1", "760000")
    assert nested["children"][3]["reference"] == "default-values-ir2025-2621.csv:233"
    assert out["rounding"].startswith("SEE and tCO2e figures quantised to 0.00001")
    json.dumps(out)  # JSON-able as it is


def test_every_problem_of_a_request_is_reported_with_its_json_path_before_raising(snapshot):
    request = {
        "goods": [
            {
                "id": "P1",
                "cn_code": "7208512",
                "activity_level_t": "0",
                "attributed_direct_tco2e": "12,5",
                "electricity_mwh": "-3",
                "precursors": [
                    {"good": "P9", "mass_t": "10"},
                    {"cn_code": "99999999", "mass_t": "x"},
                    {"cn_code": "72024110", "mass_t": "-1"},
                    {"mass_t": "1"},
                ],
                "colour": "blue",
            },
            {"id": "P1", "cn_code": "72085120", "attributed_direct_tco2e": True},
            "not a good",
        ]
    }

    # In path order (fields alphabetically), shape and rule problems together.
    assert _problems(calculate_embedded_emissions, request, snapshot) == [
        ("goods[0].activity_level_t", "zero"),
        ("goods[0].attributed_direct_tco2e", "not_a_number"),
        ("goods[0].cn_code", "unknown_cn_code"),
        ("goods[0].colour", "unknown_field"),
        ("goods[0].electricity_mwh", "negative"),
        ("goods[0].precursors[0].good", "unknown_good"),
        ("goods[0].precursors[1].cn_code", "out_of_scope"),
        ("goods[0].precursors[1].mass_t", "not_a_number"),
        ("goods[0].precursors[2].mass_t", "negative"),
        ("goods[0].precursors[3].cn_code", "required"),
        ("goods[1].activity_level_t", "required"),
        ("goods[1].attributed_direct_tco2e", "not_a_number"),
        ("goods[1].id", "duplicate_id"),
        ("goods[2]", "invalid"),
    ]


def test_a_problem_message_says_what_is_wrong_and_what_is_expected(snapshot):
    request = {
        "goods": [
            {
                "id": "A",
                "cn_code": "72085120",
                "activity_level_t": "1,5",
                "attributed_direct_tco2e": "1",
            }
        ]
    }

    with pytest.raises(CalculationError) as caught:
        calculate_embedded_emissions(request, snapshot)

    problem = caught.value.problems[0]
    assert problem.message == "'1,5' is not a number: use a point as decimal separator"
    assert caught.value.extra == {
        "problems": [
            {
                "path": "goods[0].activity_level_t",
                "code": "not_a_number",
                "message": "'1,5' is not a number: use a point as decimal separator",
            }
        ]
    }
    assert caught.value.message.startswith("1 problem in the calculation input; first: goods[0]")


def test_a_cycle_is_reported_through_the_json_calculator(snapshot):
    request = {
        "goods": [
            {
                "id": "A",
                "cn_code": "72085120",
                "activity_level_t": "1",
                "attributed_direct_tco2e": "1",
                "precursors": [{"good": "B", "mass_t": "1"}],
            },
            {
                "id": "B",
                "cn_code": "72071111",
                "activity_level_t": "1",
                "attributed_direct_tco2e": "1",
                "precursors": [{"good": "A", "mass_t": "1"}],
            },
        ]
    }

    with pytest.raises(CalculationError) as caught:
        calculate_embedded_emissions(request, snapshot)

    assert [(p.path, p.message) for p in caught.value.problems] == [
        ("goods[1].precursors[0].good", "cycle between goods: A → B → A")
    ]


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ([], [("$", "invalid")]),
        ({}, [("goods", "required")]),
        ({"goods": []}, [("goods", "required")]),
        ({"goods": {}}, [("goods", "invalid")]),
    ],
)
def test_a_request_without_goods_is_refused(snapshot, body, expected):
    assert _problems(calculate_embedded_emissions, body, snapshot) == expected


def test_json_numbers_and_spaced_cn_codes_are_accepted(snapshot):
    request = {
        "goods": [
            {
                "id": 7,
                "cn_code": "7208 51 20",
                "country_of_origin": "cn",
                "activity_level_t": 1000,
                "attributed_direct_tco2e": 123.4,
            }
        ]
    }

    out = calculate_embedded_emissions(request, snapshot)

    assert out["goods"]["7"]["see_direct"] == "0.12340"
    assert out["goods"]["7"]["cn_code"] == "72085120"


@pytest.mark.parametrize("value", ["NaN", "Infinity", "1e", "", True, [1], {"v": 1}])
def test_a_value_that_is_not_a_finite_number_is_refused(snapshot, value):
    request = {
        "goods": [
            {
                "id": "A",
                "cn_code": "72085120",
                "activity_level_t": "1",
                "attributed_direct_tco2e": value,
            }
        ]
    }

    assert _problems(calculate_embedded_emissions, request, snapshot) == [
        ("goods[0].attributed_direct_tco2e", "not_a_number")
    ]


def test_provenance_of_a_deep_chain_is_truncated_and_says_so(snapshot):
    goods = [
        {"id": "G0", "cn_code": "72071111", "activity_level_t": "1", "attributed_direct_tco2e": "1"}
    ]
    for k in range(1, 40):
        goods.append(
            {
                "id": f"G{k}",
                "cn_code": "72085120",
                "activity_level_t": "1",
                "attributed_direct_tco2e": "0",
                "precursors": [{"good": f"G{k - 1}", "mass_t": "1"}],
            }
        )

    out = calculate_embedded_emissions({"goods": goods}, snapshot)

    node = out["goods"]["G39"]["provenance"]
    depth = 0
    while "children" in node:
        node = node["children"][-1]
        depth += 1
    assert (depth, node.get("truncated")) == (25, True)
    assert out["goods"]["G39"]["see_direct"] == "1.00000"


OBLIGATION_REQUEST = {
    "year": 2026,
    "cn_code": "72085120",
    "country_of_origin": "CN",
    "quantity_t": "100",
    "certificate_price_eur": "80",
    "see_direct": "1.9",
    "see_indirect": "0.4",
    "verified": True,
    "carbon_price_paid_eur_per_tco2e": "8.50",
    "precursors": [
        {
            "cn_code": "72071111",
            "mass_t_per_t": "1.05",
            "country_of_origin": "CN",
            "verified": True,
            "production_route": "c",
        }
    ],
}


def test_the_obligation_is_rendered_with_its_rows_projection_and_cost_on_defaults(snapshot):
    out = calculate_obligation(OBLIGATION_REQUEST, snapshot)

    assert {k: out[k] for k in ("year", "default_used", "mark_up", "embedded_emissions_tco2e")} == {
        "year": 2026,
        "default_used": False,
        "mark_up": "0",
        "embedded_emissions_tco2e": "190.00000",
    }
    assert out["free_allocation_adjustment_tco2e"] == "23.53650"
    assert out["carbon_price_deduction_tco2e"] == "20.18750"
    assert (out["certificates"], out["cost_eur"]) == ("146.27600", "11702.08")
    assert (out["cost_eur_on_defaults"], out["saving_eur"]) == ("17358.66", "5656.58")
    fa = out["rows"]["free_allocation"]
    assert fa["benchmark"] == {
        "cn_code": "72085120",
        "column": "A",
        "route": None,
        "period": None,
        "value_tco2e_per_t": "0.044",
        "row": "benchmarks-ir2025-2620.csv:311",
        "note": None,
    }
    assert fa["cbam_factor"] == {
        "value": "0.975",
        "valid_from_year": 2026,
        "source": "Directive 2003/87/EC Art. 10a(1a)",
    }
    assert fa["precursors"][0]["benchmark"]["row"] == "benchmarks-ir2025-2620.csv:167"
    defaults_rows = out["on_defaults"]["rows"]
    assert defaults_rows["default_value"]["row"] == "default-values-ir2025-2621.csv:35"
    assert defaults_rows["mark_up"]["value"] == "0.10"
    assert defaults_rows["free_allocation"]["benchmark"]["route"] == "C"
    assert [p["year"] for p in out["projection"]] == list(range(2026, 2035))
    assert out["projection"][-1] == {
        "year": 2034,
        "cbam_factor": "0",
        "mark_up": "0",
        "certificates": "169.81250",
        "cost_eur": "13585.00",
        "certificates_on_defaults": "414.29605",
        "cost_eur_on_defaults": "33143.68",
    }
    json.dumps(out)


def test_every_problem_of_an_obligation_request_is_reported(snapshot):
    request = {
        "year": "last year",
        "cn_code": 72085120,
        "country_of_origin": "China",
        "quantity_t": "-5",
        "verified": "yes",
        "production_route": "Z",
        "precursors": [{"cn_code": "72071111"}, 3],
        "price": "80",
    }

    assert _problems(calculate_obligation, request, snapshot) == [
        ("certificate_price_eur", "required"),
        ("cn_code", "invalid"),
        ("country_of_origin", "invalid"),
        ("precursors[0].mass_t_per_t", "required"),
        ("precursors[1]", "invalid"),
        ("price", "unknown_field"),
        ("production_route", "invalid"),
        ("quantity_t", "negative"),
        ("verified", "invalid"),
        ("year", "invalid"),
    ]


def test_a_route_problem_found_while_computing_is_reported_with_its_path(snapshot):
    request = {
        **OBLIGATION_REQUEST,
        "precursors": [{"cn_code": "72071111", "mass_t_per_t": "1", "verified": True}],
    }

    assert _problems(calculate_obligation, request, snapshot) == [
        ("precursors[0].production_route", "invalid")
    ]
