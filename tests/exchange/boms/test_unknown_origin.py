"""A BOM line on the default value whose country of production cannot be identified: the
Annex IV value of IR 2025/2621 (Art. 1(5), as replaced by IR 2026/1740), said explicitly
(``origin_unknown``), never the "Other countries" value; refused with the field where no
Annex IV value is loaded or where the line is not on the default value.

Rows: unknown-origin-values-ir2026-1740.csv line 5: 7601, 3.198, no route; benchmarks:
76042990 column A 0.060; 76012040 column B K 1.423, L 0.091; mark-up Aluminium 2026 +10 %;
CBAM factor 2026 0.975; certificate price published last by 2026-11-21: Q2 2026 EUR 75.28.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from exchange.boms.models import AggregationResult, BomLine, BuyerProduct
from exchange.boms.services.aggregation import products_recompute
from tests.exchange.boms.conftest import Chain

pytestmark = pytest.mark.django_db

D = Decimal


@pytest.fixture
def profiles(chain: Chain) -> BuyerProduct:
    response = chain.api("preparer").post(
        chain.url("buyer-products/"),
        {
            "name": "Window profiles",
            "cn_code": "76042990",
            "country_of_production": "TR",
            "direct_tco2e_per_t": "0.1",
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    return BuyerProduct.objects.get(pk=response.json()["id"])


def _line(chain: Chain, product: BuyerProduct, **data: object):
    body = {"mass_t_per_t": "1.05", "cn_code": "76012040", "source": "default_value", **data}
    return chain.api("preparer").post(
        chain.url(f"buyer-products/{product.pk}/lines/"), body, format="json"
    )


def test_a_line_of_unknown_origin_is_priced_on_the_annex_iv_value_with_the_mark_up(
    chain: Chain, profiles: BuyerProduct
) -> None:
    created = _line(chain, profiles, origin_unknown=True)
    assert created.status_code == 201, created.content
    assert (created.json()["origin_unknown"], created.json()["country_of_origin"]) == (True, "")

    products_recompute(organisation_id=chain.buyer.pk, today=date(2026, 11, 21))

    result = AggregationResult.objects.get(product=profiles)
    assert result.status == "ok", result.problems
    # SEE = 0.1 + 1.05 × 3.198 = 3.4579 (on "Other countries" it would be 0.1 + 1.05 × 2.203).
    assert result.see_direct == D("3.4579")
    assert result.default_share == (D("3.3579") / D("3.4579")).quantize(D("1E-10"))
    [line] = result.lines
    assert line["see_used"]["default_value"]["origin_unknown"] is True
    assert line["see_used"]["default_value"]["row"] == (
        "unknown_origin_values v1 (IR 2025/2621 Annex IV as replaced by IR 2026/1740 "
        "(7601 only)) line 5"
    )
    # The mark-up applies to the Annex IV value as to every default value (+10 % in 2026):
    # SEE* = 3.4579 + 0.10 × 3.3579 = 3.79369. The billets' benchmark: no route is known for an
    # unknown origin, so the lowest column B (L 0.091):
    # FA = 0.975 × (0.060 + 1.05 × 0.091) = 0.975 × 0.15555 = 0.15166125;
    # (3.79369 − 0.15166125) × 75.28 = 3.64202875 × 75.28 = 274.17192430.
    assert result.exposure["current"]["cost_eur_per_t"] == "274.17"
    assert result.exposure["current"]["mark_up_tco2e_per_t"] == "0.3357900000"
    assert result.exposure["current"]["free_allocation_tco2e_per_t"] == "0.1516612500"


def test_origin_unknown_without_an_annex_iv_value_is_a_400_naming_the_field(
    chain: Chain, profiles: BuyerProduct
) -> None:
    response = _line(chain, profiles, origin_unknown=True, cn_code="72083900")

    assert response.status_code == 400, response.content
    assert response.json()["extra"]["fields"] == {
        "origin_unknown": [
            "origin unknown: no Annex IV value is shipped for CN 72083900 (IR 2025/2621 Art. "
            "1(5), Annex IV as replaced by IR 2026/1740: values for a precursor whose country "
            "of production cannot be identified); give the country of production "
            "(country_of_origin) instead."
        ]
    }
    assert not BomLine.objects.filter(product=profiles).exists()


@pytest.mark.parametrize(
    ("data", "field", "expected"),
    [
        (
            {"origin_unknown": True, "country_of_origin": "CN"},
            "origin_unknown",
            "Give either country_of_origin or origin_unknown: true, not both",
        ),
        (
            {"origin_unknown": True, "source": "own_product"},
            "origin_unknown",
            "Origin unknown (IR 2025/2621 Art. 1(5), Annex IV) is for a line on the default value",
        ),
        ({}, "country_of_origin", "or origin_unknown: true when it cannot be identified"),
        ({"origin_unknown": "yes"}, "origin_unknown", "'yes' is not true or false"),
    ],
)
def test_an_origin_that_is_neither_a_country_nor_explicitly_unknown_is_refused(
    chain: Chain, profiles: BuyerProduct, data: dict[str, object], field: str, expected: str
) -> None:
    response = _line(chain, profiles, **data)

    assert response.status_code == 400, response.content
    assert expected in response.json()["extra"]["fields"][field][0]
    assert not BomLine.objects.filter(product=profiles).exists()


def test_naming_the_country_later_leaves_the_annex_iv_value(
    chain: Chain, profiles: BuyerProduct
) -> None:
    line_id = _line(chain, profiles, origin_unknown=True).json()["id"]

    response = chain.api("preparer").patch(
        chain.url(f"buyer-products/{profiles.pk}/lines/{line_id}/"),
        {"country_of_origin": "BR"},
        format="json",
    )

    assert response.status_code == 200, response.content
    line = BomLine.objects.get(pk=line_id)
    assert (line.origin_unknown, line.country_of_origin) == (False, "BR")
    products_recompute(organisation_id=chain.buyer.pk, today=date(2026, 11, 21))
    # Brazil has no table of its own: "Other countries" 2.203 (route K): 0.1 + 1.05 × 2.203.
    assert AggregationResult.objects.get(product=profiles).see_direct == D("2.41315")
