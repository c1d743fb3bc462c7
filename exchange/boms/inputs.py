"""What a buyer sends for its bills of materials, declared once (``core.inputs``): the API
documents these bodies, the services (``exchange.boms.services``) parse them with the same
declarations. Per-tonne figures are bounded like every specific value (``cbam.numbers``)."""

from __future__ import annotations

from decimal import Decimal

from cbam.inputs import (
    BOOLEAN,
    CHOICE,
    CN_CODE,
    COUNTRY,
    INTEGER,
    NUMBER,
    TEXT,
    UUID,
    Field,
    Input,
)
from cbam.numbers import SPECIFIC, Bounds
from exchange.boms.models import LineSource

#: Benchmark route letters of IR 2025/2620 ("" for none).
ROUTES = ("A", "B", "C", "D", "E", "F", "G", "H", "J", "K", "L")
ROUTE_CHOICES = ("", *ROUTES)

BUYER_PRODUCT_INPUT = Input(
    "BuyerProductInput",
    (
        Field("name", TEXT, "The product's name", required=True, max_length=300),
        Field("cn_code", CN_CODE, "Its CN code, 8 digits", required=True),
        Field("country_of_production", COUNTRY, "Where you make it, ISO 3166", required=True),
        Field("reference", TEXT, "Your own code of the product", max_length=100),
        Field(
            "production_route",
            CHOICE,
            "Its benchmark route letter (IR 2025/2620), or empty",
            choices=ROUTE_CHOICES,
        ),
        Field(
            "direct_tco2e_per_t",
            NUMBER,
            "tCO2e per tonne of product",
            bounds=SPECIFIC,
        ),
        Field("electricity_mwh_per_t", NUMBER, "MWh per tonne of product", bounds=SPECIFIC),
        Field(
            "electricity_factor_tco2_per_mwh",
            NUMBER,
            "tCO2/MWh (empty: the grid factor of the country of production)",
            bounds=SPECIFIC,
        ),
    ),
    help="A complex good you make; its SEE is computed from its lines in the background. On "
    "PATCH every field is optional.",
)

BOM_LINE_INPUT = Input(
    "BomLineInput",
    (
        Field(
            "position",
            INTEGER,
            "Its place in the bill, from 1 (default: after the last)",
            bounds=Bounds(Decimal(10_000)),
        ),
        Field("cn_code", CN_CODE, "CN code of the precursor, 8 digits"),
        Field("description", TEXT, "What it is", max_length=300),
        Field(
            "mass_t_per_t",
            NUMBER,
            "tonnes consumed per tonne of product, scrap and cut-offs included",
            required=True,
            bounds=SPECIFIC,
        ),
        Field(
            "country_of_origin",
            COUNTRY,
            "Where it was produced, ISO 3166 (required unless origin_unknown)",
        ),
        Field(
            "origin_unknown",
            BOOLEAN,
            "true when the country of production cannot be identified (a line on the default "
            "value only): its value is the Annex IV value of IR 2025/2621 (Art. 1(5)), never "
            "the Other countries value; instead of country_of_origin",
        ),
        Field(
            "source",
            CHOICE,
            "Where its SEE comes from",
            required=True,
            choices=tuple(LineSource.values),
        ),
        Field("footprint", UUID, "With supplier_footprint: a footprint shared with you"),
        Field("own_product", UUID, "With own_product: one of your buyer products"),
        Field(
            "fetched_footprint",
            UUID,
            "With fetched_footprint: a footprint fetched from one of your PACT partners",
        ),
        Field("supplier_name", TEXT, "The supplier's name, as you know it", max_length=300),
    ),
    help="A precursor consumed per tonne of the product. On PATCH every field is optional.",
)
