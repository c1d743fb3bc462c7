"""Authorisation-matrix samples for the boms endpoints (see tests/matrix_samples.py).

A line's URL names its product too, so both samples use the same product of the
organisation (created once per organisation)."""

from __future__ import annotations

from decimal import Decimal

from accounts.models import Organisation
from exchange.boms.models import BomLine, BuyerProduct, LineSource
from tests.matrix_samples_types import SampleMaker


def _product(org: Organisation) -> BuyerProduct:
    product, _ = BuyerProduct.objects.get_or_create(
        organisation=org,
        name="Matrix sample screws",
        defaults={"cn_code": "73181595", "country_of_production": "CN"},
    )
    return product


def _line(org: Organisation) -> str:
    product = _product(org)
    line, _ = BomLine.objects.get_or_create(
        product=product,
        position=1,
        defaults={
            "cn_code": "72083900",
            "mass_t_per_t": Decimal("1.05"),
            "country_of_origin": "CN",
            "source": LineSource.DEFAULT_VALUE,
        },
    )
    return str(line.pk)


SAMPLES: dict[str, SampleMaker] = {
    "buyer_product_id": lambda org: str(_product(org).pk),
    "bom_line_id": _line,
}
