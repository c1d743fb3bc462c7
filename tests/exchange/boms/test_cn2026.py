"""CN 2026's 7308 20 10 on a BOM line (its TARIC form): the default value of its CN 2025
predecessor 7308 20 00 (row 7308, CN, 6.035), said in the stored line and provenance."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from exchange.boms.models import AggregationResult, BomLine
from exchange.boms.services.aggregation import products_recompute
from tests.exchange.boms.conftest import Chain
from tests.exchange.test_cn2026_calculator import DEFAULT_ROW, NOTE

pytestmark = pytest.mark.django_db

D = Decimal


def test_a_bom_line_of_a_cn_2026_tower_takes_its_predecessors_default(chain: Chain) -> None:
    # A lattice mast bought from China into the buyer's steel structures (7308 90 98, made in CN).
    product = chain.api("preparer").post(
        chain.url("buyer-products/"),
        {"name": "Mast assemblies", "cn_code": "73089098", "country_of_production": "CN"},
        format="json",
    )
    assert product.status_code == 201, product.content
    line = chain.api("preparer").post(
        chain.url(f"buyer-products/{product.json()['id']}/lines/"),
        {
            "cn_code": "7308201000",
            "mass_t_per_t": "1.02",
            "country_of_origin": "CN",
            "source": "default_value",
        },
        format="json",
    )
    assert line.status_code == 201, line.content
    assert BomLine.objects.get(pk=line.json()["id"]).cn_code == "73082010"

    products_recompute(organisation_id=chain.buyer.pk, today=date(2026, 11, 21))

    result = AggregationResult.objects.get(product_id=product.json()["id"])
    assert result.status == "ok", result.problems
    # SEE = 1.02 × 6.035 (the 7308 row of CN, found for the predecessor 73082000) = 6.1557.
    assert result.see_direct == D("6.1557")
    [stored] = result.lines
    used = stored["see_used"]["default_value"]
    assert (used["cn_code"], used["cn2025_predecessor"], used["row"]) == (
        "73082010",
        "73082000",
        DEFAULT_ROW,
    )
    [node] = [n for n in result.provenance["children"] if n["source"] == "default_value"]
    assert node["note"].endswith(NOTE)
