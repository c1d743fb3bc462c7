"""The public calculator: API and CLI over the reference data in the database."""

from __future__ import annotations

import io
import json
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from rest_framework.test import APIClient

from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db

SEE_URL = "/api/v1/calculations/embedded-emissions"
OBLIGATION_URL = "/api/v1/calculations/cbam-obligation"

# The example: P1 (crude steel) with an inline and a default-value precursor, P2 made
# from P1.
EXAMPLE = {
    "reference_date": "2026-06-30",
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
    ],
}


def _expected_p1_p2() -> dict[str, Decimal]:
    # P1 direct: (120000.5 + 60000 x 1.52 + 250000 x 2.35 [IN default, row 720241]) / 1500000
    p1_direct = (Decimal("120000.5") + 60000 * Decimal("1.52") + 250000 * Decimal("2.35")) / 1500000
    # P1 indirect: (900000 MWh x 0.605 + 60000 x 0.21) / 1500000 (the default precursor has none)
    p1_indirect = (900000 * Decimal("0.605") + 60000 * Decimal("0.21")) / 1500000
    # P2: (AttrEm + 760000 x SEE(P1)) / 700000, per channel
    p2_direct = (250000 + 760000 * p1_direct) / 700000
    p2_indirect = (200000 * Decimal("0.605") + 760000 * p1_indirect) / 700000
    q = Decimal("0.00001")
    return {
        "p1_direct": p1_direct.quantize(q),
        "p1_indirect": p1_indirect.quantize(q),
        "p2_direct": p2_direct.quantize(q),
        "p2_indirect": p2_indirect.quantize(q),
        "p2_total": (p2_direct + p2_indirect).quantize(q),
    }


def test_anyone_computes_embedded_emissions_with_the_default_value_row_named(reference_data):
    response = APIClient().post(SEE_URL, EXAMPLE, format="json")

    assert response.status_code == 200, response.content
    goods = response.json()["goods"]
    expected = _expected_p1_p2()
    assert goods["P1"]["see_direct"] == "0.53247" == str(expected["p1_direct"])
    assert goods["P1"]["see_indirect"] == "0.37140" == str(expected["p1_indirect"])
    assert goods["P2"]["see_direct"] == str(expected["p2_direct"]) == "0.93525"
    assert goods["P2"]["see_indirect"] == str(expected["p2_indirect"]) == "0.57609"
    assert goods["P2"]["see_total"] == str(expected["p2_total"]) == "1.51134"
    assert goods["P1"]["indirect_counts"] is False  # steel: direct only (Annex II, Reg. 2023/956)
    [used] = goods["P1"]["default_values_used"]
    assert used["path"] == "goods[0].precursors[1]"
    assert used["matched_cn_code"] == "720241"
    assert used["see_direct"] == "2.35"
    # 2026: the second version of the table (IR 2026/1740); 720241,IN is its file's line 234.
    assert used["row"] == (
        "default_values v2 (IR 2025/2621 Annex I as replaced by IR 2026/1740) line 234"
    )
    assert goods["P2"]["default_values_used"] == []


def test_the_cli_gives_the_same_answer_as_the_api(reference_data, tmp_path):
    path = tmp_path / "goods.json"
    path.write_text(json.dumps(EXAMPLE))
    out = io.StringIO()

    call_command("cbam_calc", "embedded-emissions", str(path), stdout=out)

    api = APIClient().post(SEE_URL, EXAMPLE, format="json").json()
    assert json.loads(out.getvalue()) == api


def test_the_cli_reads_standard_input(reference_data, monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO(json.dumps(EXAMPLE)))
    out = io.StringIO()

    call_command("cbam_calc", "embedded-emissions", "-", stdout=out)

    assert json.loads(out.getvalue())["goods"]["P1"]["see_total"] == "0.90387"


