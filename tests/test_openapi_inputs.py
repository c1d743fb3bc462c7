"""The OpenAPI schema tells every request body's fields (the input layer's declarations)."""

from __future__ import annotations

import pytest
from drf_spectacular.generators import SchemaGenerator


@pytest.fixture(scope="module")
def schema():
    return SchemaGenerator().get_schema(request=None, public=True)


def _resolve(schema, node):
    while "$ref" in node:
        node = schema["components"]["schemas"][node["$ref"].rsplit("/", 1)[1]]
    return node


def test_no_request_body_is_an_untyped_object(schema):
    untyped = []
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            for content_type, content in (
                operation.get("requestBody", {}).get("content", {}).items()
            ):
                body = _resolve(schema, content["schema"])
                if not body.get("properties"):
                    untyped.append(f"{method.upper()} {path} ({content_type})")
    assert untyped == []


def test_the_footprint_body_lists_its_fields_with_units(schema):
    body = _resolve(
        schema,
        schema["paths"]["/api/v1/orgs/{org_slug}/footprints/"]["post"]["requestBody"]["content"][
            "application/json"
        ]["schema"],
    )

    assert body["required"] == [
        "activity_level",
        "attributed_direct_emissions",
        "installation",
        "period_end",
        "period_start",
        "product",
    ]
    activity = body["properties"]["activity_level"]
    assert activity["description"] == (
        "Production of the product over the period (more than zero); a value with its unit "
        "(t, kg), stored in t"
    )
    quantity = _resolve(schema, activity["allOf"][0])
    assert sorted(quantity["properties"]) == ["unit", "value"]
    assert _resolve(schema, quantity["properties"]["unit"]["allOf"][0])["enum"] == ["t", "kg"]
    precursor = _resolve(schema, body["properties"]["precursors"]["items"])
    assert precursor["required"] == ["cn_code", "country_of_origin", "mass_per_t", "see_source"]
    assert precursor["properties"]["see_direct"]["description"] == (
        "For own_verified: direct SEE in tCO2e/t >= 0 (at most 10,000)"
    )


def test_the_calculator_bodies_are_typed_with_their_bounds(schema):
    body = _resolve(
        schema,
        schema["paths"]["/api/v1/calculations/cbam-obligation"]["post"]["requestBody"]["content"][
            "application/json"
        ]["schema"],
    )

    assert body["properties"]["year"]["type"] == "integer"
    assert body["properties"]["quantity_t"]["description"] == (
        "Net mass imported, t (at most 1,000,000,000,000)"
    )
    assert body["properties"]["certificate_price_eur"]["description"] == (
        "Price of one CBAM certificate, EUR (at most 1,000,000)"
    )
