"""Shipments written straight to the database, for tests that are not about recording them."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from accounts.models import Organisation
from exchange.declarations.models import Shipment


def make_shipment(
    organisation: Organisation,
    quantity: str,
    import_date: date,
    *,
    reference: str = "",
    cn_code: str = "72083900",
    country: str = "CN",
    category: str = "Iron or steel products",
    sector: str = "Iron & Steel",
    unit: str = "t",
    **extra: Any,
) -> Shipment:
    return Shipment.objects.create(
        organisation=organisation,
        reference=reference,
        cn_code=cn_code,
        goods_category=category,
        sector=sector,
        quantity=Decimal(quantity),
        unit=unit,
        country_of_origin=country,
        import_date=import_date,
        **extra,
    )