def test_every_problem_is_listed_by_json_path(reference_data):
    bad = {
        "goods": [
            {
                "id": "A",
                "cn_code": "72189911",
                "activity_level_t": "-5",
                "attributed_direct_tco2e": "ten",
                "precursors": [{"good": "NOPE", "mass_t": "1"}],
            },
            {
                "id": "B",
                "cn_code": "99999999",
                "activity_level_t": "1",
                "attributed_direct_tco2e": "0",
            },
        ]
    }

    response = APIClient().post(SEE_URL, bad, format="json")

    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "calculation_invalid"
    assert sorted(body["extra"]["fields"]) == [
        "goods[0].activity_level_t",
        "goods[0].attributed_direct_tco2e",
        "goods[0].precursors[0].good",
        "goods[1].cn_code",
    ]
    assert [p["path"] for p in body["extra"]["problems"]] == sorted(
        p["path"] for p in body["extra"]["problems"]
    )


def test_a_cycle_is_refused_naming_the_goods_in_it(reference_data):
    cycle = {
        "goods": [
            {
                "id": g,
                "cn_code": "72189911",
                "activity_level_t": "1",
                "attributed_direct_tco2e": "1",
                "precursors": [{"good": nxt, "mass_t": "1"}],
            }
            for g, nxt in (("X", "Y"), ("Y", "Z"), ("Z", "X"))
        ]
    }

    response = APIClient().post(SEE_URL, cycle, format="json")

    assert response.status_code == 400
    messages = " ".join(m for ms in response.json()["extra"]["fields"].values() for m in ms)
    for good in ("X", "Y", "Z"):
        assert good in messages


def test_the_cli_prints_each_problem_and_fails(reference_data, tmp_path):
    path = tmp_path / "bad.json"
    path.write_text(json.dumps({"goods": [{"id": "A", "cn_code": "72189911"}]}))
    err = io.StringIO()

    with pytest.raises(CommandError) as excinfo:
        call_command("cbam_calc", "embedded-emissions", str(path), stderr=err)

    lines = err.getvalue().strip().splitlines()
    assert [line.split(":")[0] for line in lines] == [
        "goods[0].activity_level_t",
        "goods[0].attributed_direct_tco2e",
    ]
    assert "2 problems" in str(excinfo.value)


def test_the_cli_names_a_json_syntax_error(tmp_path):
    path = tmp_path / "broken.json"
    path.write_text('{"goods": [}')

    with pytest.raises(CommandError, match=r"not valid JSON at line 1 column 12"):
        call_command("cbam_calc", "obligation", str(path))


def test_a_bad_reference_date_is_named(reference_data):
    response = APIClient().post(SEE_URL, {**EXAMPLE, "reference_date": "30/06/2026"}, format="json")

    assert response.status_code == 400
    assert response.json()["extra"]["fields"] == {
        "reference_date": ["Expected a date as YYYY-MM-DD, e.g. 2026-06-30."]
    }


def test_obligation_on_default_values_with_mark_up_and_projection(reference_data):
    # 100 t of steel screws without heads (CN 7318 15 42) from China, no supplier data.
    body = {
        "year": 2026,
        "cn_code": "73181542",
        "country_of_origin": "CN",
        "quantity_t": "100",
        "verified": False,
        "certificate_price_eur": "75",
    }

    response = APIClient().post(OBLIGATION_URL, body, format="json")

    assert response.status_code == 200, response.content
    result = response.json()
    # Default value: CN row 731815 (6 digits), 6.375 tCO2e/t, route C (IR 2025/2621 Annex I).
    assert result["rows"]["default_value"]["matched_cn_code"] == "731815"
    assert result["rows"]["default_value"]["see_direct"] == "6.375"
    assert result["default_used"] is True
    assert result["mark_up"] == "0.1"  # 2026, iron & steel
    # EE = 100 t x 6.375 x 1.10 = 701.25 tCO2e
    assert result["embedded_emissions_tco2e"] == "701.25000"
    # FAA = CBAM factor 0.975 x CSCF 1 x column B route C 1.364 x 100 t = 132.99 (IR 2025/2620)
    assert result["rows"]["free_allocation"]["benchmark"]["value_tco2e_per_t"] == "1.364"
    assert result["free_allocation_adjustment_tco2e"] == "132.99000"
    # 701.25 - 132.99 = 568.26 certificates x 75 EUR = 42 619.50 EUR
    assert result["certificates"] == "568.26000"
    assert result["cost_eur"] == "42619.50"
    projection = {p["year"]: p for p in result["projection"]}
    assert sorted(projection) == list(range(2026, 2035))
    # 2027: 100 x 6.375 x 1.20 - 0.95 x 1.364 x 100 = 765 - 129.58 = 635.42
    assert projection[2027]["certificates"] == "635.42000"
    assert projection[2027]["cost_eur"] == "47656.50"
    # 2034: mark-up 30 %, CBAM factor 0: 100 x 6.375 x 1.30 = 828.75
    assert projection[2034]["certificates"] == "828.75000"
    assert projection[2034]["cost_eur"] == "62156.25"


