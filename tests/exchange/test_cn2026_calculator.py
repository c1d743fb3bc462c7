"""CN 2026's 7308 20 10 (and its TARIC form) in the calculator: a CBAM good priced on the rows
of its CN 2025 predecessor 7308 20 00, which the result says (docs/reference-data.md "CN 2026").

Rows: default-values-ir2026-1740.csv line 177: 7308, CN, 6.035, route C; benchmarks-ir2025-
2620.csv line 2033: 73082000 column B route C 1.491.
"""

from __future__ import annotations

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db

DEFAULT_ROW = "default_values v2 (IR 2025/2621 Annex I as replaced by IR 2026/1740) line 177"
NOTE = (
    "CN 73082010 was created after CN 2025 and has no default value of its own: the default "
    "value of its CN 2025 predecessor 73082000 is used"
)
BENCHMARK_NOTE = (
    "free allocation: CN 73082010 was created after CN 2025 and has no benchmark of its own: "
    "the benchmark of its CN 2025 predecessor 73082000 is used"
)


@pytest.mark.parametrize("cn_code", ["7308 20 10", "7308201000"])
def test_the_calculator_prices_a_cn_2026_tower_on_its_predecessors_rows(reference_data, cn_code):
    cache.clear()
    response = APIClient().post(
        "/api/v1/calculations/cbam-obligation",
        {
            "year": 2026,
            "cn_code": cn_code,
            "country_of_origin": "CN",
            "quantity_t": "10",
            "certificate_price_eur": "80",
        },
        format="json",
    )

    assert response.status_code == 200, response.content
    result = response.json()
    assert (result["category"], result["cn_code"]) == ("Iron or steel products", "73082010")
    default = result["rows"]["default_value"]
    assert (default["cn_code"], default["matched_cn_code"], default["cn2025_predecessor"]) == (
        "73082010",
        "7308",
        "73082000",
    )
    assert (default["see_direct"], default["row"]) == ("6.035", DEFAULT_ROW)
    # EE = 10 × 6.035 × 1.10 = 66.385; FAA = 10 × 0.975 × 1.491 (73082000 column B, route C)
    # = 14.53725; certificates 51.84775; × 80 = 4147.82 EUR.
    assert result["embedded_emissions_tco2e"] == "66.38500"
    assert result["free_allocation_adjustment_tco2e"] == "14.53725"
    assert result["certificates"] == "51.84775"
    assert result["cost_eur"] == "4147.82"
    assert NOTE in result["notes"]
    assert BENCHMARK_NOTE in result["notes"]
