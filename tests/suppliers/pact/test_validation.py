"""``validate_product_footprint``: the PACT v3.0.3 rules our documents rely on, and the CBAM
extension's data against the schema the platform publishes."""

from __future__ import annotations

import copy

import pytest

from suppliers.pact.document import build_product_footprint
from suppliers.pact.validation import CF_REQUIRED, PF_REQUIRED, validate_product_footprint
from tests.suppliers.pact.examples import FOOTPRINT_ID, PLATFORM_HOST, hot_rolled_coil_input


@pytest.fixture
def doc():
    return build_product_footprint(hot_rolled_coil_input(), platform_host=PLATFORM_HOST)


def test_the_required_lists_are_those_of_pact_v3():
    assert PF_REQUIRED == (
        "id",
        "specVersion",
        "created",
        "status",
        "companyName",
        "companyIds",
        "productDescription",
        "productIds",
        "productNameCompany",
        "pcf",
    )
    assert CF_REQUIRED == (
        "declaredUnitOfMeasurement",
        "declaredUnitAmount",
        "productMassPerDeclaredUnit",
        "referencePeriodStart",
        "referencePeriodEnd",
        "pcfExcludingBiogenicUptake",
        "pcfIncludingBiogenicUptake",
        "fossilGhgEmissions",
        "fossilCarbonContent",
        "ipccCharacterizationFactors",
        "crossSectoralStandards",
        "exemptedEmissionsPercent",
    )


def test_our_document_has_every_required_property(doc):
    assert set(PF_REQUIRED) <= doc.keys()
    assert set(CF_REQUIRED) <= doc["pcf"].keys()
    assert validate_product_footprint(doc) == []


@pytest.mark.parametrize("key", PF_REQUIRED)
def test_a_missing_footprint_property_is_reported(doc, key):
    del doc[key]

    assert f"$.{key}: is required" in validate_product_footprint(doc)


@pytest.mark.parametrize("key", CF_REQUIRED)
def test_a_missing_or_null_carbon_footprint_property_is_reported(doc, key):
    doc["pcf"][key] = None  # PACT: null is undefined

    assert f"$.pcf.{key}: is required" in validate_product_footprint(doc)


@pytest.mark.parametrize(
    ("path", "value", "expected"),
    [
        (("id",), "FP-1", "$.id: 'FP-1' is not a UUID"),
        (("specVersion",), "2.3.0", "$.specVersion: '2.3.0' is not a v3 version"),
        (("created",), "2026-02-16", "$.created: '2026-02-16' is not an ISO 8601 date-time"),
        (("status",), "Published", "$.status: 'Published' is not one of"),
        (("companyIds",), [], "$.companyIds: must not be empty"),
        (("productIds",), ["GTIN-1"], "$.productIds[0]: 'GTIN-1' is not a URN"),
        (("precedingPfIds",), [str(FOOTPRINT_ID)], "$.precedingPfIds: must not contain"),
        (("pcf", "declaredUnitOfMeasurement"), "ton", "$.pcf.declaredUnitOfMeasurement: 'ton'"),
        (("pcf", "declaredUnitAmount"), "0", "$.pcf.declaredUnitAmount: 0 must be > 0"),
        (("pcf", "pcfExcludingBiogenicUptake"), 2.40803, "is not a decimal string"),
        (("pcf", "fossilGhgEmissions"), "-1", "$.pcf.fossilGhgEmissions: -1 must be >= 0"),
        (("pcf", "biogenicCO2Uptake"), "0.5", "$.pcf.biogenicCO2Uptake: 0.5 must be <= 0"),
        (("pcf", "ipccCharacterizationFactors"), ["AR 5"], "is not an IPCC report"),
        (("pcf", "geographyRegionOrSubregion"), "Eastern Asia", "at most one geography"),
        (("pcf", "packagingGhgEmissions"), "0.1", "must be undefined when packaging"),
        (("pcf", "dqi"), {"technologicalDQR": "6"}, "$.pcf.dqi.geographicalDQR: is required"),
        (("validityPeriodEnd",), "2029-01-02T00:00:00Z", "at most 3 years after"),
        (("validityPeriodStart",), "2025-06-01T00:00:00Z", "must not be before"),
        (("extensions", 0, "specVersion"), "2.0", "is not a semantic version"),
        (("extensions", 0, "dataSchema"), "http://x.example/s.json", "is not an https URL"),
    ],
)
def test_a_broken_rule_is_reported_with_its_path(doc, path, value, expected):
    target = doc
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = value

    errors = validate_product_footprint(doc)

    assert any(expected in error for error in errors), errors


def test_the_extension_data_is_checked_against_our_schema(doc):
    data = doc["extensions"][0]["data"]
    del data["see"]["totalTco2ePerT"]
    data["precursors"][1]["footprintId"] = str(FOOTPRINT_ID)  # default value: no footprint
    data["activityLevelT"] = "0"
    data["surprise"] = True

    errors = validate_product_footprint(doc)

    assert "$.extensions[0].data.see: 'totalTco2ePerT' is a required property" in errors
    assert any(e.startswith("$.extensions[0].data.precursors[1]:") for e in errors), errors
    assert any(e.startswith("$.extensions[0].data.activityLevelT:") for e in errors), errors
    assert any("'surprise' was unexpected" in e for e in errors), errors


def test_a_platform_footprint_precursor_must_name_the_footprint(doc):
    del doc["extensions"][0]["data"]["precursors"][0]["footprintId"]

    errors = validate_product_footprint(doc)

    assert "$.extensions[0].data.precursors[0]: 'footprintId' is a required property" in errors


def test_see_figures_in_the_extension_have_five_decimal_places(doc):
    doc["extensions"][0]["data"]["see"]["directTco2ePerT"] = "2.0978"

    errors = validate_product_footprint(doc)

    assert len(errors) == 1
    assert errors[0].startswith("$.extensions[0].data.see.directTco2ePerT: '2.0978' does not match")


def test_extensions_of_other_schemas_are_checked_for_shape_only(doc):
    doc["extensions"].append(
        {
            "specVersion": "2.0.0",
            "dataSchema": "https://catalog.example.org/shipment/1.0.0/schema.json",
            "data": {"shipmentId": "S1"},
        }
    )

    assert validate_product_footprint(doc) == []


def test_something_that_is_not_an_object_is_reported():
    assert validate_product_footprint([]) == ["$: a ProductFootprint must be a JSON object"]


def test_validation_does_not_change_the_document(doc):
    before = copy.deepcopy(doc)

    validate_product_footprint(doc)

    assert doc == before
