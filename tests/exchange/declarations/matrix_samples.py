"""Authorisation-matrix samples for the declarations endpoints (see tests/matrix_samples.py).

``year`` is a value, not an object of an organisation: every organisation has a 2026, so it
is listed in ``VALUE_PARAMS`` and the matrix does not expect another organisation's year to
answer 404 (it checks instead that the year's reports never show another organisation's data).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from accounts.models import Organisation
from exchange.declarations.models import Shipment, ShipmentImport
from tests.matrix_samples_types import SampleMaker


def _shipment(org: Organisation) -> str:
    return str(
        Shipment.objects.create(
            organisation=org,
            reference=f"MRN-{org.slug}",
            cn_code="72083900",
            goods_category="Iron or steel products",
            sector="Iron & Steel",
            quantity=Decimal("12.5"),
            unit="t",
            country_of_origin="CN",
            import_date=date(2026, 3, 2),
        ).pk
    )


def _shipment_import(org: Organisation) -> str:
    return str(
        ShipmentImport.objects.create(
            organisation=org,
            file_name="shipments.csv",
            sha256=org.slug.ljust(64, "0")[:64],
            size_bytes=10,
            rows_total=0,
            rows_imported=0,
            rows_already_present=0,
            rows_failed=0,
        ).pk
    )


SAMPLES: dict[str, SampleMaker] = {
    "shipment_id": _shipment,
    "shipment_import_id": _shipment_import,
    "year": lambda org: "2026",
}

VALUE_PARAMS: frozenset[str] = frozenset({"year"})
