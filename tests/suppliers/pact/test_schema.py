"""The published JSON schema of the CBAM extension: a valid draft 2020-12 schema, served with the
URL it lives at, describing exactly the data the builder writes."""

from __future__ import annotations

import json
from decimal import Decimal as D

from jsonschema import Draft202012Validator

from suppliers.pact.document import DataQualityInfo, SeeFigures, build_product_footprint
from suppliers.pact.schema import cbam_extension_schema, cbam_extension_schema_bytes
from tests.suppliers.pact.examples import PLATFORM_HOST, hot_rolled_coil_input


def test_the_schema_is_a_valid_draft_2020_12_schema():
    schema = cbam_extension_schema()

    Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert "$id" not in schema


def test_served_with_a_host_the_schema_names_its_own_url():
    schema = cbam_extension_schema(platform_host=PLATFORM_HOST)

    assert schema["$id"] == "https://cbam.example.com/schemas/cbam-exchange/cbam-footprint-v1.json"
    assert list(schema)[:2] == ["$schema", "$id"]
    body = json.loads(cbam_extension_schema_bytes(platform_host=PLATFORM_HOST))
    assert body == schema


def test_each_call_returns_a_fresh_copy():
    cbam_extension_schema()["properties"].clear()

    assert "see" in cbam_extension_schema()["properties"]


def test_the_example_extension_data_validates_against_the_schema():
    doc = build_product_footprint(hot_rolled_coil_input(), platform_host=PLATFORM_HOST)
    data = doc["extensions"][0]["data"]

    errors = list(Draft202012Validator(cbam_extension_schema()).iter_errors(data))

    assert errors == []


def test_minimal_extension_data_validates_against_the_schema():
    # A simple good without electricity data, precursors, carbon price or verification.
    see = SeeFigures(
        see_direct_tco2e_per_t=D("0.32000"),
        see_indirect_tco2e_per_t=D("0.00000"),
        see_total_tco2e_per_t=D("0.32000"),
        indirect_counts=False,
        default_values_used=False,
    )
    inp = hot_rolled_coil_input(
        electricity=None,
        precursors=(),
        carbon_prices=(),
        verification=None,
        secondary_sources=(),
        data_quality=DataQualityInfo(),
        see=see,
    )

    data = build_product_footprint(inp, platform_host=PLATFORM_HOST)["extensions"][0]["data"]

    assert data["precursors"] == []
    assert data["carbonPricesPaid"] == []
    assert "dataQuality" not in data
    assert list(Draft202012Validator(cbam_extension_schema()).iter_errors(data)) == []