def test_anonymous_callers_are_throttled_tightly_but_members_are_not(reference_data, settings):
    rates = dict(settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], calculator_anon="2/min")
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": rates}
    from rest_framework.throttling import SimpleRateThrottle

    SimpleRateThrottle.THROTTLE_RATES = rates
    try:
        anonymous = APIClient()
        statuses = [anonymous.post(SEE_URL, EXAMPLE, format="json").status_code for _ in range(3)]
        member = APIClient()
        member.force_authenticate(MembershipFactory().user)
        member_statuses = [
            member.post(SEE_URL, EXAMPLE, format="json").status_code for _ in range(3)
        ]
    finally:
        from rest_framework.settings import api_settings

        SimpleRateThrottle.THROTTLE_RATES = api_settings.DEFAULT_THROTTLE_RATES

    assert statuses == [200, 200, 429]
    assert member_statuses == [200, 200, 200]


def _profiles_from_billets(precursor: dict[str, object]) -> dict[str, object]:
    return {
        "reference_date": "2026-06-30",
        "goods": [
            {
                "id": "profiles",
                "cn_code": "76042990",
                "country_of_origin": "TR",
                "activity_level_t": "1000",
                "attributed_direct_tco2e": "100",
                "precursors": [{"cn_code": "76012040", "mass_t": "1050", **precursor}],
            }
        ],
    }


def test_a_precursor_of_unknown_origin_takes_the_annex_iv_value(reference_data):
    response = APIClient().post(
        SEE_URL, _profiles_from_billets({"origin_unknown": True}), format="json"
    )

    assert response.status_code == 200, response.content
    good = response.json()["goods"]["profiles"]
    # (100 + 1050 × 3.198 [Annex IV, 7601]) / 1000 = 3.4579, not 2.41315 on Other countries.
    assert good["see_direct"] == "3.45790"
    [used] = good["default_values_used"]
    assert (used["country"], used["origin_unknown"], used["matched_cn_code"]) == (
        "UNKNOWN",
        True,
        "7601",
    )
    assert (used["see_direct"], used["used_other_countries"]) == ("3.198", False)
    assert used["row"] == (
        "unknown_origin_values v1 (IR 2025/2621 Annex IV as replaced by IR 2026/1740 "
        "(7601 only)) line 5"
    )


def test_an_unknown_origin_without_an_annex_iv_value_is_a_400_naming_the_field(reference_data):
    body = _profiles_from_billets({"origin_unknown": True})
    body["goods"][0]["precursors"][0]["cn_code"] = "7208 39 00"  # type: ignore[index]

    response = APIClient().post(SEE_URL, body, format="json")

    assert response.status_code == 400, response.content
    fields = response.json()["extra"]["fields"]
    assert list(fields) == ["goods[0].precursors[0].origin_unknown"]
    assert fields["goods[0].precursors[0].origin_unknown"] == [
        "origin unknown: no Annex IV value is shipped for CN 72083900 (IR 2025/2621 Art. 1(5), "
        "Annex IV as replaced by IR 2026/1740: values for a precursor whose country of "
        "production cannot be identified); give the country of production (country_of_origin) "
        "instead"
    ]
